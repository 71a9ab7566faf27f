import type { DuckDBConnection } from '@duckdb/node-api';
import { openStore } from '../../store/open.js';
import type { CompiledRule } from '../engine/compile.js';
import { parseYaml, type LocatedIssue } from '../engine/locate.js';
import { RuleTest } from '../engine/schema.js';
import type { Knowledge } from '../knowledge.js';
import { evaluate } from './detect.js';
import { loadLists } from './knowledge.js';

/**
 * `rules test`: a rule's `<id>.test.yaml` rows are loaded into a fresh in-memory store (the real
 * migrations, the real views), the rule runs through the same compiled SQL as production, and its
 * 违规项 refs are compared with the rows that must and must not hit.
 */

/** Canonical tables a test may fill (current versions), and reference tables (one load). */
const VERSIONED = { fee_line: '2204', visit: '2401', discharge: '2402', settlement: '2207', psi_line: '3505' } as const;
const REFERENCE = ['insured', 'institution', 'catalog', 'practitioner'] as const;
const PSI_KIND: Readonly<Record<string, number>> = { '3501': 1, '3502': 2, '3503': 3, '3504': 3, '3505': 4, '3506': 4 };

export interface TestOutcome {
  readonly rule_id: string;
  readonly file: string;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  /** Refs that had to hit and did not. */
  readonly missing: readonly string[];
  /** Refs that must not hit and did, and hits naming none of the expected refs. */
  readonly unexpected: readonly string[];
  readonly issues: readonly LocatedIssue[];
  readonly passed: boolean;
}

async function tableColumns(conn: DuckDBConnection, table: string): Promise<Set<string>> {
  const r = await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = $t`, { t: table });
  return new Set(r.getRows().map((x) => String(x[0])));
}

/** Inserts a test file's rows (`given`); column names are checked against the table, values are parameters. */
export async function loadTestRows(conn: DuckDBConnection, given: RuleTest['given'], file: string): Promise<LocatedIssue[]> {
  const issues: LocatedIssue[] = [];
  const bad = (message: string, hint: string): void => {
    issues.push({ code: 'bad-test-row', severity: 'error', file, line: 1, col: 1, message, hint, path: 'given' });
  };
  for (const [table, rows] of Object.entries(given)) {
    const versioned = Object.hasOwn(VERSIONED, table);
    const reference = (REFERENCE as readonly string[]).includes(table);
    if (!versioned && !reference) {
      bad(`测试数据中未知的表 ${table}`, `可用: ${[...Object.keys(VERSIONED), ...REFERENCE].join(', ')}`);
      continue;
    }
    const physical = `${table}_version`;
    const cols = await tableColumns(conn, physical);
    if (reference)
      await conn.run(`INSERT INTO reference_load VALUES ($id, $f, $t, 'loaded', repeat('0', 64), TIMESTAMP '2026-01-01', 0, 0)`, {
        id: REFERENCE.indexOf(table as (typeof REFERENCE)[number]) + 1,
        f: `${table}.csv`,
        t: table,
      });
    for (const [i, given] of rows.entries()) {
      const row: Record<string, string | number | boolean | null> = { ...given };
      if (versioned) {
        row['is_current'] = true;
        row['infno'] ??= table === 'psi_line' ? '3505' : VERSIONED[table as keyof typeof VERSIONED];
        row['msgid'] ??= `test-${table}-${i}`;
        row['upload_mode'] ??= 'T0';
        row['inf_time'] ??= '2026-01-01 00:00:00';
        if (cols.has('med_type_class') && row['med_type_class'] === undefined && typeof row['med_type'] === 'string')
          row['med_type_class'] = row['med_type'].slice(0, 2);
        if (table === 'psi_line') row['kind'] ??= PSI_KIND[String(row['infno'])] ?? null;
      } else row['load_id'] = REFERENCE.indexOf(table as (typeof REFERENCE)[number]) + 1;
      const names = Object.keys(row);
      const unknown = names.filter((n) => !cols.has(n));
      if (unknown.length) {
        bad(`表 ${table} 第 ${i + 1} 行有未知的列 ${unknown.join(', ')}`, '列名见 store/migrations/0001_init.sql');
        continue;
      }
      const values = Object.fromEntries(names.map((n, k) => [`v${k}`, row[n] ?? null]));
      await conn.run(
        `INSERT INTO ${physical} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((_, k) => `$v${k}`).join(', ')})`,
        values,
      );
    }
  }
  return issues;
}

/** Runs one rule's test file. */
export async function runRuleTest(compiled: CompiledRule, testText: string, testFile: string, knowledge: Knowledge): Promise<TestOutcome> {
  const id = compiled.rule.id;
  const fail = (issues: LocatedIssue[]): TestOutcome => ({
    rule_id: id,
    file: testFile,
    tp: 0,
    fp: 0,
    fn: 0,
    missing: [],
    unexpected: [],
    issues,
    passed: false,
  });
  const parsed = parseYaml(testText, testFile, RuleTest);
  if (!parsed.ok) return fail(parsed.issues);
  const t = parsed.value;
  const store = await openStore(':memory:');
  const conn = await store.connect();
  try {
    const issues = await loadTestRows(conn, t.given, testFile);
    if (issues.length) return fail(issues);
    await loadLists(conn, knowledge);
    await evaluate(conn, compiled);
    const r = await conn.runAndReadAll(
      `SELECT jr_id, d.ref FROM (SELECT jr_id, unnest(details) AS d FROM rule_result) WHERE d.vola_item_type = 1`,
    );
    const refsByHit = new Map<string, Set<string>>();
    for (const [jr, ref] of r.getRows()) {
      const s = refsByHit.get(String(jr)) ?? new Set<string>();
      s.add(String(ref));
      refsByHit.set(String(jr), s);
    }
    const hitRefs = new Set([...refsByHit.values()].flatMap((s) => [...s]));
    const expected = new Set(t.hits);
    const missing = t.hits.filter((ref) => !hitRefs.has(ref));
    const wrong = t.not_hits.filter((ref) => hitRefs.has(ref));
    const stray = [...refsByHit.values()].filter((s) => ![...s].some((ref) => expected.has(ref))).map((s) => [...s].sort().join(' + '));
    const unexpected = [...wrong, ...stray.filter((x) => !wrong.some((w) => x.includes(w)))];
    return {
      rule_id: id,
      file: testFile,
      tp: t.hits.length - missing.length,
      fp: unexpected.length,
      fn: missing.length,
      missing,
      unexpected,
      issues: [],
      passed: missing.length === 0 && unexpected.length === 0,
    };
  } finally {
    conn.closeSync();
    await store.close();
  }
}
