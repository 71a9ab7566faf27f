import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { requireActor } from '../cases/index.js';
import type { StageContext } from '../core/stage.js';
import { formatIssue } from '../core/diagnostics/index.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { inTransaction as inStoreTransaction, text } from '../store/index.js';
import { directedTargets, type DirectedTarget } from './directed.js';
import { computeDraw, hashesOf, type ComputedDraw } from './draw.js';
import { readFrames } from './frames.js';
import { parsePlan, type Plan } from './plan.js';

/**
 * Draws on record (migration 0010): the commitment before the seed (`draw_prepare`), every draw,
 * never re-rolled (`draw`), and what re-computes one from its recorded inputs. The stage functions
 * take plain JSON arguments so that the CLI and the server run them the same way (api/).
 */

const log = logger('inspection');

/** The §9 audit document: the random part and the directed part, listed apart. */
export interface AuditDocument extends ComputedDraw {
  readonly directed: readonly DirectedTarget[];
}

/** A recorded draw and how it stands. */
export interface DrawRecord {
  readonly draw_id: string;
  readonly plan_id: string;
  readonly public_seed: string;
  readonly prepared_at: string;
  readonly drawn_at: string;
  readonly actor: string;
  readonly superseded_by: string | null;
  readonly supersede_reason: string | null;
  readonly document: AuditDocument;
}

export interface PlanArgs {
  /** The plan file's text (the CLI reads the file, so the server never reads the caller's paths). */
  readonly plan_text: string;
  /** Its name, for the location of plan errors. */
  readonly plan_file: string;
}

export interface Prepared {
  readonly plan_id: string;
  readonly plan_hash: string;
  readonly targets_hash: string;
  readonly inspectors_hash: string;
  readonly prepared_at: string;
  readonly actor: string;
  /** Targets per stratum, in plan order, and inspectors in the frame. */
  readonly frame_sizes: readonly { stratum: string; targets: number }[];
  readonly inspectors: number;
  /** True when the same commitment was already on record (nothing written). */
  readonly existing: boolean;
}

export interface RunArgs extends PlanArgs {
  readonly public_seed: string;
  readonly supersede?: boolean | undefined;
  readonly reason?: string | undefined;
}

export interface RunResult {
  readonly draw: DrawRecord;
  /** True when these inputs had been drawn before: the recorded draw, unchanged. */
  readonly existing: boolean;
  /** The draw this one superseded, if any. */
  readonly superseded: string | null;
}

export interface Verified {
  readonly draw_id: string;
  readonly ok: boolean;
  /** The fields whose recorded value the re-computation does not give (empty when ok). */
  readonly mismatches: readonly string[];
}

function planOf(a: PlanArgs): Plan {
  const parsed = parsePlan(a.plan_text, a.plan_file);
  if (!parsed.ok)
    throw new FundwatchError(
      'usage',
      `抽查计划有误 (${parsed.issues.length} 处):\n${parsed.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
  return parsed.plan;
}

/** One transaction on the draw record; a racing change is refused, nothing changed. */
export function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  return inStoreTransaction(conn, fn, '另一抽查操作正在同时进行, 未作任何改动; 请稍后重试');
}

const ts = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;
const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : text(v));

/**
 * `draw prepare`: commits the plan and the three frame hashes (contract §9 step 2) before the
 * public seed is known, and returns them for publication. The same plan on the same frames again
 * returns the commitment on record.
 */
export async function prepareDraw(conn: DuckDBConnection, a: PlanArgs, ctx: StageContext): Promise<Prepared> {
  const plan = planOf(a);
  const actor = requireActor(ctx);
  const frames = await readFrames(conn, plan);
  const h = hashesOf(plan, frames);
  const sizes = {
    frame_sizes: plan.strata.map((s) => ({ stratum: s.name, targets: frames.targets[s.name]?.length ?? 0 })),
    inspectors: frames.inspectors.length,
  };
  return inTransaction(conn, async () => {
    const old = await conn.runAndReadAll(
      `SELECT ${ts('prepared_at')}, actor FROM draw_prepare WHERE plan_id = $p AND plan_hash = $ph AND targets_hash = $th AND inspectors_hash = $ih`,
      { p: plan.plan_id, ph: h.plan_hash, th: h.targets_hash, ih: h.inspectors_hash },
    );
    const row = old.getRows()[0];
    if (row) return { plan_id: plan.plan_id, ...h, prepared_at: text(row[0]), actor: text(row[1]), ...sizes, existing: true };
    await conn.run(`INSERT INTO draw_prepare VALUES ($p, $plan::JSON, $ph, $th, $ih, $at::TIMESTAMP, $actor)`, {
      p: plan.plan_id,
      plan: JSON.stringify(plan),
      ph: h.plan_hash,
      th: h.targets_hash,
      ih: h.inspectors_hash,
      at: ctx.now,
      actor,
    });
    log.info({ plan_hash: h.plan_hash, targets_hash: h.targets_hash }, 'draw prepared');
    return { plan_id: plan.plan_id, ...h, prepared_at: ctx.now, actor, ...sizes, existing: false };
  });
}

const DRAW_COLUMNS = `draw_id, plan_id, public_seed, ${ts('prepared_at')}, ${ts('drawn_at')}, actor, superseded_by, supersede_reason, CAST(audit AS VARCHAR)`;

function toRecord(r: readonly DuckDBValue[]): DrawRecord {
  return {
    draw_id: text(r[0]),
    plan_id: text(r[1]),
    public_seed: text(r[2]),
    prepared_at: text(r[3]),
    drawn_at: text(r[4]),
    actor: text(r[5]),
    superseded_by: orNull(r[6]),
    supersede_reason: orNull(r[7]),
    document: JSON.parse(text(r[8])) as AuditDocument,
  };
}

async function drawsWhere(conn: DuckDBConnection, where: string, params: Record<string, string>): Promise<DrawRecord[]> {
  const r = await conn.runAndReadAll(`SELECT ${DRAW_COLUMNS} FROM draw WHERE ${where} ORDER BY drawn_at, draw_id`, params);
  return r.getRows().map(toRecord);
}

/** One recorded draw, or a usage error naming where to look. */
export async function recordedDraw(conn: DuckDBConnection, drawId: string): Promise<DrawRecord> {
  const [d] = await drawsWhere(conn, 'draw_id = $id', { id: drawId });
  if (!d) throw new FundwatchError('usage', `没有抽取 ${drawId} (见 fundwatch draw list)`);
  return d;
}

/**
 * `draw run`: draws against the latest commitment of the plan (refused when the frames no longer
 * give its hashes), records the draw with its directed part, and returns it. The same inputs return
 * the recorded draw; a different draw for a plan_id already drawn is refused unless it supersedes
 * the current one with a reason, both kept.
 */
export async function runDraw(conn: DuckDBConnection, a: RunArgs, ctx: StageContext): Promise<RunResult> {
  const plan = planOf(a);
  const actor = requireActor(ctx);
  const publicSeed = a.public_seed;
  if (!publicSeed.trim()) throw new FundwatchError('usage', '公开随机种子 (--public-seed) 不能为空');
  const reason = a.reason?.trim() ?? '';
  if (a.supersede && !reason) throw new FundwatchError('usage', '--supersede 需要 --reason "…": 重新抽取的理由会公开记录');
  if (!a.supersede && reason) throw new FundwatchError('usage', '--reason 只与 --supersede 一起使用');

  const frames = await readFrames(conn, plan);
  const h = hashesOf(plan, frames);
  return inTransaction(conn, async () => {
    const prepared = await conn.runAndReadAll(
      `SELECT plan_hash, targets_hash, inspectors_hash, ${ts('prepared_at')} FROM draw_prepare WHERE plan_id = $p ORDER BY prepared_at DESC LIMIT 1`,
      { p: plan.plan_id },
    );
    const commit = prepared.getRows()[0];
    if (!commit)
      throw new FundwatchError(
        'refused',
        `计划 ${plan.plan_id} 尚未承诺: 请先 fundwatch draw prepare --plan ${a.plan_file}, 公布哈希后再抽取`,
      );
    const changed = [
      text(commit[0]) === h.plan_hash ? '' : '计划 (plan_hash)',
      text(commit[1]) === h.targets_hash ? '' : '检查对象名录 (targets_hash)',
      text(commit[2]) === h.inspectors_hash ? '' : '检查人员名录 (inspectors_hash)',
    ].filter(Boolean);
    if (changed.length)
      throw new FundwatchError(
        'refused',
        `${changed.join('、')} 与 ${text(commit[3])} 承诺的哈希不符, 拒绝抽取: 承诺之后名录或计划已变。若变动正当, 请重新 draw prepare 并公布新的哈希`,
      );
    const computed = computeDraw(plan, frames, publicSeed);
    const [same] = await drawsWhere(conn, 'draw_id = $id', { id: computed.draw_id });
    if (same) return { draw: same, existing: true, superseded: null };

    const current = await drawsWhere(conn, 'plan_id = $p AND superseded_by IS NULL', { p: plan.plan_id });
    const previous = current[current.length - 1];
    if (previous && !a.supersede)
      throw new FundwatchError(
        'refused',
        `计划 ${plan.plan_id} 已于 ${previous.drawn_at} 抽取 (${previous.draw_id}), 不重复抽取。确需重新抽取请加 --supersede --reason "…" (原抽取保留并公开)`,
      );
    const document: AuditDocument = { ...computed, directed: await directedTargets(conn, plan.directed) };
    await conn.run(`INSERT INTO draw VALUES ($id, $p, $seed, $doc::JSON, $prep::TIMESTAMP, $at::TIMESTAMP, $actor, NULL, NULL)`, {
      id: computed.draw_id,
      p: plan.plan_id,
      seed: publicSeed,
      doc: JSON.stringify(document),
      prep: text(commit[3]),
      at: ctx.now,
      actor,
    });
    for (const old of current)
      await conn.run('UPDATE draw SET superseded_by = $new, supersede_reason = $why WHERE draw_id = $old', {
        new: computed.draw_id,
        why: reason,
        old: old.draw_id,
      });
    log.info({ draw_id: computed.draw_id, targets: computed.random.length, superseded: previous?.draw_id ?? null }, 'draw recorded');
    return { draw: await recordedDraw(conn, computed.draw_id), existing: false, superseded: previous?.draw_id ?? null };
  });
}

const FIELDS = [
  'algorithm',
  'plan_hash',
  'targets_hash',
  'inspectors_hash',
  'seed',
  'draw_id',
  'random',
] as const satisfies readonly (keyof ComputedDraw)[];

/**
 * `draw verify`: re-computes a recorded draw from its recorded inputs (plan, frames, public seed)
 * and names every field that differs; also that the draw was made against a commitment on record,
 * made before it.
 */
export async function verifyDraw(conn: DuckDBConnection, a: { draw_id: string }): Promise<Verified> {
  const d = await recordedDraw(conn, a.draw_id);
  const doc = d.document;
  const mismatches: string[] = [];
  let again: ComputedDraw | undefined;
  try {
    again = computeDraw(doc.plan, doc.frames, doc.public_seed);
  } catch (err) {
    mismatches.push(`document (${(err as Error).message})`);
  }
  if (again) for (const f of FIELDS) if (JSON.stringify(again[f]) !== JSON.stringify(doc[f])) mismatches.push(f);
  if (doc.public_seed !== d.public_seed) mismatches.push('public_seed');
  if (d.draw_id !== doc.draw_id) mismatches.push('draw_id (row)');
  const commit = await conn.runAndReadAll(
    `SELECT count(*) FROM draw_prepare WHERE plan_id = $p AND plan_hash = $ph AND targets_hash = $th AND inspectors_hash = $ih AND prepared_at <= $at::TIMESTAMP`,
    { p: d.plan_id, ph: doc.plan_hash, th: doc.targets_hash, ih: doc.inspectors_hash, at: d.drawn_at },
  );
  if (Number(commit.getRows()[0]?.[0] ?? 0) === 0) mismatches.push('prepare (没有抽取前的承诺记录)');
  return { draw_id: d.draw_id, ok: mismatches.length === 0, mismatches };
}

/** The audit document of a draw, with how it stands on record (superseded or not). */
export type ExportedDraw = Omit<AuditDocument, 'frames'> & {
  readonly frames: { readonly targets: AuditDocument['frames']['targets']; readonly inspectors?: AuditDocument['frames']['inspectors'] };
  readonly record: Pick<DrawRecord, 'prepared_at' | 'drawn_at' | 'superseded_by' | 'supersede_reason'>;
};

/**
 * `draw export`: the §9 audit document (`audit`), or the public record: the same without the
 * inspector frame (who may not inspect whom stays with the auditors). Both carry `record`, so a
 * superseded draw says so.
 */
export async function exportDraw(conn: DuckDBConnection, a: { draw_id: string; audit?: boolean | undefined }): Promise<ExportedDraw> {
  const d = await recordedDraw(conn, a.draw_id);
  const record = { prepared_at: d.prepared_at, drawn_at: d.drawn_at, superseded_by: d.superseded_by, supersede_reason: d.supersede_reason };
  const frames = a.audit ? d.document.frames : { targets: d.document.frames.targets };
  return { ...d.document, frames, record };
}

/** A line of `draw list`: a draw, or a commitment not drawn yet. */
export interface DrawListRow {
  readonly kind: 'draw' | 'prepared';
  readonly plan_id: string;
  readonly draw_id: string | null;
  readonly public_seed: string | null;
  readonly at: string;
  readonly actor: string;
  readonly targets: number | null;
  readonly unstaffed: number | null;
  readonly directed: number | null;
  readonly superseded_by: string | null;
}

/** `draw list`: every draw and every commitment no draw used, oldest first. */
export async function listDraws(conn: DuckDBConnection): Promise<DrawListRow[]> {
  const draws = await drawsWhere(conn, 'true', {});
  const rows: DrawListRow[] = draws.map((d) => ({
    kind: 'draw',
    plan_id: d.plan_id,
    draw_id: d.draw_id,
    public_seed: d.public_seed,
    at: d.drawn_at,
    actor: d.actor,
    targets: d.document.random.length,
    unstaffed: d.document.random.filter((t) => t.unstaffed).length,
    directed: d.document.directed.length,
    superseded_by: d.superseded_by,
  }));
  const pending = await conn.runAndReadAll(
    `SELECT p.plan_id, ${ts('p.prepared_at')}, p.actor FROM draw_prepare p
     WHERE NOT EXISTS (SELECT 1 FROM draw d WHERE d.plan_id = p.plan_id
                       AND json_extract_string(d.audit, '$.plan_hash') = p.plan_hash
                       AND json_extract_string(d.audit, '$.targets_hash') = p.targets_hash
                       AND json_extract_string(d.audit, '$.inspectors_hash') = p.inspectors_hash)
     ORDER BY p.prepared_at, p.plan_id`,
  );
  for (const r of pending.getRows())
    rows.push({
      kind: 'prepared',
      plan_id: text(r[0]),
      draw_id: null,
      public_seed: null,
      at: text(r[1]),
      actor: text(r[2]),
      targets: null,
      unstaffed: null,
      directed: null,
      superseded_by: null,
    });
  return rows.sort((x, y) => x.at.localeCompare(y.at));
}
