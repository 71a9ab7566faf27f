import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addSuppression,
  expireSuppression,
  formatGroupSummary,
  groupCases,
  listCases,
  listSuppressions,
  type SuppressionInput,
} from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { writeHits } from '../score/index.js';
import { registerSuppress } from '../cli/commands/suppress.js';
import { runCli, runRegistered } from './support/cli.js';
import { openTestDb, type TestDb } from './support/store.js';
import { tempDir } from './support/temp.js';
import { hit } from './support/hits.js';

const col = async (db: TestDb, sql: string) =>
  (await db.conn.runAndReadAll(sql)).getRows().map((r) => (r[0] === null || r[0] === undefined ? null : String(r[0])));

const grouped = (db: TestDb) => col(db, 'SELECT jr_id FROM case_hit ORDER BY jr_id');
const held = (db: TestDb) => col(db, `SELECT jr_id || '@' || supp_id FROM hit_suppressed ORDER BY jr_id`);

/** The FundwatchError a call fails with (failing the test when it succeeds or throws anything else), as `code: message`. */
async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FundwatchError);
  return `${(e as FundwatchError).code}: ${(e as FundwatchError).message}`;
}

const base = { reason: '已核实: 集采价格调整期', approver: '王科长' };
const who = (now: string) => ({ now, actor: '李四' });

describe('suppressions (cases/suppress.ts, real DuckDB)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb('memory');
  });
  afterEach(async () => {
    await db.close();
  });

  it('holds a matching hit back from the queue and counts it; a non-matching one and another rule are grouped', async () => {
    const added = await addSuppression(
      db.conn,
      { ...base, rule_id: 'over-price-rule', fields: { fixmedins_code: ['H\'0"1', 'H001'], dr_codg: ['D07'] }, expires_on: '2026-03-31' },
      who('2026-01-10 08:00:00'),
    );
    expect(added.suppression).toMatchObject({ supp_id: 'S0001', state: 'active', created_by: '李四', suppressed_hits: 0 });
    expect(added.suppression.fields).toEqual({ dr_codg: ['D07'], fixmedins_code: ['H\'0"1', 'H001'] });
    await writeHits(
      db.conn,
      [
        hit({ jr_id: 'a1', pattern: 'over-price', dr_codg: 'D07' }), // matches every field and the rule
        hit({ jr_id: 'a2', pattern: 'over-price', dr_codg: 'D01' }), // dr_codg not listed
        hit({ jr_id: 'a3', pattern: 'over-price', dr_codg: 'D07', fixmedins_code: 'H002' }), // institution not listed
        hit({ jr_id: 'a4', pattern: 'phantom-bed', dr_codg: 'D07', mdtrt_id: 'ZY1' }), // another rule
        hit({ jr_id: 'a5', pattern: 'over-price', dr_codg: 'D07', fixmedins_code: 'H\'0"1' }), // quotes in a value match as data
      ],
      '2026-01-10 02:00:00',
    );
    const first = await groupCases(db.conn, '2026-01-11 02:00:00');
    expect(first).toMatchObject({ attached: 3, suppressed: 2, expiringSoon: 0 });
    expect(formatGroupSummary(first)).toContain('2 条被白名单压下');
    expect(await grouped(db)).toEqual(['a2', 'a3', 'a4']);
    expect(await held(db)).toEqual(['a1@S0001', 'a5@S0001']);
    // Counted, never lost: the hits stay in `hit`.
    expect(await col(db, `SELECT count(*) FROM hit WHERE jr_id IN ('a1', 'a5')`)).toEqual(['2']);
    const listed = await listSuppressions(db.conn, {}, who('2026-01-11 02:00:00'));
    expect(listed.active.map((s) => [s.supp_id, s.suppressed_hits])).toEqual([['S0001', 2]]);

    // Found again (same jr_id) and grouped again: still held back, not counted twice.
    await writeHits(db.conn, [hit({ jr_id: 'a1', pattern: 'over-price', dr_codg: 'D07' })], '2026-01-12 02:00:00');
    expect(await groupCases(db.conn, '2026-01-12 02:00:00')).toMatchObject({ attached: 0, suppressed: 0 });
    expect(await held(db)).toEqual(['a1@S0001', 'a5@S0001']);
  });

  it('without a rule applies to every rule, the rule_id field naming several', async () => {
    await addSuppression(
      db.conn,
      { ...base, fields: { rule_id: ['over-price-rule', 'phantom-bed-rule'], psn_no: ['PSN9'] }, expires_on: '2026-02-01' },
      who('2026-01-10 08:00:00'),
    );
    await writeHits(
      db.conn,
      [
        hit({ jr_id: 'b1', pattern: 'over-price', psn_no: 'PSN9' }),
        hit({ jr_id: 'b2', pattern: 'phantom-bed', psn_no: 'PSN9', mdtrt_id: 'ZY1' }),
        hit({ jr_id: 'b3', pattern: 'excess-quantity', psn_no: 'PSN9' }),
      ],
      '2026-01-10 02:00:00',
    );
    expect(await groupCases(db.conn, '2026-01-11 02:00:00')).toMatchObject({ attached: 1, suppressed: 2 });
    expect(await grouped(db)).toEqual(['b3']);
  });

  it('stops applying once expired (its last day passed, or ended early); what it held back stays counted', async () => {
    const lapsing = await addSuppression(
      db.conn,
      { ...base, rule_id: 'over-price-rule', fields: { fixmedins_code: ['H001'] }, expires_on: '2026-01-15' },
      who('2026-01-10 08:00:00'),
    );
    const ending = await addSuppression(
      db.conn,
      { ...base, rule_id: 'phantom-bed-rule', fields: { fixmedins_code: ['H001'] }, expires_on: '2026-06-30' },
      who('2026-01-10 08:00:00'),
    );
    await writeHits(
      db.conn,
      [hit({ jr_id: 'c1', pattern: 'over-price' }), hit({ jr_id: 'd1', pattern: 'phantom-bed', mdtrt_id: 'ZY1' })],
      '2026-01-10 02:00:00',
    );
    // On its last day it still applies.
    expect(await groupCases(db.conn, '2026-01-15 23:00:00')).toMatchObject({ attached: 0, suppressed: 2 });

    const ended = await expireSuppression(db.conn, { supp_id: ending.suppression.supp_id }, who('2026-01-16 09:00:00'));
    expect(ended).toMatchObject({ state: 'ended', ended_by: '李四', ended_at: '2026-01-16 09:00:00', suppressed_hits: 1 });
    await writeHits(
      db.conn,
      [hit({ jr_id: 'c2', pattern: 'over-price', psn_no: 'PSN2' }), hit({ jr_id: 'd2', pattern: 'phantom-bed', mdtrt_id: 'ZY2' })],
      '2026-01-16 02:00:00',
    );
    expect(await groupCases(db.conn, '2026-01-16 10:00:00')).toMatchObject({ attached: 2, suppressed: 0 });
    expect(await grouped(db)).toEqual(['c2', 'd2']);
    expect(await held(db)).toEqual([`c1@${lapsing.suppression.supp_id}`, `d1@${ending.suppression.supp_id}`]);

    const now = who('2026-01-16 10:00:00');
    const active = await listSuppressions(db.conn, {}, now);
    expect(active).toMatchObject({ active: [], expired: [], expired_count: 2 });
    const all = await listSuppressions(db.conn, { all: true }, now);
    expect(all.expired.map((s) => [s.supp_id, s.state, s.suppressed_hits])).toEqual([
      ['S0002', 'ended', 1],
      ['S0001', 'expired', 1],
    ]);
    expect(await failure(expireSuppression(db.conn, { supp_id: 'S0002' }, now))).toMatch(
      /^refused: .*已于 2026-01-16 09:00:00 由 李四 终止/,
    );
    expect(await failure(expireSuppression(db.conn, { supp_id: 'S0001' }, now))).toMatch(/^refused: .*已于 2026-01-15 到期/);
    expect(await failure(expireSuppression(db.conn, { supp_id: 'S0404' }, now))).toMatch(/^usage: .*没有白名单 S0404/);
  });

  it('warns of suppressions ending within 7 days, in the list and after grouping', async () => {
    const now = who('2026-01-10 08:00:00');
    await addSuppression(db.conn, { ...base, fields: { dr_codg: ['D07'] }, expires_on: '2026-01-16' }, now);
    await addSuppression(db.conn, { ...base, fields: { dr_codg: ['D08'] }, expires_on: '2026-01-17' }, now);
    const listed = await listSuppressions(db.conn, {}, now);
    expect(listed.active.map((s) => [s.supp_id, s.days_left, s.expiring_soon])).toEqual([
      ['S0001', 6, true],
      ['S0002', 7, false],
    ]);
    expect(listed.expiring_soon).toBe(1);
    const g = await groupCases(db.conn, now.now);
    expect(g.expiringSoon).toBe(1);
    expect(formatGroupSummary(g)).toMatch(/\n⚠ 1 条白名单将在 7 天内到期/);
    expect(formatGroupSummary(await groupCases(db.conn, '2026-01-20 08:00:00'))).not.toContain('⚠');
  });

  it('leaves hits already in open cases there, and says how many match', async () => {
    await writeHits(
      db.conn,
      [
        hit({ jr_id: 'e1', pattern: 'over-price', dr_codg: 'D07' }),
        hit({ jr_id: 'e2', pattern: 'over-price', dr_codg: 'D07', psn_no: 'P2' }),
      ],
      '2026-01-10 02:00:00',
    );
    await groupCases(db.conn, '2026-01-11 02:00:00');
    const [open] = await listCases(db.conn, {});
    const added = await addSuppression(
      db.conn,
      { ...base, fields: { dr_codg: ['D07'] }, expires_on: '2026-03-31' },
      who('2026-01-12 08:00:00'),
    );
    expect(added).toMatchObject({ pending: 0, in_open_cases: 2, open_cases: [open?.case_id], rule_seen: null });
    expect(await groupCases(db.conn, '2026-01-12 09:00:00')).toMatchObject({ suppressed: 0, updated: 0 });
    expect(await grouped(db)).toEqual(['e1', 'e2']);
  });

  it('refuses invalid input with every issue named', async () => {
    const now = who('2026-01-10 08:00:00');
    const bad = (args: unknown) => addSuppression(db.conn, args as SuppressionInput, now);
    expect(await failure(bad({ ...base, fields: { bogus: ['1'] }, expires_on: '2026-02-01' }))).toMatch(/^usage: .*未知字段 bogus/);
    expect(await failure(bad({ ...base, fields: { dr_codg: ['D1'] }, expires_on: '2026-01-09' }))).toMatch(/到期日 2026-01-09 已过/);
    expect(await failure(bad({ ...base, fields: { dr_codg: ['D1'] }, expires_on: '2027-01-12' }))).toMatch(/超过 366 天/);
    expect(await failure(bad({ ...base, fields: { dr_codg: ['D1'] }, expires_on: '2026-02-30' }))).toMatch(/有效日期/);
    const many = bad({ approver: '王', fields: { dr_codg: [], psn_no: [' '] }, expires_on: '2025-12-31' });
    expect(await failure(many)).toMatch(/^usage: /);
    const msg = ((await many.catch((e: unknown) => e)) as Error).message;
    for (const part of ['fields.dr_codg: 至少要有一个值', 'fields.psn_no.0: 值不能为空', 'reason: 须写明原因', '到期日 2025-12-31 已过'])
      expect(msg).toContain(part);
    expect(await failure(bad({ ...base, fields: {}, expires_on: '2026-02-01' }))).toMatch(/至少要有一个字段条件/);
    expect(
      await failure(addSuppression(db.conn, { ...base, fields: { dr_codg: ['D1'] }, expires_on: '2026-02-01' }, { now: now.now })),
    ).toMatch(/^usage: .*操作人/);
    // Nothing was written by any of them.
    expect(await col(db, 'SELECT count(*) FROM suppression')).toEqual(['0']);
    // Today is the earliest last day; the same active suppression twice is refused.
    await addSuppression(db.conn, { ...base, fields: { dr_codg: ['D1'] }, expires_on: '2026-01-10' }, now);
    expect(await failure(addSuppression(db.conn, { ...base, fields: { dr_codg: ['D1', 'D1'] }, expires_on: '2026-01-20' }, now))).toMatch(
      /^refused: .*已有相同的生效白名单 S0001/,
    );
  });
});

describe('fundwatch suppress (CLI)', () => {
  const dir = tempDir('suppress');
  it('adds, lists and expires a suppression, naming the actor', async () => {
    const db = ['--db', path.join(dir, 's.duckdb')];
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const add = (...more: string[]) =>
      runRegistered(registerSuppress, [
        'suppress',
        'add',
        ...db,
        '--field',
        'fixmedins_code=H1,H2',
        '--field',
        'dr_codg=D07',
        '--reason',
        '核实',
        '--approver',
        '王',
        ...more,
      ]);
    const user = process.env['FUNDWATCH_USER'];
    delete process.env['FUNDWATCH_USER'];
    try {
      expect(await failure(add('--expires', day(3)))).toMatch(/^usage: .*操作人/);
    } finally {
      if (user !== undefined) process.env['FUNDWATCH_USER'] = user;
    }
    expect(await failure(add('--expires', day(3), '--field', 'ward=3', '--as', '李四'))).toMatch(/未知字段 ward/);
    expect(await add('--rule', 'r1', '--expires', day(3), '--as', '李四')).toContain(
      '已添加白名单 S0001: r1, dr_codg=D07; fixmedins_code=H1,H2',
    );
    // Through the real bin, as registered in main.ts.
    const list = runCli(['suppress', 'list', ...db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/S0001\s+生效 ⚠\s+r1\s+dr_codg=D07; fixmedins_code=H1,H2/);
    expect(list.stdout).toContain('⚠ 1 条白名单将在 7 天内到期: S0001');
    expect(await runRegistered(registerSuppress, ['suppress', 'expire', 'S0001', ...db, '--as', '张三'])).toContain('已终止白名单 S0001');
    expect(await failure(runRegistered(registerSuppress, ['suppress', 'expire', 'S0001', ...db, '--as', '张三']))).toMatch(/^refused: /);
    const all = await runRegistered(registerSuppress, ['suppress', 'list', ...db, '--all', '--json']);
    expect(
      all
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([expect.objectContaining({ supp_id: 'S0001', state: 'ended', ended_by: '张三', created_by: '李四' })]);
  });
});
