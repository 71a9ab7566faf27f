import { parseYaml, type Issue } from '../../core/diagnostics/index.js';
import { openStore, type Store } from '../../store/open.js';
import { RULE_SCHEMA_HINT, type CompiledRule } from '../engine/compile.js';
import { RuleTest } from '../engine/schema.js';
import type { Knowledge } from '../knowledge.js';
import { evaluate } from './detect.js';
import { loadLists } from './knowledge.js';
import { loadGiven } from './test-data.js';

/**
 * `rules test`: a rule's `<id>.test.yaml` rows are loaded into a fresh in-memory store through the
 * production paths (see test-data.ts), the rule runs through the same compiled SQL as production,
 * and its 违规项 refs are compared with the rows that must and must not hit.
 */

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
  readonly issues: readonly Issue[];
  readonly passed: boolean;
}

/** Runs one rule's test file. */
export async function runRuleTest(compiled: CompiledRule, testText: string, testFile: string, knowledge: Knowledge): Promise<TestOutcome> {
  const id = compiled.rule.id;
  const fail = (issues: readonly Issue[]): TestOutcome => ({
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
  const parsed = parseYaml(testText, testFile, RuleTest, { hint: () => RULE_SCHEMA_HINT });
  if (!parsed.ok) return fail(parsed.issues);
  const t = parsed.value;
  const store = await openStore(':memory:');
  try {
    const issues = await loadGiven(store, t.given, parsed.yaml);
    if (issues.length) return fail(issues);
    return await judge(store, compiled, knowledge, t, testFile);
  } finally {
    await store.close();
  }
}

/** Runs the rule on the loaded rows and compares its 违规项 refs with the test's. */
async function judge(store: Store, compiled: CompiledRule, knowledge: Knowledge, t: RuleTest, testFile: string): Promise<TestOutcome> {
  const conn = await store.connect();
  try {
    await loadLists(conn, knowledge, compiled.knowledge);
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
      rule_id: compiled.rule.id,
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
  }
}
