import type { DuckDBConnection } from '@duckdb/node-api';
import { text } from '../store/index.js';
import type { Plan } from './plan.js';

/** A directed (定向) target: chosen from case risk, never from the random streams, and marked so everywhere. */
export interface DirectedTarget {
  readonly mode: '定向';
  readonly fixmedins_code: string;
  /** The case that put the institution on the list: its riskiest open case. */
  readonly case_id: string;
  readonly risk: number;
}

/**
 * The directed part of a draw (contract §9 step 8): institutions with an open case (not dismissed,
 * closed or merged away) of risk ≥ `min_case_risk`, each once at its riskiest case, the
 * `max_targets` riskiest (ties by case id). It reads only `case_file`; nothing of it reaches the
 * hashes, the seed or the streams.
 */
export async function directedTargets(conn: DuckDBConnection, directed: Plan['directed']): Promise<DirectedTarget[]> {
  if (!directed) return [];
  const r = await conn.runAndReadAll(
    `SELECT fixmedins_code, case_id, risk FROM (
       SELECT fixmedins_code, case_id, risk,
              row_number() OVER (PARTITION BY fixmedins_code ORDER BY risk DESC, case_id) AS k
       FROM case_file
       WHERE risk >= $min AND fixmedins_code <> '' AND merged_into IS NULL AND state NOT IN ('dismissed', 'closed')
     ) WHERE k = 1
     ORDER BY risk DESC, case_id
     LIMIT $max`,
    { min: directed.min_case_risk, max: directed.max_targets },
  );
  return r.getRows().map((row) => ({ mode: '定向', fixmedins_code: text(row[0]), case_id: text(row[1]), risk: Number(row[2]) }));
}
