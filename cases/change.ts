import type { DuckDBConnection } from '@duckdb/node-api';
import { addWorkdays, chinaDay } from '../core/calendar.js';
import { FundwatchError } from '../core/errors.js';
import type { StageContext } from '../core/stage.js';
import { inTransaction as inStoreTransaction, text as str } from '../store/index.js';
import { requireActor } from './actor.js';
import { appendAudit } from './group.js';
import { DUE_WORKDAYS, isState, transitionProblem, type TransitionInput } from './workflow.js';

/** Who and when, for every change. */
export type ChangeContext = StageContext;

/** What a change returns: the case's new version, for the next change to name. */
export interface Changed {
  readonly case_id: string;
  readonly version: number;
  readonly state: string;
}

export interface Current {
  readonly state: string;
  readonly version: number;
  readonly assignee: string | null;
  readonly due_on: string | null;
  readonly recover_amt: number | null;
  readonly merged_into: string | null;
}

/** The case as it is now, or a usage error naming the id. */
export async function currentCase(conn: DuckDBConnection, caseId: string): Promise<Current> {
  const r = (
    await conn.runAndReadAll(
      `SELECT state, version, assignee, strftime(due_on, '%Y-%m-%d'), CAST(recover_amt AS VARCHAR), merged_into FROM case_file WHERE case_id = $id`,
      { id: caseId },
    )
  ).getRows()[0];
  if (!r) throw new FundwatchError('usage', `没有线索 ${caseId} (见 fundwatch cases list)`);
  return {
    state: str(r[0]),
    version: Number(r[1]),
    assignee: r[2] === null ? null : str(r[2]),
    due_on: r[3] === null ? null : str(r[3]),
    recover_amt: r[4] === null ? null : Number(r[4]),
    merged_into: r[5] === null ? null : str(r[5]),
  };
}

/** Refuses a change that names another version than the case has: someone changed it meanwhile. */
export function checkVersion(caseId: string, c: Current, version: number): void {
  if (c.merged_into) throw new FundwatchError('refused', `线索 ${caseId} 已并入 ${c.merged_into}, 请在那条线索上操作`);
  if (c.version !== version)
    throw new FundwatchError(
      'refused',
      `线索 ${caseId} 已被他人修改: 当前版本 ${c.version}, 你提交的是 --version ${version}。未作任何改动; 请先 fundwatch cases show ${caseId} 查看最新内容再操作`,
    );
}

/** One transaction on a case; a racing edit of it is refused like a stale version. */
export function inTransaction<T>(conn: DuckDBConnection, caseId: string, fn: () => Promise<T>): Promise<T> {
  return inStoreTransaction(conn, fn, `线索 ${caseId} 正被他人同时修改, 未作任何改动; 请先查看最新版本再操作`);
}

/**
 * The frame of every versioned change of one case: its actor required, one transaction, the case
 * read and its version checked against the one the user saw, then `fn` with both.
 */
export async function changeCase<T>(
  conn: DuckDBConnection,
  caseId: string,
  version: number,
  ctx: ChangeContext,
  fn: (c: Current, actor: string) => Promise<T>,
): Promise<T> {
  const actor = requireActor(ctx);
  return inTransaction(conn, caseId, async () => {
    const c = await currentCase(conn, caseId);
    checkVersion(caseId, c, version);
    return fn(c, actor);
  });
}

export interface TransitionArgs extends TransitionInput {
  readonly case_id: string;
  readonly version: number;
}

/**
 * Moves a case to another state (cases/workflow.ts TRANSITIONS), with its version checked, its due
 * date set in working days, the dismiss reason or the 追回/已追回/罚款 amounts recorded, and the change
 * in the audit log.
 */
export async function transitionCase(conn: DuckDBConnection, a: TransitionArgs, ctx: ChangeContext): Promise<Changed> {
  return changeCase(conn, a.case_id, a.version, ctx, async (c, actor) => {
    const problem = transitionProblem(c.state, a, c);
    if (problem) throw new FundwatchError('refused', `线索 ${a.case_id}: ${problem}`);
    const to = a.to;
    const days = isState(to) ? DUE_WORKDAYS[to] : null;
    const due = days === null ? null : addWorkdays(chinaDay(ctx.now), days);
    const after = {
      state: to,
      due_on: due,
      ...(a.reason ? { dismiss_reason: a.reason } : {}),
      ...(a.note ? { note: a.note } : {}),
      ...(a.recover_amt !== undefined ? { recover_amt: a.recover_amt } : {}),
      ...(a.recovered_amt !== undefined ? { recovered_amt: a.recovered_amt } : {}),
      ...(a.penalty_amt !== undefined ? { penalty_amt: a.penalty_amt } : {}),
      version: c.version + 1,
    };
    await conn.run(
      `UPDATE case_file SET state = $to, due_on = CAST($due AS DATE), version = version + 1, updated_at = CAST($now AS TIMESTAMP),
         dismiss_reason = CASE WHEN $to = 'dismissed' THEN $reason ELSE dismiss_reason END,
         dismiss_note = CASE WHEN $to = 'dismissed' THEN $note ELSE dismiss_note END,
         recover_amt = coalesce(CAST($recover AS DECIMAL(16,2)), recover_amt),
         recovered_amt = coalesce(CAST($recovered AS DECIMAL(16,2)), recovered_amt),
         penalty_amt = coalesce(CAST($penalty AS DECIMAL(16,2)), penalty_amt),
         confirmed_at = CASE WHEN $to = 'confirmed' THEN CAST($now AS TIMESTAMP) ELSE confirmed_at END,
         closed_at = CASE WHEN $to = 'closed' THEN CAST($now AS TIMESTAMP) ELSE closed_at END
       WHERE case_id = $id`,
      {
        id: a.case_id,
        to,
        due,
        now: ctx.now,
        reason: a.reason ?? null,
        note: a.note ?? null,
        recover: a.recover_amt?.toFixed(2) ?? null,
        recovered: a.recovered_amt?.toFixed(2) ?? null,
        penalty: a.penalty_amt?.toFixed(2) ?? null,
      },
    );
    await appendAudit(conn, ctx.now, actor, [
      { case_id: a.case_id, action: 'transition', before: { state: c.state, due_on: c.due_on, version: c.version }, after },
    ]);
    return { case_id: a.case_id, version: c.version + 1, state: to };
  });
}

export interface AssignArgs {
  readonly case_id: string;
  readonly version: number;
  /** The person to work it; empty to unassign. */
  readonly assignee: string;
}

/** Assigns a case to a person (经办人), version checked, in the audit log. */
export async function assignCase(conn: DuckDBConnection, a: AssignArgs, ctx: ChangeContext): Promise<Changed> {
  return changeCase(conn, a.case_id, a.version, ctx, async (c, actor) => {
    const assignee = a.assignee.trim() || null;
    await conn.run(
      `UPDATE case_file SET assignee = $assignee, version = version + 1, updated_at = CAST($now AS TIMESTAMP) WHERE case_id = $id`,
      { id: a.case_id, assignee, now: ctx.now },
    );
    await appendAudit(conn, ctx.now, actor, [
      {
        case_id: a.case_id,
        action: 'assign',
        before: { assignee: c.assignee, version: c.version },
        after: { assignee, version: c.version + 1 },
      },
    ]);
    return { case_id: a.case_id, version: c.version + 1, state: c.state };
  });
}

/** Adds a comment to a case; comments do not change the case, so no version is needed, but the audit log has it. */
export async function commentCase(conn: DuckDBConnection, a: { case_id: string; body: string }, ctx: ChangeContext): Promise<Changed> {
  const actor = requireActor(ctx);
  const body = a.body.trim();
  if (!body) throw new FundwatchError('usage', '意见内容不能为空');
  return inTransaction(conn, a.case_id, async () => {
    const c = await currentCase(conn, a.case_id);
    await conn.run(`INSERT INTO case_comment (case_id, happened_at, actor, body) VALUES ($id, CAST($now AS TIMESTAMP), $actor, $body)`, {
      id: a.case_id,
      now: ctx.now,
      actor,
      body,
    });
    await appendAudit(conn, ctx.now, actor, [{ case_id: a.case_id, action: 'comment', before: null, after: { body } }]);
    return { case_id: a.case_id, version: c.version, state: c.state };
  });
}
