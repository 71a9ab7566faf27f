import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCases, listCases, ruleStats } from '../cases/index.js';
import { registerRules } from '../cli/commands/rules.js';
import { writeHits } from '../score/index.js';
import { runRegistered } from './support/cli.js';
import { openTestDb, type TestDb } from './support/store.js';
import { hit } from './support/hits.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-rule-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const price = (jr_id: string, fixmedins_code: string, rule_version = '1') =>
  hit({ jr_id, pattern: 'over-price', rule_id: 'price-rule', rule_version, fixmedins_code });

/**
 * Hits of one rule in two versions, a detector and two rules on one case; cases confirmed and
 * dismissed with reasons as the workflow (written elsewhere) would leave them.
 */
async function build(db: TestDb): Promise<void> {
  await writeHits(db.conn, [price('p1', 'H001'), price('p2', 'H002'), price('p3', 'H001')], '2026-02-01 02:00:00');
  await writeHits(db.conn, [price('p4', 'H004', '2'), price('p5', 'H005', '2'), price('p6', 'H006', '2')], '2026-03-01 02:00:00');
  await writeHits(db.conn, [
    hit({ jr_id: 'd1', pattern: 'peer-outlier', rule_id: 'peer-outlier-detector', rule_version: '2026.1', dr_codg: '' }),
    hit({ jr_id: 'x1', pattern: 'duplicate-charge', rule_id: 'dup-a', fixmedins_code: 'H009' }),
    hit({ jr_id: 'x2', pattern: 'duplicate-charge', rule_id: 'dup-b', fixmedins_code: 'H009' }),
  ]);
  await db.conn.run(`UPDATE hit SET occurred_on = DATE '2026-01-05' WHERE jr_id = 'p1'`);
  await db.conn.run(`UPDATE hit SET occurred_on = DATE '2026-01-20' WHERE jr_id = 'p3'`);
  await db.conn.run(`UPDATE hit SET withdrawn = true WHERE jr_id = 'p6'`);
  await groupCases(db.conn, '2026-03-02 02:00:00');
  // p3 held back by a suppression (its case still has p1).
  await db.conn.run(`INSERT INTO hit_suppressed VALUES ('p3', 'S1', TIMESTAMP '2026-03-02 02:00:00')`);
  const cases = await listCases(db.conn);
  const at = (inst: string, pattern = 'over-price') => cases.find((c) => c.fixmedins_code === inst && c.pattern === pattern)?.case_id ?? '';
  const set = (id: string, state: string, reason: string | null) =>
    db.conn.run(`UPDATE case_file SET state = $state, dismiss_reason = $reason WHERE case_id = $id`, { state, reason, id });
  await set(at('H001'), 'confirmed', null);
  await set(at('H002'), 'dismissed', '收费标准已调整');
  await set(at('H004'), 'dismissed', '收费标准已调整');
  await set(at('H005'), 'dismissed', null);
  await set(at('H009', 'duplicate-charge'), 'rectifying', null);
}

describe('rule stats (cases/stats.ts, real DuckDB)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb('memory');
    await build(db);
  });
  afterEach(async () => {
    await db.close();
  });

  it('counts hits, suppressed and withdrawn ones, cases and their decisions per rule and version', async () => {
    const stats = await ruleStats(db.conn, {}, { now: '2026-03-03 00:00:00' });
    expect(
      stats.map((r) => [r.rule_id, r.rule_version, r.hits, r.suppressed, r.withdrawn, r.cases, r.confirmed, r.dismissed, r.precision]),
    ).toEqual([
      ['dup-a', '1', 1, 0, 0, 1, 1, 0, 1],
      ['dup-b', '1', 1, 0, 0, 1, 1, 0, 1],
      ['peer-outlier-detector', '2026.1', 1, 0, 0, 1, 0, 0, null],
      ['price-rule', '1', 3, 1, 0, 2, 1, 1, 0.5],
      ['price-rule', '2', 2, 0, 1, 2, 0, 2, 0],
    ]);
    const [v1, v2] = stats.filter((r) => r.rule_id === 'price-rule');
    expect(v1).toMatchObject({
      pattern: 'over-price',
      dismiss_reasons: [{ reason: '收费标准已调整', count: 1 }],
      last_detected_at: '2026-02-01 02:00:00',
      last_occurred_on: '2026-01-20',
    });
    expect(v2?.dismiss_reasons).toEqual([
      { reason: '', count: 1 },
      { reason: '收费标准已调整', count: 1 },
    ]);
    expect(v2?.last_occurred_on).toBeNull();
  });

  it('narrows to one rule; an unknown one has no rows', async () => {
    expect((await ruleStats(db.conn, { rule: 'price-rule' }, { now: '' })).map((r) => r.rule_version)).toEqual(['1', '2']);
    expect(await ruleStats(db.conn, { rule: 'no-such-rule' }, { now: '' })).toEqual([]);
  });
});

describe('fundwatch rules stats', () => {
  it('prints a Chinese table with precision and dismiss reasons, or JSON lines', async () => {
    const db = await openTestDb('file', dir);
    const file = path.join(dir, 'db-1.duckdb');
    await build(db);
    await db.close();
    const out = await runRegistered(registerRules, ['--db', file, 'rules', 'stats', '--rule', 'price-rule']);
    expect(out).toContain('实际精确率');
    expect(out).toContain('50.0%');
    expect(out).toContain('未注明 ×1; 收费标准已调整 ×1');
    const json = (await runRegistered(registerRules, ['--db', file, 'rules', 'stats', '--json']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule_id: string });
    expect(json.map((r) => r.rule_id)).toEqual(['dup-a', 'dup-b', 'peer-outlier-detector', 'price-rule', 'price-rule']);
  });
});
