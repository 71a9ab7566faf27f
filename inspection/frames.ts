import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';
import { text } from '../store/index.js';
import type { Frames } from './draw.js';
import { FILTER_FIELDS, type HashedPlan, type Plan } from './plan.js';
import { buildFrames, type InspectorRow, type TargetRow } from './strata.js';

/**
 * The frames of a draw as the store holds them now (contract §9): the target registry (view
 * `institution`, the latest load of institutions.csv) with each target's last inspection, and the
 * inspector registry (view `inspector`). The choices are made by the pure `buildFrames`.
 */

const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : text(v));
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A target of the registry with both sources of its last inspection, and the later of them. */
export interface RegistryTarget extends TargetRow {
  /** The registry's own `last_inspected` (institutions.csv), or null. */
  readonly registry_last: string | null;
  /** The latest result recorded for a draw (draw_result), or null. */
  readonly result_last: string | null;
}

/**
 * Every registered target with its last inspection: the later of the registry's optional
 * `last_inspected` column (an extra column of institutions.csv, kept in `extra`) and the results of
 * earlier draws. A `last_inspected` that is not a date refuses the draw: a guess would move targets
 * in or out of the frame unseen.
 */
export async function registryTargets(conn: DuckDBConnection): Promise<RegistryTarget[]> {
  const cols = FILTER_FIELDS.map((f) => `CAST(i."${f}" AS VARCHAR)`).join(', ');
  const r = await conn.runAndReadAll(
    `SELECT ${cols}, json_extract_string(i.extra, '$.last_inspected'),
            (SELECT strftime(max(r.inspected_on), '%Y-%m-%d') FROM draw_result r WHERE r.fixmedins_code = i.fixmedins_code)
     FROM institution i ORDER BY i.fixmedins_code`,
  );
  return r.getRows().map((row) => {
    const fields = Object.fromEntries(FILTER_FIELDS.map((f, k) => [f, orNull(row[k])])) as TargetRow['fields'];
    const code = fields.fixmedins_code ?? '';
    const registry = orNull(row[FILTER_FIELDS.length])?.trim() || null;
    if (registry !== null && !DATE.test(registry))
      throw new FundwatchError(
        'refused',
        `机构 ${code} 的 last_inspected 不是 YYYY-MM-DD 日期 (${registry.slice(0, 20)}); 请修正 institutions.csv 后重新导入`,
      );
    const result = orNull(row[FILTER_FIELDS.length + 1]);
    const last = registry === null ? result : result === null ? registry : registry > result ? registry : result;
    return { fixmedins_code: code, fields, last_inspected: last, registry_last: registry, result_last: result };
  });
}

async function inspectorRows(conn: DuckDBConnection): Promise<InspectorRow[]> {
  const r = await conn.runAndReadAll('SELECT inspector_id, role, conflicts FROM inspector');
  return r.getRows().map((row) => ({ inspector_id: text(row[0]), role: orNull(row[1]), conflicts: orNull(row[2]) }));
}

/** The frames of `plan` from the registries as they stand (contract §9 "The frames"). */
export async function readFrames(conn: DuckDBConnection, plan: Plan | HashedPlan): Promise<Frames> {
  return buildFrames(plan, await registryTargets(conn), await inspectorRows(conn));
}
