import type { DuckDBConnection } from '@duckdb/node-api';
import { logger } from '../../core/logger.js';
import type { CompiledRule } from '../engine/compile.js';
import { knowledgeVersion, type Knowledge } from '../knowledge.js';
import { loadLists, tablesOf } from './knowledge.js';
import { dropScans, planScans, type ScanRun, type Window } from './plan.js';

export type { Window } from './plan.js';

/**
 * Runs compiled rules over the store and merges their hits into `hit` / `hit_detail` (contract §6),
 * set-based: each rule is one query over the whole window into a temporary table, then three
 * statements merge it. The same facts give the same jr_id, so a rerun adds nothing; a hit of the
 * rule whose facts are gone (inside the window run) is marked withdrawn, never deleted.
 */

const log = logger('rules');

export interface RuleRun {
  readonly rule_id: string;
  readonly version: number;
  readonly hits: number;
  readonly added: number;
  readonly withdrawn: number;
  readonly seconds: number;
}

/** Runs one compiled rule into the temporary table `rule_result`; returns its row count. */
export async function evaluate(conn: DuckDBConnection, c: CompiledRule, window: Window = {}, table = 'rule_result'): Promise<number> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${c.sql}`, {
    ...c.params,
    rule_id: c.rule.id,
    since: window.since ?? null,
    until: window.until ?? null,
  });
  const r = await conn.runAndReadAll(`SELECT count(*) FROM ${table}`);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/** The version of the knowledge tables a rule used, as a hit records it (NULL when none). */
export const ruleKnowledgeVersion = (c: CompiledRule, k: Knowledge): string | null =>
  c.knowledge.length ? knowledgeVersion(k, c.knowledge) : null;

/** What found a hit, as the hit table records it: a rule or a statistical detector. */
export interface HitSource {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly pattern: string;
  readonly severity: 'definite' | 'suspect';
  readonly references: readonly string[];
}

/**
 * Merges the temporary table `rule_result` (jr_id, vola_cont, vola_amt, subject fields,
 * occurred_on, evidence, details[] and, when `scored`, score) into `hit` / `hit_detail` for `r`:
 * upserts by jr_id, replaces the details, withdraws the source's hits of the window not found again.
 */
export async function mergeResult(
  conn: DuckDBConnection,
  r: HitSource,
  kv: string | null,
  window: Window,
  now: string,
  scored = false,
): Promise<{ added: number; withdrawn: number }> {
  const before = await conn.runAndReadAll(`SELECT count(*) FROM rule_result WHERE jr_id NOT IN (SELECT jr_id FROM hit)`);
  const added = Number(before.getRows()[0]?.[0] ?? 0);
  await conn.run(
    `INSERT INTO hit (jr_id, rule_id, rule_version, rule_name, knowledge_version, pattern, sev_deg, vola_cont, vola_evid, vola_amt,
                      fixmedins_code, psn_no, mdtrt_id, dr_codg, score, detected_at, withdrawn, occurred_on, evidence)
     SELECT jr_id, $rule_id, $version, $name, $kv, $pattern, $sev, vola_cont, $evid, vola_amt,
            fixmedins_code, psn_no, mdtrt_id, dr_codg, ${scored ? 'score' : 'NULL'}, CAST($now AS TIMESTAMP), false, occurred_on, evidence
     FROM rule_result
     ON CONFLICT (jr_id) DO UPDATE SET rule_version = excluded.rule_version, rule_name = excluded.rule_name,
       knowledge_version = excluded.knowledge_version, sev_deg = excluded.sev_deg, vola_cont = excluded.vola_cont,
       vola_evid = excluded.vola_evid, vola_amt = excluded.vola_amt, dr_codg = excluded.dr_codg, score = excluded.score, withdrawn = false,
       occurred_on = excluded.occurred_on, evidence = excluded.evidence`,
    {
      rule_id: r.id,
      version: String(r.version),
      name: r.title,
      kv,
      pattern: r.pattern,
      sev: r.severity,
      evid: r.references.join('；'),
      now,
    },
  );
  await conn.run(`DELETE FROM hit_detail WHERE jr_id IN (SELECT jr_id FROM rule_result)`);
  await conn.run(
    `INSERT INTO hit_detail
     SELECT DISTINCT ON (jr_id, d.vola_item_type, d.ref) jr_id, CAST(d.vola_item_type AS TINYINT), d.ref, d.amount
     FROM (SELECT jr_id, unnest(details) AS d FROM rule_result)`,
  );
  const w = await conn.runAndReadAll(
    `UPDATE hit SET withdrawn = true
     WHERE rule_id = $rule_id AND NOT withdrawn AND jr_id NOT IN (SELECT jr_id FROM rule_result)
       AND (CAST($since AS DATE) IS NULL OR occurred_on >= CAST($since AS DATE))
       AND (CAST($until AS DATE) IS NULL OR occurred_on <= CAST($until AS DATE))
     RETURNING jr_id`,
    { rule_id: r.id, since: window.since ?? null, until: window.until ?? null },
  );
  return { added, withdrawn: w.getRows().length };
}

export interface DetectOptions {
  /** Read the lines of listed items once for all the rules that start from them (default true). */
  readonly shareScans?: boolean;
  /** Share a scan only when its lines are at most this share of the window's (default `SHARE_BELOW`). */
  readonly shareBelow?: number;
  /** Told what the shared scan read, before the rules run. */
  readonly onScan?: (scan: ScanRun) => void;
}

/**
 * Runs `rules` in one transaction (all or nothing) and returns what each did. `now` is the
 * detected_at of new hits (passed in, so tests control the clock).
 */
export async function detect(
  conn: DuckDBConnection,
  rules: readonly CompiledRule[],
  knowledge: Knowledge,
  window: Window = {},
  now: string = new Date().toISOString().slice(0, 19).replace('T', ' '),
  opts: DetectOptions = {},
): Promise<RuleRun[]> {
  await loadLists(conn, knowledge, tablesOf(rules));
  const runs: RuleRun[] = [];
  await conn.run('BEGIN TRANSACTION');
  try {
    const plan = opts.shareScans === false ? { rules } : await planScans(conn, rules, window, opts.shareBelow);
    if (plan.scan) {
      log.info({ ...plan.scan }, 'shared scan');
      opts.onScan?.(plan.scan);
    }
    for (const c of plan.rules) {
      const t0 = performance.now();
      const hits = await evaluate(conn, c, window);
      const { added, withdrawn } = await mergeResult(conn, c.rule, ruleKnowledgeVersion(c, knowledge), window, now);
      const seconds = (performance.now() - t0) / 1000;
      log.info({ rule: c.rule.id, hits, added, withdrawn, seconds }, 'rule run');
      runs.push({ rule_id: c.rule.id, version: c.rule.version, hits, added, withdrawn, seconds });
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
  await conn.run('DROP TABLE IF EXISTS rule_result');
  await dropScans(conn);
  return runs;
}

/** Which rules a detect run takes: test and stable ones, experimental ones when asked, never deprecated. */
export function runnable(
  rules: readonly CompiledRule[],
  opts: { ids?: readonly string[]; includeExperimental?: boolean } = {},
): CompiledRule[] {
  return rules.filter((c) => {
    if (opts.ids?.length) return opts.ids.includes(c.rule.id) && c.rule.status !== 'deprecated';
    return (
      c.rule.status === 'test' || c.rule.status === 'stable' || (opts.includeExperimental === true && c.rule.status === 'experimental')
    );
  });
}
