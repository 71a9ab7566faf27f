import type { DuckDBConnection } from '@duckdb/node-api';
import { loadCalendar } from '../core/calendar.js';
import { FundwatchError } from '../core/errors.js';
import { formatIssue } from '../core/diagnostics/index.js';
import { logger } from '../core/logger.js';
import type { RuleRun, Window } from '../rules/index.js';
import { benfordEvidence } from './benford.js';
import { CONFIG_DIR, loadConfigs, type LoadedDetector } from './config.js';
import type { Detector, DetectorContext } from './detector.js';
import { ledgerBilled, ledgerStock } from './ledger.js';
import { peerComparison } from './peers.js';
import { peerProfile } from './profile.js';
import { collusionRings, prescriptionFlows } from './rings.js';
import { volumeSpike } from './spikes.js';
import { loads, phantomBedScore } from './stays.js';
import { writeHits } from './write.js';

export { CONFIG_DIR, loadConfigs, readConfig, configFiles, type LoadedDetector } from './config.js';
export type { Detector, DetectorHit, Detail } from './detector.js';

const log = logger('detectors');

/** Every detector fundwatch has; each is configured by `detectors/config/<id>.yaml`. */
export const DETECTORS: readonly Detector[] = [
  peerComparison,
  peerProfile,
  volumeSpike,
  collusionRings,
  prescriptionFlows,
  ledgerStock,
  ledgerBilled,
  loads,
  phantomBedScore,
];

/**
 * The detectors a detect run takes (test and stable configs; the named ones when `ids` is given),
 * refusing to run while any config has an error.
 */
export function runnableDetectors(dir: string = CONFIG_DIR, ids?: readonly string[]): LoadedDetector[] {
  const { loaded, issues } = loadConfigs(DETECTORS, dir);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new FundwatchError('config', `检测器配置有错误, 未运行:\n${errors.map(formatIssue).join('\n')}`);
  const unknown = (ids ?? []).filter((id) => !loaded.some((l) => l.detector.id === id));
  if (unknown.length) throw new FundwatchError('usage', `没有这些检测器: ${unknown.join(', ')}`);
  return loaded.filter((l) => (ids?.length ? ids.includes(l.detector.id) : l.status === 'test' || l.status === 'stable'));
}

/** The days the store's facts span, for the calendar. */
async function span(conn: DuckDBConnection): Promise<[string, string] | undefined> {
  const r = await conn.runAndReadAll(
    `SELECT strftime(min(d), '%Y-%m-%d'), strftime(max(d), '%Y-%m-%d') FROM (
       SELECT CAST(min(begntime) AS DATE) AS d FROM visit UNION ALL SELECT CAST(max(setl_time) AS DATE) FROM settlement
       UNION ALL SELECT CAST(max(fee_ocur_time) AS DATE) FROM fee_line)`,
  );
  const [from, to] = r.getRows()[0] ?? [];
  return from && to ? [String(from), String(to)] : undefined;
}

/**
 * Runs `detectors` over the store in one transaction and merges their hits (same merge as the
 * rules'): the same facts give the same jr_id, hits whose facts are gone are withdrawn.
 */
export async function runDetectors(
  conn: DuckDBConnection,
  detectors: readonly LoadedDetector[],
  window: Window = {},
  now: string = new Date().toISOString().slice(0, 19).replace('T', ' '),
): Promise<RuleRun[]> {
  const days = await span(conn);
  const built = new Set<string>();
  const names = new Map(
    (await conn.runAndReadAll('SELECT fixmedins_code, fixmedins_name FROM institution'))
      .getRows()
      .map((r) => [String(r[0]), String(r[1] ?? '')]),
  );
  const ctx: DetectorContext = {
    conn,
    window,
    institution: (code) => (names.get(code) ? `${names.get(code) ?? ''} (${code})` : code),
    async once(name, build) {
      if (built.has(name)) return;
      const t = performance.now();
      await build();
      built.add(name);
      log.info({ table: name, seconds: (performance.now() - t) / 1000 }, 'shared facts');
    },
  };
  const runs: RuleRun[] = [];
  await conn.run('BEGIN TRANSACTION');
  try {
    if (days) await loadCalendar(conn, days[0], days[1]);
    for (const d of detectors) {
      const t0 = performance.now();
      const hits = await d.detector.run(ctx, d.detector.params.parse(d.params));
      const source = {
        id: d.detector.id,
        version: d.version,
        title: d.title,
        pattern: d.detector.pattern,
        severity: 'suspect' as const,
        references: d.references,
      };
      const { added, withdrawn } = await writeHits(conn, source, hits, window, now);
      const seconds = (performance.now() - t0) / 1000;
      log.info({ detector: d.detector.id, hits: hits.length, added, withdrawn, seconds }, 'detector run');
      runs.push({ rule_id: d.detector.id, version: d.version, hits: hits.length, added, withdrawn, seconds });
    }
    // Benford is supporting evidence on each institution's open hits (rules' and detectors'), never a hit.
    const t = performance.now();
    const nonconforming = await benfordEvidence(conn);
    log.info({ nonconforming, seconds: (performance.now() - t) / 1000 }, 'benford evidence');
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
  // Temporary facts (`dx_…`) go; the ledger and the loads are kept for the reviewer.
  for (const name of built) if (name.startsWith('dx_')) await conn.run(`DROP TABLE IF EXISTS ${name}`);
  await conn.run('DROP TABLE IF EXISTS rule_result');
  return runs;
}
