import type { DuckDBConnection } from '@duckdb/node-api';
import type { CompiledRule } from '../engine/compile.js';
import { SCAN_SOURCE } from '../engine/fee-archetypes.js';

/**
 * The plan step of `detect`: rules that read the same table over the same window share one scan.
 * The group today: the fee-line rules (`line`, `pair`, `quantity`) that start from the lines of
 * listed items (a list semi-join, `CompiledRule.scan`). With two or more of them in a run, the lines
 * of all their lists within the window are read once into a temporary table and each rule reads
 * from it (when those lines are few enough to be worth copying, `SHARE_BELOW`); each still applies its own semi-join and window, so its hits are the same as alone. A
 * rule alone, or a rule of another archetype, keeps its own scan.
 */
/** The days a run reads. */
export interface Window {
  /** First day (yyyy-MM-dd), inclusive. */
  readonly since?: string | undefined;
  /** Last day (yyyy-MM-dd), inclusive. */
  readonly until?: string | undefined;
}

export const SCAN_TABLE = 'scan_fee_listed';

export interface ScanRun {
  readonly table: string;
  readonly rules: readonly string[];
  readonly rows: number;
  readonly seconds: number;
}

export interface Plan {
  /** The rules as they run: those of a shared scan read its table. */
  readonly rules: readonly CompiledRule[];
  readonly scan?: ScanRun | undefined;
}

/**
 * Share only when the lines of the lists are at most this share of the window's lines: a copy of
 * most of the fee lines costs more than it saves (measured on the city with national codes: 78 %
 * of its 10.9 M lines, the library 2.5× slower shared than each rule alone, peak RSS 13.5 GB).
 */
export const SHARE_BELOW = 0.25;

export async function planScans(
  conn: DuckDBConnection,
  rules: readonly CompiledRule[],
  window: Window,
  shareBelow: number = SHARE_BELOW,
): Promise<Plan> {
  const sharing = rules.filter((c) => c.scan !== undefined);
  if (sharing.length < 2) return { rules };
  const t0 = performance.now();
  const wheres = [...new Set(sharing.map((c) => c.scan?.where as string))];
  const params = { since: window.since ?? null, until: window.until ?? null };
  const inWindow = `(CAST($since AS DATE) IS NULL OR fl0."fee_ocur_time" >= CAST($since AS DATE))
    AND (CAST($until AS DATE) IS NULL OR fl0."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY)`;
  const listed = `(${wheres.map((w) => `(${w})`).join(' OR ')})`;
  const [rows, all] = (
    await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE ${listed}), count(*) FROM ${SCAN_SOURCE} AS fl0 WHERE ${inWindow}`, params)
  )
    .getRows()[0]
    ?.map(Number) ?? [0, 0];
  if ((rows ?? 0) > shareBelow * (all ?? 0)) return { rules };
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${SCAN_TABLE} AS SELECT * FROM ${SCAN_SOURCE} AS fl0 WHERE ${inWindow} AND ${listed}`,
    params,
  );
  const planned = rules.map((c) =>
    c.scan ? { ...c, sql: c.sql.replace(c.scan.from, c.scan.from.replace(`FROM ${SCAN_SOURCE} AS`, `FROM ${SCAN_TABLE} AS`)) } : c,
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rules: planned, scan: { table: SCAN_TABLE, rules: sharing.map((c) => c.rule.id), rows: rows ?? 0, seconds } };
}

export const dropScans = (conn: DuckDBConnection): Promise<unknown> => conn.run(`DROP TABLE IF EXISTS ${SCAN_TABLE}`);
