import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { CONFIRMED_SQL } from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { StageContext } from '../core/stage.js';
import { text as s } from '../store/index.js';
import { institutionYears } from './institution.js';
import { practitionerYears, type ConfirmedCase, type Practitioner } from './points.js';

/**
 * Credit's I/O: confirmed cases in, table `credit_score` (migration 0009) out. The figures come from
 * the pure credit/points.ts and credit/institution.ts.
 */

const log = logger('credit');

export interface RecomputeArgs {
  /** Only this calendar year (of confirmed_at); every year when absent. */
  readonly year?: number | undefined;
}

export interface RecomputeSummary {
  readonly years: number[];
  readonly cases: number;
  readonly institutions: number;
  readonly practitioners: number;
  readonly suspended: number;
  readonly terminated: number;
}

function checkYear(year: number | undefined): void {
  if (year !== undefined && !(Number.isInteger(year) && year >= 1900 && year <= 9999))
    throw new FundwatchError('usage', `年度应为四位整数, 实际 ${JSON.stringify(year)}`);
}

async function confirmedCases(conn: DuckDBConnection, year: number | undefined): Promise<ConfirmedCase[]> {
  const r = await conn.runAndReadAll(
    `SELECT case_id, pattern, sev_deg, CAST(amount AS VARCHAR), fixmedins_code, strftime(confirmed_at, '%Y-%m-%d %H:%M:%S')
     FROM case_file
     WHERE state IN (${CONFIRMED_SQL}) AND confirmed_at IS NOT NULL AND merged_into IS NULL
       AND ($year IS NULL OR year(confirmed_at) = $year)
     ORDER BY confirmed_at, case_id`,
    { year: year ?? null },
  );
  return r.getRows().map((x) => ({
    case_id: s(x[0]),
    pattern: s(x[1]),
    sev_deg: x[2] === 'definite' ? 'definite' : 'suspect',
    amount: Number(s(x[3]) || 0),
    fixmedins_code: s(x[4]),
    confirmed_at: s(x[5]),
  }));
}

/** The distinct doctors on each confirmed case's live hits. */
async function doctorsOf(conn: DuckDBConnection, year: number | undefined): Promise<Map<string, Practitioner[]>> {
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT ch.case_id, h.fixmedins_code, h.dr_codg
     FROM case_hit ch JOIN hit h USING (jr_id) JOIN case_file c ON c.case_id = ch.case_id
     WHERE NOT h.withdrawn AND h.dr_codg <> '' AND c.state IN (${CONFIRMED_SQL}) AND c.confirmed_at IS NOT NULL AND c.merged_into IS NULL
       AND ($year IS NULL OR year(c.confirmed_at) = $year)
     ORDER BY 1, 2, 3`,
    { year: year ?? null },
  );
  const out = new Map<string, Practitioner[]>();
  for (const [id, inst, dr] of r.getRows()) {
    const list = out.get(s(id)) ?? [];
    list.push({ fixmedins_code: s(inst), dr_codg: s(dr) });
    out.set(s(id), list);
  }
  return out;
}

/**
 * Recomputes credit from the confirmed cases (state confirmed, rectifying or closed, with
 * confirmed_at; its year is the calendar year) and replaces the rows of that year — or all rows —
 * in one transaction, so a reader sees the old figures or the new ones, never half.
 */
export async function recomputeCredit(conn: DuckDBConnection, args: RecomputeArgs, ctx: StageContext): Promise<RecomputeSummary> {
  checkYear(args.year);
  await conn.run('BEGIN TRANSACTION');
  try {
    const cases = await confirmedCases(conn, args.year);
    const people = practitionerYears(cases, await doctorsOf(conn, args.year));
    const insts = institutionYears(cases);
    await conn.run('DELETE FROM credit_score WHERE $year IS NULL OR year = $year', { year: args.year ?? null });
    const insert = `INSERT INTO credit_score (subject_kind, subject_key, year, fixmedins_code, score, points, level, case_ids, detail, computed_at)
      VALUES ($kind, $key, $year, $inst, $score, $points, $level, CAST($cases AS JSON), CAST($detail AS JSON), CAST($at AS TIMESTAMP))`;
    for (const i of insts)
      await conn.run(insert, {
        kind: 'institution',
        key: i.fixmedins_code,
        year: i.year,
        inst: i.fixmedins_code,
        score: i.score,
        points: null,
        level: i.level,
        cases: JSON.stringify(i.deductions.map((d) => d.case_id)),
        detail: JSON.stringify({ grade: i.grade, deductions: i.deductions }),
        at: ctx.now,
      });
    for (const p of people)
      await conn.run(insert, {
        kind: 'practitioner',
        key: p.subject_key,
        year: p.year,
        inst: p.fixmedins_code,
        score: null,
        points: p.points,
        level: p.consequence.level,
        cases: JSON.stringify(p.cases.map((c) => c.case_id)),
        detail: JSON.stringify({ raw_points: p.raw_points, consequence: p.consequence, cases: p.cases }),
        at: ctx.now,
      });
    await conn.run('COMMIT');
    const summary: RecomputeSummary = {
      years: [...new Set([...insts.map((i) => i.year), ...people.map((p) => p.year)])].sort((a, b) => a - b),
      cases: cases.length,
      institutions: insts.length,
      practitioners: people.length,
      suspended: people.filter((p) => p.consequence.kind === 'suspend').length,
      terminated: people.filter((p) => p.consequence.kind === 'terminate').length,
    };
    log.info({ ...summary, year: args.year ?? null }, 'credit recomputed');
    return summary;
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

/** A confirmed case as a credit row lists it. */
export interface CreditCase {
  readonly case_id: string;
  readonly pattern: string;
  readonly title: string;
  readonly state: string;
  readonly amount: number;
  readonly confirmed_at: string | null;
}

/** A row of `credit_score` with its JSON parsed and the cases behind it. */
export interface CreditRow {
  readonly subject_kind: 'institution' | 'practitioner';
  readonly subject_key: string;
  readonly year: number;
  readonly fixmedins_code: string;
  readonly fixmedins_name: string;
  readonly score: number | null;
  readonly points: number | null;
  readonly level: string;
  readonly case_ids: string[];
  readonly detail: unknown;
  readonly computed_at: string;
  readonly cases: CreditCase[];
}

export interface ShowArgs {
  /** The institution's row and those of its practitioners. */
  readonly institution?: string | undefined;
  /** One practitioner, `<fixmedins_code>:<dr_codg>`. */
  readonly practitioner?: string | undefined;
  readonly year?: number | undefined;
}

const ROW = `SELECT s.subject_kind, s.subject_key, s.year, s.fixmedins_code, coalesce(i.fixmedins_name, s.fixmedins_code), s.score, s.points, s.level,
  CAST(s.case_ids AS VARCHAR), CAST(s.detail AS VARCHAR), strftime(s.computed_at, '%Y-%m-%d %H:%M:%S')
  FROM credit_score s LEFT JOIN institution i USING (fixmedins_code)`;
const ORDER = `ORDER BY s.year DESC, s.subject_kind, s.fixmedins_code, s.subject_key`;

async function withCases(conn: DuckDBConnection, rows: readonly (readonly DuckDBValue[])[]): Promise<CreditRow[]> {
  const base = rows.map((r) => ({
    subject_kind: r[0] === 'practitioner' ? ('practitioner' as const) : ('institution' as const),
    subject_key: s(r[1]),
    year: Number(r[2]),
    fixmedins_code: s(r[3]),
    fixmedins_name: s(r[4]),
    score: r[5] === null ? null : Number(r[5]),
    points: r[6] === null ? null : Number(r[6]),
    level: s(r[7]),
    case_ids: JSON.parse(s(r[8]) || '[]') as string[],
    detail: JSON.parse(s(r[9]) || 'null') as unknown,
    computed_at: s(r[10]),
  }));
  const ids = [...new Set(base.flatMap((b) => b.case_ids))];
  const byId = new Map<string, CreditCase>();
  if (ids.length) {
    const c = await conn.runAndReadAll(
      `SELECT case_id, pattern, title, state, CAST(amount AS VARCHAR), strftime(confirmed_at, '%Y-%m-%d %H:%M:%S')
       FROM case_file WHERE list_contains(from_json(CAST($ids AS JSON), '["VARCHAR"]'), case_id)`,
      { ids: JSON.stringify(ids) },
    );
    for (const r of c.getRows())
      byId.set(s(r[0]), {
        case_id: s(r[0]),
        pattern: s(r[1]),
        title: s(r[2]),
        state: s(r[3]),
        amount: Number(s(r[4]) || 0),
        confirmed_at: r[5] === null ? null : s(r[5]),
      });
  }
  return base.map((b) => ({ ...b, cases: b.case_ids.flatMap((id) => byId.get(id) ?? []) }));
}

/** Credit rows as last computed, newest year first, each with the cases behind it. */
export async function showCredit(conn: DuckDBConnection, args: ShowArgs, _ctx: StageContext): Promise<CreditRow[]> {
  checkYear(args.year);
  if (args.practitioner !== undefined && !/^[^:]+:.+$/.test(args.practitioner))
    throw new FundwatchError('usage', `医师应写作 <机构编码>:<医师编码>, 实际 ${JSON.stringify(args.practitioner)}`);
  const r = await conn.runAndReadAll(
    `${ROW}
     WHERE ($inst IS NULL OR s.fixmedins_code = $inst)
       AND ($who IS NULL OR (s.subject_kind = 'practitioner' AND s.subject_key = $who))
       AND ($year IS NULL OR s.year = $year)
     ${ORDER}`,
    { inst: args.institution ?? null, who: args.practitioner ?? null, year: args.year ?? null },
  );
  return withCases(conn, r.getRows());
}

/** The credit rows a case contributed to (its institution's and its practitioners'), for `cases show` and reports. */
export async function creditOfCase(conn: DuckDBConnection, caseId: string): Promise<CreditRow[]> {
  const r = await conn.runAndReadAll(`${ROW} WHERE list_contains(from_json(s.case_ids, '["VARCHAR"]'), $id) ${ORDER}`, { id: caseId });
  return withCases(conn, r.getRows());
}
