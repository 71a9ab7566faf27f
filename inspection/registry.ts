import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { FIXMEDINS_TYPE, HOSP_LV } from '../contract/codes.js';
import { FundwatchError } from '../core/errors.js';
import { text } from '../store/index.js';
import { registryTargets } from './frames.js';
import { nameOf } from '../contract/codes.js';

/**
 * The inspection-target registry as draws see it (`draw targets`): each institution with its type,
 * level, region and last inspection (the later of the registry's `last_inspected` and recorded
 * results), and the history of one institution across the loads of institutions.csv.
 */

export interface TargetListRow {
  readonly fixmedins_code: string;
  readonly fixmedins_name: string | null;
  readonly fixmedins_type: string | null;
  readonly type_name: string | null;
  readonly hosp_lv: string | null;
  readonly level_name: string | null;
  /** The region (行政区划). */
  readonly admdvs: string | null;
  readonly registry_last: string | null;
  readonly result_last: string | null;
  readonly last_inspected: string | null;
}

/** One accepted version of an institution's registry row, by load. */
export interface TargetVersion {
  readonly load_id: number;
  /** UTC. */
  readonly loaded_at: string;
  readonly fixmedins_name: string | null;
  readonly fixmedins_type: string | null;
  readonly hosp_lv: string | null;
  readonly admdvs: string | null;
  readonly last_inspected: string | null;
}

export interface TargetList {
  readonly targets: readonly TargetListRow[];
  /** The versions of `fixmedins_code`, oldest first (empty without a code). */
  readonly history: readonly TargetVersion[];
}

const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : text(v));
const nameOrNull = (table: Readonly<Record<string, string>>, code: string | null | undefined): string | null =>
  code === null || code === undefined ? null : nameOf(table, code);

/** `draw targets`: the current registry with last inspections, or one institution and its history. */
export async function listTargets(conn: DuckDBConnection, a: { fixmedins_code?: string | undefined }): Promise<TargetList> {
  const all = await registryTargets(conn);
  const rows = a.fixmedins_code === undefined ? all : all.filter((t) => t.fixmedins_code === a.fixmedins_code);
  const targets = rows.map((t) => ({
    fixmedins_code: t.fixmedins_code,
    fixmedins_name: t.fields.fixmedins_name ?? null,
    fixmedins_type: t.fields.fixmedins_type ?? null,
    type_name: nameOrNull(FIXMEDINS_TYPE, t.fields.fixmedins_type),
    hosp_lv: t.fields.hosp_lv ?? null,
    level_name: nameOrNull(HOSP_LV, t.fields.hosp_lv),
    admdvs: t.fields.admdvs ?? null,
    registry_last: t.registry_last,
    result_last: t.result_last,
    last_inspected: t.last_inspected,
  }));
  if (a.fixmedins_code === undefined) return { targets, history: [] };
  const h = await conn.runAndReadAll(
    `SELECT load_id, strftime(loaded_at, '%Y-%m-%d %H:%M:%S'), fixmedins_name, fixmedins_type, hosp_lv, admdvs,
            json_extract_string(extra, '$.last_inspected')
     FROM institution_history WHERE fixmedins_code = $c ORDER BY load_id`,
    { c: a.fixmedins_code },
  );
  const history = h.getRows().map((r) => ({
    load_id: Number(r[0]),
    loaded_at: text(r[1]),
    fixmedins_name: orNull(r[2]),
    fixmedins_type: orNull(r[3]),
    hosp_lv: orNull(r[4]),
    admdvs: orNull(r[5]),
    last_inspected: orNull(r[6])?.trim() || null,
  }));
  if (!targets.length && !history.length)
    throw new FundwatchError('usage', `检查对象名录中没有机构 ${a.fixmedins_code} (见 fundwatch draw targets)`);
  return { targets, history };
}
