import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { text as str } from '../store/index.js';
import type { StageContext } from '../core/stage.js';
import { requireActor } from './actor.js';
import { addDays } from '../core/calendar.js';

const log = logger('suppress');

/**
 * The hit columns a suppression may name (table `hit`, migration 0002). Only these ever reach SQL
 * text, quoted; the values stay in the `suppression` row's JSON and are compared there.
 */
export const SUPPRESS_FIELDS = ['fixmedins_code', 'dr_codg', 'psn_no', 'mdtrt_id', 'pattern', 'rule_id'] as const;
export type SuppressField = (typeof SUPPRESS_FIELDS)[number];

/** How far ahead a suppression may run: a year (and a leap day); it must then be approved again. */
export const MAX_DAYS_AHEAD = 366;
/** An active suppression ending within this many days is flagged (⚠) in `suppress list` and after grouping. */
export const EXPIRING_DAYS = 7;

const Values = z
  .array(z.string().trim().min(1, '值不能为空'), { error: '须为字符串列表' })
  .min(1, '至少要有一个值')
  .max(1000, '至多 1000 个值')
  .transform((vs) => [...new Set(vs)].sort());

/**
 * A suppression as asked for (structured as Falco exceptions and Elastic exception items are): the
 * rule or detector it applies to (none: every one), and fields each with a set of values; a hit
 * matches when every named field's value is in its set. Why, who approved it, its last day.
 */
export const SuppressionInput = z.strictObject(
  {
    rule_id: z.string().trim().min(1, '规则编号不能为空').optional(),
    fields: z.record(z.string(), Values, { error: '须为 字段 → 值列表' }).superRefine((f, ctx) => {
      const unknown = Object.keys(f).filter((k) => !(SUPPRESS_FIELDS as readonly string[]).includes(k));
      for (const k of unknown)
        ctx.addIssue({ code: 'custom', path: [k], message: `未知字段 ${k}, 可用字段: ${SUPPRESS_FIELDS.join(', ')}` });
      if (!Object.keys(f).length) ctx.addIssue({ code: 'custom', message: `至少要有一个字段条件 (${SUPPRESS_FIELDS.join(', ')})` });
    }),
    reason: z.string({ error: '须写明原因' }).trim().min(1, '须写明原因'),
    approver: z.string({ error: '须写明批准人' }).trim().min(1, '须写明批准人'),
    expires_on: z.iso.date({ error: '到期日须为有效日期 yyyy-MM-dd' }),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? `未知的参数 ${i.keys.join(', ')}` : undefined) },
);
export type SuppressionInput = z.input<typeof SuppressionInput>;

/** One suppression as `suppress list` shows it. */
export interface SuppressionRow {
  readonly supp_id: string;
  readonly rule_id: string | null;
  readonly fields: Partial<Record<SuppressField, string[]>>;
  readonly reason: string;
  readonly approver: string;
  readonly created_by: string;
  readonly created_at: string;
  readonly expires_on: string;
  readonly ended_at: string | null;
  readonly ended_by: string | null;
  /** active; expired (its last day passed); ended (early, by `suppress expire`). */
  readonly state: 'active' | 'expired' | 'ended';
  /** Days from today to its last day (0: today is the last day it applies). */
  readonly days_left: number;
  readonly expiring_soon: boolean;
  /** Hits it held back from the queue, ever (kept after it expires). */
  readonly suppressed_hits: number;
}

/** What `addSuppression` did, and what the new suppression already matches. */
export interface AddedSuppression {
  readonly suppression: SuppressionRow;
  /** Live hits not yet in a case it matches: the next grouping holds them back. */
  readonly pending: number;
  /** Matching hits already in open cases: they stay there; the supervisor dismisses the case if it is wrong. */
  readonly in_open_cases: number;
  readonly open_cases: string[];
  /** With a rule_id: whether any hit ever came from that rule (a typo matches nothing). */
  readonly rule_seen: boolean | null;
}

export interface ListedSuppressions {
  readonly active: SuppressionRow[];
  /** Expired and ended ones, newest first; filled only with `all`. */
  readonly expired: SuppressionRow[];
  readonly expired_count: number;
  /** Active ones ending within EXPIRING_DAYS days. */
  readonly expiring_soon: number;
}

const q = (id: string) => `"${id}"`;

/**
 * The SQL condition under which suppression `s` matches hit `h`: its rule (or any), and for each
 * whitelisted field it names, the hit's value among the listed ones. Built from the whitelist only;
 * the values are read from the row's JSON, never written into SQL text.
 */
function matchSql(h: string, s: string): string {
  return [
    `(${s}.rule_id IS NULL OR ${s}.rule_id = ${h}.rule_id)`,
    ...SUPPRESS_FIELDS.map(
      (f) => `(NOT json_exists(${s}.fields, '$.${q(f)}') OR list_contains(json_extract_string(${s}.fields, '$.${q(f)}[*]'), ${h}.${q(f)}))`,
    ),
  ].join(' AND ');
}

/** Active at `$now`: not ended, and its last day not passed. */
const activeSql = (s: string) => `${s}.ended_at IS NULL AND ${s}.expires_on >= CAST($now AS DATE)`;

/** Parses a suppression's input against the schema and today's date; every issue in one usage error. */
export function parseSuppression(args: unknown, today: string): z.output<typeof SuppressionInput> {
  const r = SuppressionInput.safeParse(args);
  const issues = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(根)'}: ${i.message}`);
  // The date's range is checked too when other fields are wrong, so one try shows every issue.
  const expires = r.success ? r.data.expires_on : z.iso.date().safeParse((args as { expires_on?: unknown } | null)?.expires_on).data;
  const last = addDays(today, MAX_DAYS_AHEAD);
  if (expires !== undefined && expires < today) issues.push(`expires_on: 到期日 ${expires} 已过 (今天 ${today})`);
  if (expires !== undefined && expires > last)
    issues.push(`expires_on: 到期日 ${expires} 超过 ${MAX_DAYS_AHEAD} 天 (最晚 ${last}); 到期后须重新审批`);
  if (!r.success || issues.length) throw new FundwatchError('usage', `白名单无效: ${issues.join('; ')}`);
  return r.data;
}

const SELECT_ROWS = `
  SELECT s.supp_id, s.rule_id, CAST(s.fields AS VARCHAR), s.reason, s.approver, s.created_by, strftime(s.created_at, '%Y-%m-%d %H:%M:%S'),
         strftime(s.expires_on, '%Y-%m-%d'), strftime(s.ended_at, '%Y-%m-%d %H:%M:%S'), s.ended_by,
         CASE WHEN s.ended_at IS NOT NULL THEN 'ended' WHEN s.expires_on < CAST($now AS DATE) THEN 'expired' ELSE 'active' END,
         date_diff('day', CAST($now AS DATE), s.expires_on),
         (SELECT count(*) FROM hit_suppressed x WHERE x.supp_id = s.supp_id)
  FROM suppression s`;

async function readRows(
  conn: DuckDBConnection,
  now: string,
  where: string,
  params: Record<string, string> = {},
): Promise<SuppressionRow[]> {
  const r = await conn.runAndReadAll(`${SELECT_ROWS} ${where}`, { now, ...params });
  return r.getRows().map((v) => {
    const state = str(v[10]) as SuppressionRow['state'];
    const daysLeft = Number(v[11]);
    return {
      supp_id: str(v[0]),
      rule_id: v[1] === null ? null : str(v[1]),
      fields: JSON.parse(str(v[2])) as SuppressionRow['fields'],
      reason: str(v[3]),
      approver: str(v[4]),
      created_by: str(v[5]),
      created_at: str(v[6]),
      expires_on: str(v[7]),
      ended_at: v[8] === null ? null : str(v[8]),
      ended_by: v[9] === null ? null : str(v[9]),
      state,
      days_left: daysLeft,
      expiring_soon: state === 'active' && daysLeft < EXPIRING_DAYS,
      suppressed_hits: Number(v[12]),
    };
  });
}

/**
 * Adds a suppression (id `S0001`, `S0002` … in order of creation, never reused: rows are never
 * deleted). Refused when invalid (a usage error listing every issue) or when an active one with the
 * same rule and fields exists. It applies from the next grouping on; hits already in cases stay
 * there, and the result says how many of them, in which open cases, match.
 */
export async function addSuppression(conn: DuckDBConnection, args: SuppressionInput, ctx: StageContext): Promise<AddedSuppression> {
  const actor = requireActor(ctx);
  const input = parseSuppression(args, ctx.now.slice(0, 10));
  // Keys sorted and values sorted (the schema), so the same suppression is the same JSON text.
  const fields = JSON.stringify(Object.fromEntries(Object.entries(input.fields).sort(([a], [b]) => a.localeCompare(b))));
  const rule = input.rule_id ?? null;
  const same = await conn.runAndReadAll(
    `SELECT supp_id FROM suppression s WHERE ${activeSql('s')} AND s.rule_id IS NOT DISTINCT FROM $rule AND CAST(s.fields AS VARCHAR) = $fields`,
    { now: ctx.now, rule, fields },
  );
  const existing = same.getRows()[0];
  if (existing)
    throw new FundwatchError(
      'refused',
      `已有相同的生效白名单 ${str(existing[0])} (如需改到期日, 先 fundwatch suppress expire ${str(existing[0])})`,
    );
  const inserted = await conn.runAndReadAll(
    `INSERT INTO suppression (supp_id, rule_id, fields, reason, approver, created_by, created_at, expires_on)
     SELECT 'S' || lpad(CAST(coalesce(max(CAST(substr(supp_id, 2) AS INTEGER)), 0) + 1 AS VARCHAR), 4, '0'),
            $rule, CAST($fields AS JSON), $reason, $approver, $actor, CAST($now AS TIMESTAMP), CAST($expires AS DATE)
     FROM suppression
     RETURNING supp_id`,
    { rule, fields, reason: input.reason, approver: input.approver, actor, now: ctx.now, expires: input.expires_on },
  );
  const id = str(inserted.getRows()[0]?.[0]);
  const [row] = await readRows(conn, ctx.now, 'WHERE s.supp_id = $id', { id });
  if (!row) throw new FundwatchError('invariant', `suppression ${id} not found after insert`);
  const matching = `FROM hit h JOIN suppression s ON s.supp_id = $id AND ${matchSql('h', 's')}`;
  const pending = await conn.runAndReadAll(
    `SELECT count(*) ${matching}
     WHERE NOT h.withdrawn AND h.jr_id NOT IN (SELECT jr_id FROM case_hit) AND h.jr_id NOT IN (SELECT jr_id FROM hit_suppressed)`,
    { id },
  );
  const inCases = await conn.runAndReadAll(
    `SELECT c.case_id, count(*) ${matching} JOIN case_hit ch ON ch.jr_id = h.jr_id JOIN case_file c ON c.case_id = ch.case_id
     WHERE NOT h.withdrawn AND c.state NOT IN ('dismissed', 'closed')
     GROUP BY c.case_id ORDER BY c.case_id`,
    { id },
  );
  let ruleSeen: boolean | null = null;
  if (rule !== null) {
    const seen = await conn.runAndReadAll('SELECT count(*) FROM hit WHERE rule_id = $rule', { rule });
    ruleSeen = Number(seen.getRows()[0]?.[0] ?? 0) > 0;
  }
  const openCases = inCases.getRows().map((r) => str(r[0]));
  const inOpen = inCases.getRows().reduce((s, r) => s + Number(r[1]), 0);
  const pendingCount = Number(pending.getRows()[0]?.[0] ?? 0);
  log.info({ supp_id: id, fields: Object.keys(input.fields), pending: pendingCount, in_open_cases: inOpen }, 'suppression added');
  return {
    suppression: row,
    pending: pendingCount,
    in_open_cases: inOpen,
    open_cases: openCases,
    rule_seen: ruleSeen,
  };
}

/**
 * The suppressions at `ctx.now`: active ones (those ending within EXPIRING_DAYS days flagged),
 * soonest end first; with `all`, also the expired and ended ones. Each with the hits it held back.
 */
export async function listSuppressions(
  conn: DuckDBConnection,
  args: { all?: boolean | undefined },
  ctx: StageContext,
): Promise<ListedSuppressions> {
  const rows = await readRows(conn, ctx.now, 'ORDER BY s.expires_on, s.supp_id');
  const active = rows.filter((r) => r.state === 'active');
  const expired = rows.filter((r) => r.state !== 'active').sort((a, b) => b.supp_id.localeCompare(a.supp_id));
  return {
    active,
    expired: args.all ? expired : [],
    expired_count: expired.length,
    expiring_soon: active.filter((r) => r.expiring_soon).length,
  };
}

/**
 * Ends a suppression now (`ended_at`, `ended_by`): it stops applying from the next grouping on; the
 * hits it held back stay recorded. Unknown id: a usage error; already expired or ended: refused.
 */
export async function expireSuppression(conn: DuckDBConnection, args: { supp_id: string }, ctx: StageContext): Promise<SuppressionRow> {
  const actor = requireActor(ctx);
  const [row] = await readRows(conn, ctx.now, 'WHERE s.supp_id = $id', { id: args.supp_id });
  if (!row) throw new FundwatchError('usage', `没有白名单 ${args.supp_id} (见 fundwatch suppress list --all)`);
  if (row.state === 'ended')
    throw new FundwatchError('refused', `白名单 ${row.supp_id} 已于 ${row.ended_at ?? ''} 由 ${row.ended_by ?? ''} 终止`);
  if (row.state === 'expired') throw new FundwatchError('refused', `白名单 ${row.supp_id} 已于 ${row.expires_on} 到期, 无需终止`);
  await conn.run('UPDATE suppression SET ended_at = CAST($now AS TIMESTAMP), ended_by = $actor WHERE supp_id = $id AND ended_at IS NULL', {
    now: ctx.now,
    actor,
    id: row.supp_id,
  });
  log.info({ supp_id: row.supp_id }, 'suppression ended');
  const [after] = await readRows(conn, ctx.now, 'WHERE s.supp_id = $id', { id: row.supp_id });
  return after ?? row;
}

/**
 * Holds back from the queue every live hit not yet in a case and not yet suppressed that an active
 * suppression matches: one `hit_suppressed` row each (the lowest matching supp_id), never deleted.
 * The hit stays in `hit`. Returns how many hits it held back in this call.
 */
export async function applySuppressions(conn: DuckDBConnection, now: string): Promise<number> {
  const r = await conn.runAndReadAll(
    `INSERT INTO hit_suppressed (jr_id, supp_id, suppressed_at)
     SELECT DISTINCT ON (h.jr_id) h.jr_id, s.supp_id, CAST($now AS TIMESTAMP)
     FROM hit h JOIN suppression s ON ${activeSql('s')} AND ${matchSql('h', 's')}
     WHERE NOT h.withdrawn AND h.jr_id NOT IN (SELECT jr_id FROM case_hit) AND h.jr_id NOT IN (SELECT jr_id FROM hit_suppressed)
     ORDER BY h.jr_id, s.supp_id
     RETURNING jr_id`,
    { now },
  );
  return r.getRows().length;
}

/** How many active suppressions end within EXPIRING_DAYS days of `now`. */
export async function countExpiringSoon(conn: DuckDBConnection, now: string): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT count(*) FROM suppression s WHERE ${activeSql('s')} AND s.expires_on < CAST($now AS DATE) + ${EXPIRING_DAYS}`,
    { now },
  );
  return Number(r.getRows()[0]?.[0] ?? 0);
}
