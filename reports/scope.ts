import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { PATTERNS, isPattern } from '../contract/patterns.js';
import { SEVERITY_NAMES, STATES, SUBJECT_NAMES } from '../cases/index.js';
import { text as s } from '../store/index.js';
import {
  TOP_INSTITUTIONS,
  morningWindow,
  trendDays,
  type ExpiringSuppression,
  type InstitutionLine,
  type MorningData,
  type PatternCount,
  type ReportCase,
  type TrendPoint,
} from './model.js';
import { nameOf } from '../contract/codes.js';

const patternName = (p: string): string => (isPattern(p) ? PATTERNS[p] : p);
const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : s(v));

/**
 * Every case created before the cutoff and not merged away, with its state and figures as of the
 * cutoff: the state of its latest audit entry before the cutoff that names one (the workflow's
 * 'transition' entries, grouping's 'reopened' ones), else 'new'; the figures of its latest
 * 'created' or 'facts' entry before the cutoff, else the case's own. So a report made again later
 * for the same morning lists the same cases with the same figures.
 */
const AS_OF = `
  WITH audit AS (
    SELECT case_id, action, happened_at, seq, after FROM case_audit WHERE happened_at < CAST($cutoff AS TIMESTAMP)
  ), st AS (
    SELECT case_id, json_extract_string(after, '$.state') AS state FROM audit WHERE json_extract_string(after, '$.state') IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY happened_at DESC, seq DESC) = 1
  ), fig AS (
    SELECT case_id, CAST(json_extract_string(after, '$.hit_count') AS INTEGER) AS hit_count, CAST(json_extract_string(after, '$.amount') AS DECIMAL(16,2)) AS amount,
           CAST(json_extract_string(after, '$.risk') AS DOUBLE) AS risk, json_extract_string(after, '$.sev_deg') AS sev_deg
    FROM audit WHERE action IN ('created', 'facts') AND json_extract_string(after, '$.amount') IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY happened_at DESC, seq DESC) = 1
  ), reopened AS (
    SELECT DISTINCT case_id FROM audit WHERE action = 'reopened' AND happened_at >= CAST($since AS TIMESTAMP)
  ), as_of AS (
    SELECT c.case_id, coalesce(st.state, 'new') AS state, c.pattern, c.subject_kind, c.subject_key, c.fixmedins_code,
           coalesce(i.fixmedins_name, c.fixmedins_code) AS fixmedins_name, c.period,
           coalesce(fig.hit_count, c.hit_count) AS hit_count, coalesce(fig.amount, c.amount) AS amount,
           coalesce(fig.risk, c.risk) AS risk, coalesce(fig.sev_deg, c.sev_deg) AS sev_deg,
           c.assignee, c.due_on, c.created_at,
           c.created_at >= CAST($since AS TIMESTAMP) OR reopened.case_id IS NOT NULL AS is_new
    FROM case_file c LEFT JOIN st USING (case_id) LEFT JOIN fig USING (case_id) LEFT JOIN reopened USING (case_id)
      LEFT JOIN institution i USING (fixmedins_code)
    WHERE c.created_at < CAST($cutoff AS TIMESTAMP) AND c.merged_into IS NULL
  )`;

function toCase(r: readonly DuckDBValue[]): ReportCase {
  const state = s(r[1]);
  const pattern = s(r[2]);
  const kind = s(r[3]);
  const sev = s(r[11]);
  return {
    case_id: s(r[0]),
    is_new: r[15] === true,
    state,
    state_name: nameOf(STATES, state),
    pattern,
    pattern_name: patternName(pattern),
    subject_kind: kind,
    subject_name: nameOf(SUBJECT_NAMES, kind),
    subject_key: s(r[4]),
    fixmedins_code: s(r[5]),
    fixmedins_name: s(r[6]),
    period: s(r[7]),
    hit_count: Number(r[8]),
    amount: Number(r[9]),
    risk: Number(r[10]),
    sev_deg: sev,
    sev_name: nameOf(SEVERITY_NAMES, sev),
    assignee: orNull(r[12]),
    due_on: orNull(r[13]),
    created_at: s(r[14]),
  };
}

/**
 * Reads the morning report of `date` (yyyy-MM-dd, Asia/Shanghai): the cases open at that
 * morning's 07:00 (created before it, not merged, not dismissed or closed as of then), which of
 * them are new (created or reopened in the 24 hours before), new cases by pattern, the amount of
 * cases created in each of the 30 days before, the institutions with the most open amount and
 * their credit, and the suppressions that expire within a week.
 */
export async function readMorning(conn: DuckDBConnection, date: string, generatedAt: string): Promise<MorningData> {
  const w = morningWindow(date);
  const params = { cutoff: w.cutoff, since: w.since };
  const listed = await conn.runAndReadAll(
    `${AS_OF}
     SELECT case_id, state, pattern, subject_kind, subject_key, fixmedins_code, fixmedins_name, period, hit_count, CAST(amount AS VARCHAR),
            risk, sev_deg, assignee, strftime(due_on, '%Y-%m-%d'), strftime(created_at, '%Y-%m-%d %H:%M:%S'), is_new
     FROM as_of WHERE state NOT IN ('dismissed', 'closed')
     ORDER BY risk DESC, amount DESC, case_id`,
    params,
  );
  const cases = listed.getRows().map(toCase);

  // Each case created in the trend's range falls in the 24-hour window [cutoff − k − 1 days, cutoff − k
  // days) of one morning k days back: the window the report of that morning calls new.
  const trendRows = await conn.runAndReadAll(
    `${AS_OF}
     SELECT CAST(ceil(date_diff('microsecond', created_at, CAST($cutoff AS TIMESTAMP)) / 86400e6) AS INTEGER) - 1 AS back,
            count(*), CAST(sum(amount) AS VARCHAR)
     FROM as_of WHERE created_at >= CAST($from AS TIMESTAMP) GROUP BY back`,
    { ...params, from: w.trendFrom },
  );
  const byBack = new Map(trendRows.getRows().map((r) => [Number(r[0]), { cases: Number(r[1]), amount: Number(r[2]) }]));
  const days = trendDays(date);
  const trend: TrendPoint[] = days.map((day, i) => ({ day, ...(byBack.get(days.length - 1 - i) ?? { cases: 0, amount: 0 }) }));

  const credit = await conn.runAndReadAll(
    `SELECT subject_key, year, score, level FROM credit_score WHERE subject_kind = 'institution' AND year <= $year
     QUALIFY row_number() OVER (PARTITION BY subject_key ORDER BY year DESC) = 1`,
    { year: Number(date.slice(0, 4)) },
  );
  const creditOf = new Map(
    credit.getRows().map((r) => [s(r[0]), { year: Number(r[1]), score: r[2] === null ? null : Number(r[2]), level: s(r[3]) }]),
  );

  const expiring = await conn.runAndReadAll(
    `SELECT supp_id, rule_id, reason, approver, strftime(expires_on, '%Y-%m-%d') FROM suppression
     WHERE ended_at IS NULL AND expires_on BETWEEN CAST($from AS DATE) AND CAST($until AS DATE)
     ORDER BY expires_on, supp_id`,
    { from: date, until: w.expiryUntil },
  );

  return {
    date,
    cutoff: w.cutoff,
    generated_at: generatedAt,
    cases,
    patterns: patternsOf(cases),
    trend,
    institutions: institutionsOf(cases, creditOf),
    expiring: expiring.getRows().map((r): ExpiringSuppression => ({
      supp_id: s(r[0]),
      rule_id: orNull(r[1]),
      reason: s(r[2]),
      approver: s(r[3]),
      expires_on: s(r[4]),
    })),
  };
}

function patternsOf(cases: readonly ReportCase[]): PatternCount[] {
  const by = new Map<string, { open: number; new: number; cents: number }>();
  for (const c of cases) {
    const p = by.get(c.pattern) ?? { open: 0, new: 0, cents: 0 };
    p.open++;
    if (c.is_new) p.new++;
    p.cents += Math.round(c.amount * 100);
    by.set(c.pattern, p);
  }
  return [...by]
    .map(([pattern, p]) => ({ pattern, name: patternName(pattern), open: p.open, new: p.new, amount: p.cents / 100 }))
    .sort((a, b) => b.new - a.new || b.open - a.open || a.pattern.localeCompare(b.pattern));
}

function institutionsOf(cases: readonly ReportCase[], creditOf: ReadonlyMap<string, InstitutionLine['credit']>): InstitutionLine[] {
  const by = new Map<string, { name: string; cases: number; cents: number }>();
  for (const c of cases) {
    const i = by.get(c.fixmedins_code) ?? { name: c.fixmedins_name, cases: 0, cents: 0 };
    i.cases++;
    i.cents += Math.round(c.amount * 100);
    by.set(c.fixmedins_code, i);
  }
  return [...by]
    .map(([code, i]) => ({ code, name: i.name, cases: i.cases, amount: i.cents / 100, credit: creditOf.get(code) ?? null }))
    .sort((a, b) => b.amount - a.amount || a.code.localeCompare(b.code))
    .slice(0, TOP_INSTITUTIONS);
}
