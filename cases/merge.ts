import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';
import { text as str } from '../store/index.js';
import { requireActor } from './actor.js';
import { changeCase, checkVersion, currentCase, inTransaction, type ChangeContext, type Changed } from './change.js';
import { appendAudit, refigure } from './group.js';
import { caseIdOf } from './subject.js';

export interface MergeArgs {
  /** The case that stays. */
  readonly into: string;
  readonly version: number;
  /** The cases merged into it, each with the version the user saw. */
  readonly from: readonly { readonly case_id: string; readonly version: number }[];
}

/**
 * Merges cases that are about the same facts into one: their hits move to `into` (how = merged),
 * each merged case keeps its row with merged_into set (new hits on its key follow it there), and
 * the figures of `into` are recomputed. Every case involved is version-checked and audited.
 */
export async function mergeCases(conn: DuckDBConnection, a: MergeArgs, ctx: ChangeContext): Promise<Changed> {
  const actor = requireActor(ctx);
  if (!a.from.length) throw new FundwatchError('usage', '合并须至少给出一条被并入的线索');
  if (a.from.some((f) => f.case_id === a.into)) throw new FundwatchError('usage', `线索 ${a.into} 不能并入自身`);
  return inTransaction(conn, a.into, async () => {
    const target = await currentCase(conn, a.into);
    checkVersion(a.into, target, a.version);
    if (target.state === 'dismissed' || target.state === 'closed')
      throw new FundwatchError('refused', `线索 ${a.into} 已驳回或结案, 不能再并入其他线索`);
    for (const f of a.from) checkVersion(f.case_id, await currentCase(conn, f.case_id), f.version);
    const ids = a.from.map((f) => f.case_id);
    const moved = await conn.runAndReadAll(
      `UPDATE case_hit SET case_id = $into, how = 'merged', attached_at = CAST($now AS TIMESTAMP) WHERE list_contains(from_json($ids, '["VARCHAR"]'), case_id) RETURNING jr_id`,
      { into: a.into, ids: JSON.stringify(ids), now: ctx.now },
    );
    await conn.run(
      `UPDATE case_file SET merged_into = $into, hit_count = 0, version = version + 1, updated_at = CAST($now AS TIMESTAMP)
       WHERE list_contains(from_json($ids, '["VARCHAR"]'), case_id)`,
      { into: a.into, ids: JSON.stringify(ids), now: ctx.now },
    );
    await conn.run(`UPDATE case_file SET version = version + 1, updated_at = CAST($now AS TIMESTAMP) WHERE case_id = $into`, {
      into: a.into,
      now: ctx.now,
    });
    await appendAudit(conn, ctx.now, actor, [
      {
        case_id: a.into,
        action: 'merge',
        before: { version: target.version },
        after: { merged: ids, hits: moved.getRows().length, version: target.version + 1 },
      },
      ...a.from.map((f) => ({
        case_id: f.case_id,
        action: 'merge',
        before: { version: f.version },
        after: { merged_into: a.into, version: f.version + 1 },
      })),
    ]);
    await refigure(conn, ctx.now, actor, new Set());
    return { case_id: a.into, version: await versionOf(conn, a.into), state: target.state };
  });
}

export interface DetachArgs {
  readonly jr_id: string;
  /** The version of the case the hit is in now. */
  readonly version: number;
}

/**
 * Detaches one hit into a case of its own (a different matter wrongly grouped with the others). The
 * new case's key is the old key plus the hit's id, so its id is stable too; it starts as 待初审.
 */
export async function detachHit(conn: DuckDBConnection, a: DetachArgs, ctx: ChangeContext): Promise<Changed> {
  requireActor(ctx); // before looking the hit up: a change without an actor is refused as such
  const from = (await conn.runAndReadAll('SELECT case_id FROM case_hit WHERE jr_id = $jr', { jr: a.jr_id })).getRows()[0];
  if (!from) throw new FundwatchError('usage', `命中 ${a.jr_id} 不在任何线索中 (见 fundwatch cases show <线索>)`);
  const caseId = str(from[0]);
  return changeCase(conn, caseId, a.version, ctx, async (c, actor) => {
    const count = (await conn.runAndReadAll('SELECT count(*) FROM case_hit WHERE case_id = $id', { id: caseId })).getRows()[0]?.[0];
    if (Number(count) < 2) throw new FundwatchError('refused', `命中 ${a.jr_id} 是线索 ${caseId} 唯一的命中, 无需拆分`);
    const key = `${await keyOf(conn, caseId)}|detached:${a.jr_id}`;
    const newId = caseIdOf(key);
    await conn.run(
      `INSERT INTO case_file (case_id, case_key, pattern, subject_kind, subject_key, fixmedins_code, psn_no, dr_codg, period, period_start, period_end,
                              title, state, version, hit_count, amount, sev_deg, sources, risk, risk_parts, created_at, updated_at, facts_at)
       SELECT $new, $key, pattern, subject_kind, subject_key, fixmedins_code, psn_no, dr_codg, period, period_start, period_end,
              title || ' (拆分)', 'new', 0, 0, 0, 'suspect', 0, 0, '{}', CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP)
       FROM case_file WHERE case_id = $old`,
      { new: newId, key, old: caseId, now: ctx.now },
    );
    await conn.run(`UPDATE case_hit SET case_id = $new, how = 'detached', attached_at = CAST($now AS TIMESTAMP) WHERE jr_id = $jr`, {
      new: newId,
      jr: a.jr_id,
      now: ctx.now,
    });
    await conn.run(`UPDATE case_file SET version = version + 1, updated_at = CAST($now AS TIMESTAMP) WHERE case_id = $old`, {
      old: caseId,
      now: ctx.now,
    });
    await appendAudit(conn, ctx.now, actor, [
      { case_id: caseId, action: 'detach', before: { version: c.version }, after: { jr_id: a.jr_id, to: newId, version: c.version + 1 } },
      { case_id: newId, action: 'detach', before: null, after: { jr_id: a.jr_id, from: caseId } },
    ]);
    await refigure(conn, ctx.now, actor, new Set([newId]));
    return { case_id: newId, version: await versionOf(conn, newId), state: 'new' };
  });
}

async function keyOf(conn: DuckDBConnection, caseId: string): Promise<string> {
  return str((await conn.runAndReadAll('SELECT case_key FROM case_file WHERE case_id = $id', { id: caseId })).getRows()[0]?.[0]);
}

async function versionOf(conn: DuckDBConnection, caseId: string): Promise<number> {
  return Number((await conn.runAndReadAll('SELECT version FROM case_file WHERE case_id = $id', { id: caseId })).getRows()[0]?.[0]);
}
