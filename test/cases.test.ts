import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseKeyOf, groupCases, listCases, riskOf, showCase, transitionCase } from '../cases/index.js';
import { writeHits } from '../score/index.js';
import { hit } from './support/hits.js';
import { openTestDb, type TestDb } from './support/store.js';

const rows = async (db: TestDb, sql: string) =>
  (await db.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? null : String(v))));

describe('case keys (cases/subject.ts)', () => {
  const base = { fixmedins_code: 'H001', psn_no: 'PSN1', mdtrt_id: 'ZY1', dr_codg: 'D01', occurred_on: '2026-02-14' };
  it('groups each pattern by its declared subject and period', () => {
    expect(caseKeyOf({ ...base, pattern: 'phantom-bed' })).toMatchObject({
      subject_kind: 'person',
      subject_key: 'PSN1',
      period: 'visit:H001:ZY1',
    });
    expect(caseKeyOf({ ...base, pattern: 'over-price' })).toMatchObject({
      subject_kind: 'institution',
      subject_key: 'H001',
      period: '2026-02',
      period_start: '2026-02-01',
      period_end: '2026-02-28',
    });
    expect(caseKeyOf({ ...base, pattern: 'excess-quantity' })).toMatchObject({ subject_kind: 'doctor', subject_key: 'H001:D01' });
    expect(caseKeyOf({ ...base, pattern: 'peer-outlier', dr_codg: '' })).toMatchObject({
      subject_kind: 'institution',
      period: '2026-Q1',
      period_end: '2026-03-31',
    });
  });
  it('derives the same id from the same key, another from another', () => {
    const a = caseKeyOf({ ...base, pattern: 'over-price' });
    expect(caseKeyOf({ ...base, psn_no: 'PSN2', mdtrt_id: 'MZ9', pattern: 'over-price' }).case_id).toBe(a.case_id);
    expect(caseKeyOf({ ...base, occurred_on: '2026-03-01', pattern: 'over-price' }).case_id).not.toBe(a.case_id);
    expect(a.case_id).toMatch(/^C[0-9A-F]{16}$/);
  });
});

describe('risk (cases/risk.ts)', () => {
  it('is the sum of its documented parts, within 0–100', () => {
    const r = riskOf({ amount: 9999, definite: true, sources: 2, confirmedBefore: 1 });
    expect(r.parts).toEqual({ amount: 32, severity: 20, agreement: 12.5, history: 5 });
    expect(r.risk).toBe(69.5);
    expect(riskOf({ amount: 1e9, definite: true, sources: 1e6, confirmedBefore: 99 }).risk).toBeLessThanOrEqual(100);
    expect(riskOf({ amount: 0, definite: false, sources: 1, confirmedBefore: 0 }).risk).toBe(8);
  });
});

describe('grouping hits into cases (cases/group.ts, real DuckDB)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb('memory');
  });
  afterEach(async () => {
    await db.close();
  });

  it('re-running on unchanged hits changes no case; new facts update the right case', async () => {
    await writeHits(
      db.conn,
      [
        hit({ jr_id: 'a1', pattern: 'over-price', vola_amt: 40 }),
        hit({ jr_id: 'a2', pattern: 'over-price', vola_amt: 60, psn_no: 'PSN2', mdtrt_id: 'MZ2' }),
        hit({ jr_id: 'b1', pattern: 'phantom-bed', mdtrt_id: 'ZY7', vola_amt: 500, sev_deg: 'definite' }),
      ],
      '2026-01-10 02:00:00',
    );
    const first = await groupCases(db.conn, '2026-01-11 02:00:00');
    expect(first).toMatchObject({ attached: 3, created: 2, updated: 0, cases: 2 });
    const before = await rows(db, 'SELECT * FROM case_file ORDER BY case_id');
    const auditBefore = await rows(db, 'SELECT count(*) FROM case_audit');

    const again = await groupCases(db.conn, '2026-01-12 02:00:00');
    expect(again).toMatchObject({ attached: 0, created: 0, updated: 0, reopened: 0 });
    expect(await rows(db, 'SELECT * FROM case_file ORDER BY case_id')).toEqual(before);
    expect(await rows(db, 'SELECT count(*) FROM case_audit')).toEqual(auditBefore);

    const [price] = await listCases(db.conn, { pattern: 'over-price' });
    expect(price).toMatchObject({ hit_count: 2, amount: 100, version: 1, state: 'new' });
    // A new over-price hit at H001 in January: the same case, one more hit, a higher version.
    await writeHits(
      db.conn,
      [hit({ jr_id: 'a3', pattern: 'over-price', vola_amt: 25, psn_no: 'PSN3', mdtrt_id: 'MZ3' })],
      '2026-01-20 02:00:00',
    );
    expect(await groupCases(db.conn, '2026-01-21 02:00:00')).toMatchObject({ attached: 1, created: 0, updated: 1 });
    const [after] = await listCases(db.conn, { pattern: 'over-price' });
    expect(after).toMatchObject({ case_id: price?.case_id, hit_count: 3, amount: 125, version: 2 });
    const [bed] = await listCases(db.conn, { pattern: 'phantom-bed' });
    expect(bed?.version).toBe(1);
    const audit = await rows(db, `SELECT action, actor FROM case_audit WHERE case_id = '${price?.case_id}' ORDER BY seq`);
    expect(audit).toEqual([
      ['created', 'system:detect'],
      ['facts', 'system:detect'],
    ]);
  });

  it('counts a line named by several hits once', async () => {
    const shared = [{ vola_item_type: 1 as const, ref: 'fee:H001:MZ1:7', amount: 80 }];
    await writeHits(db.conn, [
      hit({ jr_id: 'x1', pattern: 'duplicate-charge', rule_id: 'dup-a', vola_amt: 80, details: shared }),
      hit({
        jr_id: 'x2',
        pattern: 'duplicate-charge',
        rule_id: 'dup-b',
        vola_amt: 80,
        details: [...shared, { vola_item_type: 1, ref: 'fee:H001:MZ1:8', amount: 20 }],
      }),
    ]);
    await groupCases(db.conn, '2026-01-11 02:00:00');
    const [c] = await listCases(db.conn);
    // x2 spreads its 80 over its two lines (64 + 16); line 7 counts once at the larger share (80).
    expect(c).toMatchObject({ hit_count: 2, amount: 96, sources: 2 });
    expect(c?.risk_parts?.parts.agreement).toBe(12.5);
  });

  it('a dismissed case stays dismissed until new facts arrive, then reopens with what is new marked', async () => {
    await writeHits(db.conn, [hit({ jr_id: 'd1', pattern: 'over-price' })], '2026-01-10 02:00:00');
    await groupCases(db.conn, '2026-01-11 02:00:00');
    const [c] = await listCases(db.conn);
    await transitionCase(
      db.conn,
      { case_id: c?.case_id ?? '', version: 1, to: 'dismissed', reason: 'clinically-justified' },
      { now: '2026-01-11 09:00:00', actor: '张三' },
    );
    // The same hit found again (same jr_id) is no new fact.
    await writeHits(db.conn, [hit({ jr_id: 'd1', pattern: 'over-price' })], '2026-01-10 02:00:00');
    await groupCases(db.conn, '2026-01-12 02:00:00');
    expect((await listCases(db.conn))[0]?.state).toBe('dismissed');
    await writeHits(db.conn, [hit({ jr_id: 'd2', pattern: 'over-price', psn_no: 'PSN9', mdtrt_id: 'MZ9' })], '2026-01-15 02:00:00');
    expect(await groupCases(db.conn, '2026-01-16 02:00:00')).toMatchObject({ reopened: 1, created: 0 });
    const detail = await showCase(db.conn, c?.case_id ?? '');
    expect(detail?.case).toMatchObject({ state: 'new', reopened_at: '2026-01-16 02:00:00', new_hits: 1 });
    expect(detail?.hits.filter((h) => h.is_new).map((h) => h.jr_id)).toEqual(['d2']);
    expect(detail?.audit.map((a) => a.action)).toEqual(['created', 'transition', 'reopened', 'facts']);
  });

  it('a withdrawn hit leaves its case with the amount of what is left, and shows related hits on the subject', async () => {
    await writeHits(db.conn, [
      hit({ jr_id: 'w1', pattern: 'resale', vola_amt: 300 }),
      hit({ jr_id: 'w2', pattern: 'resale', vola_amt: 200, mdtrt_id: 'MZ2' }),
      hit({ jr_id: 'w3', pattern: 'phantom-bed', mdtrt_id: 'ZY3' }),
    ]);
    await groupCases(db.conn, '2026-01-11 02:00:00');
    await db.conn.run(`UPDATE hit SET withdrawn = true WHERE jr_id = 'w2'`);
    expect(await groupCases(db.conn, '2026-01-12 02:00:00')).toMatchObject({ updated: 1 });
    const [c] = await listCases(db.conn, { pattern: 'resale' });
    expect(c).toMatchObject({ hit_count: 1, amount: 300 });
    const detail = await showCase(db.conn, c?.case_id ?? '');
    expect(detail?.related.map((h) => h.jr_id)).toEqual(['w3']);
  });
});
