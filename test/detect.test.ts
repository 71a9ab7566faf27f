import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHits } from '../cli/commands/hits.js';
import { formatIssue, parseYaml } from '../core/diagnostics/index.js';
import {
  compileText,
  detect,
  knowledgeOrThrow,
  LIBRARY_DIR,
  loadRules,
  loadGiven,
  readText,
  RuleTest,
  runnable,
  runRuleTest,
  testFileOf,
  type CompiledRule,
} from '../rules/index.js';
import { Hit } from '../score/index.js';
import { openStore, type Store } from '../store/index.js';
import { runCli, runRegistered } from './support/cli.js';
import { rows } from './support/store.js';
import { tempDir } from './support/temp.js';

/**
 * Rule tests (`rules test`) and detection (`detect`, `hits list`) on real DuckDB: every shipped
 * rule passes its test and a broken one fails; detect twice gives the same hit set; a fact that
 * goes away withdraws its hit (never deletes it), and only inside the window run.
 */

const knowledge = knowledgeOrThrow();
const library = loadRules();
const tmp = tempDir('detect');

describe('rules test', () => {
  it.each(library.rules.map((r) => [r.compiled.rule.id, r] as const))('%s passes its test file (hits and non-hits)', async (id, r) => {
    const o = await runRuleTest(r.compiled, readText(testFileOf(r.file, id)), id, knowledge);
    expect({ missing: o.missing, unexpected: o.unexpected, issues: o.issues }).toEqual({ missing: [], unexpected: [], issues: [] });
    expect(o.tp).toBeGreaterThan(0);
    expect(o.passed).toBe(true);
  });

  it('fails when a rule is broken: transfers no longer excluded from split admissions', async () => {
    const file = path.join(LIBRARY_DIR, 'stays', 'split-admission.yaml');
    const broken = readText(file).replace('and not transfer', "and transfer is not null or prev.dscg_way = '2'");
    const c = compileText(broken, file);
    if (!c.ok) throw new Error(JSON.stringify(c.issues));
    const o = await runRuleTest(c.compiled, readText(testFileOf(file, 'split-admission')), 'split-admission.test.yaml', knowledge);
    expect(o.passed).toBe(false);
    expect(o.unexpected).toContain('visit:H2:V6');
    expect(o.fp).toBeGreaterThan(0);
  });

  it('fails when a rule is broken: the other sex check inverted', async () => {
    const file = path.join(LIBRARY_DIR, 'restrictions', 'gender-restricted-item.yaml');
    const c = compileText(readText(file).replace('person.gend <> list.gend', 'person.gend = list.gend'), file);
    if (!c.ok) throw new Error('did not compile');
    const o = await runRuleTest(c.compiled, readText(testFileOf(file, 'gender-restricted-item')), 't', knowledge);
    expect({ passed: o.passed, missing: o.missing, unexpected: o.unexpected }).toEqual({
      passed: false,
      missing: ['fee:H1:V1:1'],
      unexpected: ['fee:H1:V2:1'],
    });
  });

  it('the CLI exits 1 on a broken rule and prints the rows it missed and the rows it should not have hit', () => {
    const dir = path.join(tmp, 'broken-library');
    mkdirSync(dir, { recursive: true });
    const text = readText(path.join(LIBRARY_DIR, 'restrictions', 'gender-restricted-item.yaml')).replace(
      'person.gend <> list.gend',
      'person.gend = list.gend',
    );
    writeFileSync(path.join(dir, 'gender-restricted-item.yaml'), text);
    writeFileSync(
      path.join(dir, 'gender-restricted-item.test.yaml'),
      readText(path.join(LIBRARY_DIR, 'restrictions', 'gender-restricted-item.test.yaml')),
    );
    const r = runCli(['rules', 'test', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gender-restricted-item\s+0\s+1\s+1\s+失败/);
    expect(r.stdout).toContain('应命中而未命中: fee:H1:V1:1');
    expect(r.stdout).toContain('不应命中却命中: fee:H1:V2:1');
  });

  it('the CLI prints TP/FP/FN per rule and exits 0 for the library', () => {
    const r = runCli(['rules', 'test']);
    expect(r.stdout).toMatch(/over-price\s+1\s+0\s+0\s+通过/);
    expect(r.stdout).toContain(`✓ ${library.rules.length} 条规则通过, 0 条失败`);
    expect(r.code).toBe(0);
  });
});

/** Three rules' test rows, merged into one store (their keys do not collide: H/V numbers per file differ by table). */
async function loadAllTestRows(store: Store): Promise<void> {
  for (const id of ['restrictions/gender-restricted-item', 'stays/split-admission', 'pharmacy/inventory-sold-beyond-stock']) {
    const file = path.join(LIBRARY_DIR, `${id}.test.yaml`);
    const t = parseYaml(readFileSync(file, 'utf8'), file, RuleTest);
    if (!t.ok) throw new Error(t.issues.map(formatIssue).join('\n'));
    expect(await loadGiven(store, t.value.given, t.yaml)).toEqual([]);
  }
}

describe('detect', () => {
  let store: Store;
  let conn: DuckDBConnection;
  let rules: CompiledRule[];
  const snapshot = async () => ({
    hits: await rows(conn, 'SELECT * EXCLUDE (detected_at) FROM hit ORDER BY jr_id'),
    details: await rows(conn, 'SELECT * FROM hit_detail ORDER BY jr_id, vola_item_type, ref'),
    detected: await rows(conn, 'SELECT jr_id, detected_at FROM hit ORDER BY jr_id'),
  });

  beforeAll(async () => {
    store = await openStore(path.join(tmp, 'detect.duckdb'));
    conn = await store.connect();
    await loadAllTestRows(store);
    rules = runnable(library.rules.map((r) => r.compiled));
  });
  afterAll(async () => {
    conn?.closeSync();
    await store?.close();
  });

  it('runs test and stable rules (not experimental or deprecated ones unless asked)', () => {
    const statuses = (s: CompiledRule['rule']['status']) => ({ ...rules[0], rule: { ...rules[0]?.rule, status: s } }) as CompiledRule;
    expect(runnable([statuses('experimental'), statuses('deprecated'), statuses('test')]).map((r) => r.rule.status)).toEqual(['test']);
    expect(runnable([statuses('experimental')], { includeExperimental: true })).toHaveLength(1);
    expect(rules).toHaveLength(library.rules.length);
  });

  it('twice on the same data gives the identical hit set; the second run adds nothing', async () => {
    const first = await detect(conn, rules, knowledge, {}, '2026-02-01 08:00:00');
    const a = await snapshot();
    expect(a.hits.length).toBe(3);
    expect(first.reduce((s, r) => s + r.added, 0)).toBe(3);
    const second = await detect(conn, rules, knowledge, {}, '2026-02-02 08:00:00');
    expect(await snapshot()).toEqual(a);
    expect(second.reduce((s, r) => s + r.added + r.withdrawn, 0)).toBe(0);
    // Each hit names its rule version and, when it used one, the knowledge table versions.
    const g = (
      await rows(conn, `SELECT rule_version, knowledge_version, pattern, sev_deg FROM hit WHERE rule_id = 'gender-restricted-item'`)
    )[0];
    expect(g).toEqual({ rule_version: '1', knowledge_version: 'gender-restricted@2', pattern: 'gender-restricted', sev_deg: 'definite' });
  });

  it('a window elsewhere withdraws nothing; a reversed fact withdraws its hit, which is kept', async () => {
    const before = await snapshot();
    await detect(conn, rules, knowledge, { since: '2026-03-01', until: '2026-03-31' }, '2026-04-01 00:00:00');
    expect(await snapshot()).toEqual(before);
    // The female patient's finasteride line is reversed in full (a negative line pointing at it, sent
    // without med_type as senders often do: the rule's scope must not keep the reversal out).
    await conn.run(`INSERT INTO fee_line_version (is_current, fixmedins_code, mdtrt_id, feedetl_sn, psn_no, fee_ocur_time, med_list_codg, cnt, pric, det_item_fee_sumamt, init_feedetl_sn)
                    VALUES (true, 'H1', 'V1', '9', 'P1', TIMESTAMP '2026-01-06 10:00:00', 'XG04CBF022A001010100649', -10, 3, -30, '1')`);
    const runs = await detect(conn, rules, knowledge, {}, '2026-02-03 08:00:00');
    expect(runs.find((r) => r.rule_id === 'gender-restricted-item')).toMatchObject({ hits: 0, withdrawn: 1 });
    const after = await rows(conn, `SELECT rule_id, withdrawn FROM hit ORDER BY rule_id`);
    expect(after).toHaveLength(3);
    expect(after.filter((h) => h['withdrawn'] === true).map((h) => h['rule_id'])).toEqual(['gender-restricted-item']);
  });

  it('hits list --json prints one §6 object per hit (withdrawn ones left out)', async () => {
    conn.closeSync();
    await store.close();
    try {
      await listHits();
    } finally {
      store = await openStore(store.path);
      conn = await store.connect();
    }
  });

  async function listHits(): Promise<void> {
    const out = await runRegistered(registerHits, ['--db', store.path, 'hits', 'list', '--json']);
    const hits = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(hits.map((h) => h['rule_id']).sort()).toEqual(['inventory-sold-beyond-stock', 'split-admission']);
    for (const h of hits) expect(Hit.omit({ score: true }).safeParse(h).success).toBe(true);
    const split = hits.find((h) => h['pattern'] === 'split-admission') as {
      details: { vola_item_type: number; ref: string }[];
      vola_cont: string;
    };
    expect(split.details.map((d) => [d.vola_item_type, d.ref])).toEqual([
      [1, 'visit:H1:V2'],
      [2, 'visit:H1:V1'],
    ]);
    expect(split.vola_cont).toMatch(/^出院 5 天后以同类诊断再次入院/);
    const only = await runRegistered(registerHits, ['--db', store.path, 'hits', 'list', '--pattern', 'split-admission', '--json']);
    expect(only.trim().split('\n')).toHaveLength(1);
  }
});

describe('the CLI of detect, explain and preview', () => {
  let db: string;
  beforeAll(async () => {
    db = path.join(tmp, 'cli.duckdb');
    const s = await openStore(db);
    await loadAllTestRows(s);
    await s.close();
  });

  it('detect --json reports each rule run; a second run adds nothing', () => {
    // The rule side (the detectors have their own test: test/detectors.test.ts).
    const first = runCli(['--db', db, 'detect', '--only', 'rules', '--json']);
    expect(first.code).toBe(0);
    const runs = JSON.parse(first.stdout) as { rule_id: string; hits: number; added: number }[];
    expect(runs.map((r) => r.rule_id).sort()).toEqual(library.rules.map((r) => r.compiled.rule.id).sort());
    expect(runs.reduce((s, r) => s + r.added, 0)).toBe(3);
    const again = JSON.parse(runCli(['--db', db, 'detect', '--only', 'rules', '--json']).stdout) as { added: number; withdrawn: number }[];
    expect(again.reduce((s, r) => s + r.added + r.withdrawn, 0)).toBe(0);
    const bad = runCli(['--db', db, 'detect', '--rules', 'no-such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('没有这些规则: no-such-rule');
  });

  it('rules preview counts hits by month and institution without writing any', () => {
    const r = runCli(['--db', db, 'rules', 'preview', 'split-admission', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as {
      hits: number;
      byMonth: { month: string; hits: number }[];
      topSubjects: { fixmedins_code: string }[];
    };
    expect(p).toMatchObject({ hits: 1, byMonth: [{ month: '2026-01', hits: 1 }], topSubjects: [{ fixmedins_code: 'H1' }] });
  });

  it('rules explain reads the logic in Chinese, names the knowledge tables with versions, and shows the SQL', () => {
    const r = runCli(['rules', 'explain', 'gender-restricted-item']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('条件 restricted: item（医保目录编码） 在知识库表 gender_restricted');
    expect(r.stdout).toMatch(/gender-restricted\.yaml 版本 2/);
    expect(r.stdout).toContain('SELECT DISTINCT ON');
    const missing = runCli(['rules', 'explain', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
