import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCases, listCases } from '../cases/index.js';
import { registerCredit } from '../cli/commands/credit.js';
import { PATTERN_CODES } from '../contract/patterns.js';
import {
  casePoints,
  consequenceOf,
  creditOfCase,
  deductionOf,
  gradeOf,
  institutionYears,
  PATTERN_CREDIT,
  practitionerYears,
  recomputeCredit,
  showCredit,
  type ConfirmedCase,
} from '../credit/index.js';
import { writeHits } from '../score/index.js';
import { runRegistered } from './support/cli.js';
import { openTestDb, rows, type TestDb } from './support/store.js';
import { hit } from './support/hits.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-credit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const confirmed = (over: Partial<ConfirmedCase> & Pick<ConfirmedCase, 'case_id' | 'pattern'>): ConfirmedCase => ({
  sev_deg: 'definite',
  amount: 500,
  fixmedins_code: 'H001',
  confirmed_at: '2026-03-01 08:00:00',
  ...over,
});

describe('practitioner points (credit/points.ts)', () => {
  it('maps every pattern of the vocabulary to a band of the guidance', () => {
    expect(Object.keys(PATTERN_CREDIT).sort()).toEqual([...PATTERN_CODES].sort());
    expect(PATTERN_CREDIT['phantom-admission'].band).toBe(4);
    expect(PATTERN_CREDIT.resale.band).toBe(4);
    expect(PATTERN_CREDIT['phantom-bed'].band).toBe(2);
    expect(PATTERN_CREDIT['over-price']).toMatchObject({ band: 2, charges: 'none' });
  });

  it('scores a case within its band: lowest when 可疑, +1 when 明确违规, +1 more from ¥10,000', () => {
    expect(casePoints({ pattern: 'phantom-admission', sev_deg: 'suspect', amount: 50_000 })).toEqual({ band: 4, points: 10 });
    expect(casePoints({ pattern: 'phantom-admission', sev_deg: 'definite', amount: 9_999.99 })).toEqual({ band: 4, points: 11 });
    expect(casePoints({ pattern: 'phantom-admission', sev_deg: 'definite', amount: 10_000 })).toEqual({ band: 4, points: 12 });
    expect(casePoints({ pattern: 'excess-quantity', sev_deg: 'definite', amount: 200 })).toEqual({ band: 2, points: 5 });
    expect(casePoints({ pattern: 'volume-spike', sev_deg: 'suspect', amount: 1e6 })).toEqual({ band: 1, points: 1 });
    expect(casePoints({ pattern: 'no-such-pattern', sev_deg: 'definite', amount: 1e6 })).toEqual({ band: 1, points: 3 });
  });

  it('suspends from 9 points a year (1–6 months) and terminates at 12, barring 1 year, 3 when all 12 came at once', () => {
    expect(consequenceOf(8, false)).toEqual({ kind: 'normal', level: '正常' });
    expect(consequenceOf(9, false)).toEqual({ kind: 'suspend', level: '暂停医保支付资格 2 个月', months: 2 });
    expect(consequenceOf(11, false).months).toBe(6);
    expect(consequenceOf(12, false)).toEqual({ kind: 'terminate', level: '终止医保支付资格', bar_years: 1 });
    expect(consequenceOf(12, true).bar_years).toBe(3);
  });

  it('sums a practitioner’s cases per calendar year, capped at 12 shown, and starts the next year from 0', () => {
    const cases = [
      confirmed({ case_id: 'A', pattern: 'excess-quantity' }), // 5
      confirmed({ case_id: 'B', pattern: 'split-admission', confirmed_at: '2026-06-01 00:00:00' }), // 5
      confirmed({ case_id: 'C', pattern: 'phantom-admission', confirmed_at: '2026-12-31 23:59:59' }), // 11
      confirmed({ case_id: 'D', pattern: 'excess-quantity', confirmed_at: '2027-01-01 00:00:00', sev_deg: 'suspect' }), // 4
      confirmed({ case_id: 'E', pattern: 'over-price' }), // charges no one
    ];
    const d01 = { fixmedins_code: 'H001', dr_codg: 'D01' };
    const charged = new Map([
      ['A', [d01]],
      ['B', [d01]],
      ['C', [d01, { fixmedins_code: 'H001', dr_codg: 'D02' }]],
      ['D', [d01]],
      ['E', [d01]],
    ]);
    const years = practitionerYears(cases, charged);
    expect(years.map((y) => [y.subject_key, y.year, y.raw_points, y.points, y.consequence.level])).toEqual([
      ['H001:D01', 2026, 21, 12, '终止医保支付资格'],
      ['H001:D02', 2026, 11, 11, '暂停医保支付资格 6 个月'],
      ['H001:D01', 2027, 4, 4, '正常'],
    ]);
    expect(years[0]?.consequence.bar_years).toBe(1);
    expect(years[0]?.cases.map((c) => c.case_id)).toEqual(['A', 'B', 'C']);
  });
});

describe('institution score (credit/institution.ts)', () => {
  it('takes gravity (halved when 可疑) and 1 point per ¥10,000 (at most 10) off 100 per confirmed case', () => {
    expect(deductionOf(confirmed({ case_id: 'x', pattern: 'phantom-admission', amount: 25_000 }))).toMatchObject({
      gravity: 20,
      amount_part: 2.5,
      deduction: 22.5,
    });
    expect(deductionOf(confirmed({ case_id: 'x', pattern: 'over-price', sev_deg: 'suspect', amount: 1e9 })).deduction).toBe(12.5);
    const [h1, h2] = institutionYears([
      confirmed({ case_id: 'a', pattern: 'phantom-admission', amount: 25_000 }), // 22.5
      confirmed({ case_id: 'b', pattern: 'over-price', amount: 3_000 }), // 5.3
      confirmed({ case_id: 'c', pattern: 'resale', amount: 0, fixmedins_code: 'H002', sev_deg: 'suspect' }), // 10
    ]);
    expect(h1).toMatchObject({ fixmedins_code: 'H001', year: 2026, score: 72.2, level: 'C 失信' });
    expect(h2).toMatchObject({ fixmedins_code: 'H002', score: 90, level: 'A 守信' });
    expect(gradeOf(89.9).level).toBe('B 基本守信');
    expect(gradeOf(0).level).toBe('D 严重失信');
    const many = Array.from({ length: 9 }, (_, i) => confirmed({ case_id: `m${i}`, pattern: 'collusion', amount: 1e6 }));
    expect(institutionYears(many)[0]?.score).toBe(0);
  });
});

describe('credit from confirmed cases (credit/compute.ts, real DuckDB)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb('memory');
  });
  afterEach(async () => {
    await db.close();
  });

  /** Simulates the workflow (written elsewhere): the (one) case of `pattern` confirmed at `at`. */
  async function confirm(pattern: string, at: string): Promise<string> {
    const [c] = await listCases(db.conn, { pattern });
    if (!c) throw new Error(`no case of ${pattern}`);
    await db.conn.run(`UPDATE case_file SET state = 'confirmed', confirmed_at = CAST($at AS TIMESTAMP) WHERE case_id = $id`, {
      at,
      id: c.case_id,
    });
    return c.case_id;
  }

  it('charges the distinct doctors of live hits, per calendar year, with the thresholds, and links back to the cases', async () => {
    await writeHits(
      db.conn,
      [
        // 虚假住院, definite, ¥12,000, two doctors on the stay (one hit withdrawn below): 12 points each live doctor.
        hit({ jr_id: 'p1', pattern: 'phantom-admission', mdtrt_id: 'ZY1', sev_deg: 'definite', vola_amt: 12_000, dr_codg: 'D01' }),
        hit({ jr_id: 'p2', pattern: 'phantom-admission', mdtrt_id: 'ZY1', sev_deg: 'definite', vola_amt: 10, dr_codg: 'D03' }),
        // 超量开药 by D02, definite: 5 points (a doctor case).
        hit({ jr_id: 'e1', pattern: 'excess-quantity', dr_codg: 'D02', sev_deg: 'definite', vola_amt: 300 }),
        // 分解住院 on D02's stay, definite: 5 more → 10, suspension.
        hit({ jr_id: 's1', pattern: 'split-admission', mdtrt_id: 'ZY2', dr_codg: 'D02', sev_deg: 'definite', vola_amt: 800 }),
        // 超标准收费 naming D02 on the line: an institution pricing matter, no points for D02.
        hit({ jr_id: 'o1', pattern: 'over-price', dr_codg: 'D02', vola_amt: 50 }),
        // 挂床住院 by D02, confirmed the next year: 2027 starts from 0.
        hit({ jr_id: 'b1', pattern: 'phantom-bed', mdtrt_id: 'ZY3', dr_codg: 'D02', vola_amt: 400 }),
        // A case not confirmed counts for nothing.
        hit({ jr_id: 'n1', pattern: 'resale', psn_no: 'PSN7', dr_codg: 'D04', vola_amt: 999 }),
      ],
      '2026-02-01 02:00:00',
    );
    await groupCases(db.conn, '2026-02-02 02:00:00');
    // D03's hit is withdrawn after grouping: it stays linked to the case but charges no one.
    await db.conn.run(`UPDATE hit SET withdrawn = true WHERE jr_id = 'p2'`);
    await groupCases(db.conn, '2026-02-03 02:00:00');
    expect(await rows(db.conn, `SELECT count(*)::INT AS n FROM case_hit WHERE jr_id = 'p2'`)).toEqual([{ n: 1 }]);
    const cases = await listCases(db.conn);
    const idOf = (p: string) => cases.find((c) => c.pattern === p)?.case_id ?? '';
    const set = async (p: string, state: string, at: string) =>
      db.conn.run(`UPDATE case_file SET state = $state, confirmed_at = CAST($at AS TIMESTAMP) WHERE case_id = $id`, {
        state,
        at,
        id: idOf(p),
      });
    await set('phantom-admission', 'confirmed', '2026-03-01 09:00:00');
    await set('excess-quantity', 'rectifying', '2026-04-01 09:00:00');
    await set('split-admission', 'closed', '2026-05-01 09:00:00');
    await set('over-price', 'confirmed', '2026-05-02 09:00:00');
    await set('phantom-bed', 'confirmed', '2027-01-03 09:00:00');
    // Dismissed with a confirmed_at left over counts for nothing either.
    await db.conn.run(`UPDATE case_file SET state = 'dismissed', confirmed_at = TIMESTAMP '2026-06-01 00:00:00' WHERE case_id = $id`, {
      id: idOf('resale'),
    });

    const sum = await recomputeCredit(db.conn, {}, { now: '2027-01-04 00:00:00' });
    expect(sum).toEqual({ years: [2026, 2027], cases: 5, institutions: 2, practitioners: 3, suspended: 1, terminated: 1 });

    const people = await rows(
      db.conn,
      `SELECT subject_key, year, points, level, CAST(case_ids AS VARCHAR) AS ids FROM credit_score WHERE subject_kind = 'practitioner' ORDER BY year, subject_key`,
    );
    expect(people).toEqual([
      { subject_key: 'H001:D01', year: 2026, points: 12, level: '终止医保支付资格', ids: JSON.stringify([idOf('phantom-admission')]) },
      {
        subject_key: 'H001:D02',
        year: 2026,
        points: 10,
        level: '暂停医保支付资格 4 个月',
        ids: JSON.stringify([idOf('excess-quantity'), idOf('split-admission')]),
      },
      { subject_key: 'H001:D02', year: 2027, points: 4, level: '正常', ids: JSON.stringify([idOf('phantom-bed')]) },
    ]);
    const [d01] = await showCredit(db.conn, { practitioner: 'H001:D01' }, { now: '2027-01-04 00:00:00' });
    expect(d01?.detail).toMatchObject({ raw_points: 12, consequence: { kind: 'terminate', bar_years: 3 } });
    expect(d01?.cases.map((c) => [c.pattern, c.state])).toEqual([['phantom-admission', 'confirmed']]);

    // H001 in 2026: 21.2 (虚假住院 20 + ¥12,000 1.2) + 5.0 (超量 ¥300) + 5.1 (分解住院 ¥800) + 2.5 (超标准收费, 可疑) off 100.
    const [inst2027, inst2026] = await showCredit(db.conn, { institution: 'H001' }, { now: '' }).then((r) =>
      r.filter((x) => x.subject_kind === 'institution'),
    );
    expect(inst2026).toMatchObject({ year: 2026, score: 66.2, level: 'C 失信' });
    expect(inst2026?.case_ids).toHaveLength(4);
    expect(inst2027).toMatchObject({ year: 2027, score: 97.5, level: 'A 守信' });

    // The case links back to the rows it caused: its institution's and its doctors'.
    const linked = await creditOfCase(db.conn, idOf('split-admission'));
    expect(linked.map((r) => [r.subject_kind, r.subject_key, r.year])).toEqual([
      ['institution', 'H001', 2026],
      ['practitioner', 'H001:D02', 2026],
    ]);
    expect(await creditOfCase(db.conn, idOf('resale'))).toEqual([]);
  });

  it('recomputing one year replaces that year only, in place', async () => {
    await writeHits(db.conn, [
      hit({ jr_id: 'e1', pattern: 'excess-quantity', sev_deg: 'definite' }),
      hit({ jr_id: 'b1', pattern: 'phantom-bed', mdtrt_id: 'ZY3' }),
    ]);
    await groupCases(db.conn, '2026-02-02 02:00:00');
    const e = await confirm('excess-quantity', '2026-03-01 00:00:00');
    await confirm('phantom-bed', '2027-03-01 00:00:00');
    await recomputeCredit(db.conn, {}, { now: '2027-03-02 00:00:00' });
    const before2027 = await rows(db.conn, `SELECT * FROM credit_score WHERE year = 2027 ORDER BY ALL`);
    // The 2026 case is dismissed after all (reopened by the workflow): recomputing 2026 drops its rows, 2027 stays as it was.
    await db.conn.run(`UPDATE case_file SET state = 'dismissed' WHERE case_id = $id`, { id: e });
    expect(await recomputeCredit(db.conn, { year: 2026 }, { now: '2027-03-03 00:00:00' })).toMatchObject({ cases: 0, practitioners: 0 });
    expect(await rows(db.conn, `SELECT count(*)::INT AS n FROM credit_score WHERE year = 2026`)).toEqual([{ n: 0 }]);
    expect(await rows(db.conn, `SELECT * FROM credit_score WHERE year = 2027 ORDER BY ALL`)).toEqual(before2027);
    await expect(recomputeCredit(db.conn, { year: 26 }, { now: '' })).rejects.toThrow(/年度/);
  });
});

describe('fundwatch credit', () => {
  it('recomputes and shows the rows in Chinese with the cases behind them; a bad year is a usage error', async () => {
    const db = await openTestDb('file', dir);
    const file = path.join(dir, 'db-1.duckdb');
    await writeHits(db.conn, [hit({ jr_id: 'a1', pattern: 'phantom-admission', mdtrt_id: 'ZY1', sev_deg: 'definite', vola_amt: 20_000 })]);
    await groupCases(db.conn, '2026-02-02 02:00:00');
    await db.conn.run(`UPDATE case_file SET state = 'confirmed', confirmed_at = TIMESTAMP '2026-03-01 00:00:00'`);
    await db.close();
    expect(await runRegistered(registerCredit, ['--db', file, 'credit', 'recompute', '--year', '2026'])).toContain(
      '机构 1 条, 医师 1 条 (暂停医保支付资格 0, 终止 1)',
    );
    const out = await runRegistered(registerCredit, ['--db', file, 'credit', 'show', '--practitioner', 'H001:D01']);
    expect(out).toContain('医师 H001:D01');
    expect(out).toContain('12/12');
    expect(out).toContain('终止医保支付资格');
    expect(out).toMatch(/虚假住院.*\+12 分/);
    const [inst] = (await runRegistered(registerCredit, ['--db', file, 'credit', 'show', '--institution', 'H001', '--json']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { subject_kind: string; score: number; level: string });
    expect(inst).toMatchObject({ subject_kind: 'institution', score: 78, level: 'B 基本守信' });
    await expect(runRegistered(registerCredit, ['--db', file, 'credit', 'show', '--year', '26'])).rejects.toThrow(/四位年份/);
  });
});
