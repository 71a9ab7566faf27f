import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, TABLE_NAMES } from '../../contract/tables.js';
import { columns, relations, rows, snapshot } from './store.js';

/** The current views of contract §1, and the physical tables behind them. */
export const CURRENT_VIEWS = ['visit', 'discharge', 'fee_line', 'settlement', 'psi_line'] as const;
export const CANONICAL_TABLES = TABLE_NAMES.map((t) => TABLES[t].physical);

/**
 * Everything that must not depend on the order, the batching or the transport (file or Kafka) of
 * the input: the current views and every version and event (batch ids aside), the accepted messages
 * and the rejections (where they came from aside).
 */
export async function orderFreeState(conn: DuckDBConnection): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const r of [...CURRENT_VIEWS, ...CANONICAL_TABLES]) out[r] = await snapshot(conn, r, ['batch_id']);
  out['message'] = await snapshot(conn, 'message', ['batch_id', 'source_kind', 'source', 'partition', 'offset', 'line']);
  out['rejected_message'] = await snapshot(conn, 'rejected_message', [
    'batch_id',
    'source_kind',
    'source',
    'partition',
    'offset',
    'line',
    'rejected_at',
  ]);
  return out;
}

/** Row count and the sum of every DECIMAL column of each canonical table, `message` and `rejected_message`. */
export async function countsAndSums(conn: DuckDBConnection): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const t of [...CANONICAL_TABLES, 'message', 'rejected_message']) {
    const sums = (await columns(conn, t)).filter((c) => c.type.startsWith('DECIMAL')).map((c) => `sum("${c.name}") AS "sum_${c.name}"`);
    out[t] = (await rows(conn, `SELECT ${['count(*) AS n', ...sums].join(', ')} FROM "${t}"`))[0] as Record<string, unknown>;
  }
  return out;
}

/**
 * Every `relation.column` whose text (VARCHAR, JSON) or bytes (BLOB) contain `needle`, over every
 * table (the connection's temporary staging tables included) and view.
 */
export async function locate(
  conn: DuckDBConnection,
  needles: readonly string[],
): Promise<{ scanned: number; found: Record<string, string[]> }> {
  const found: Record<string, string[]> = Object.fromEntries(needles.map((n) => [n, []]));
  const wanted = needles.map((n) => [n, Buffer.from(n, 'utf8')] as const);
  let scanned = 0;
  const all = [...(await relations(conn, 'BASE TABLE')), ...(await relations(conn, 'LOCAL TEMPORARY')), ...(await relations(conn, 'VIEW'))];
  for (const rel of all) {
    const cols = (await columns(conn, rel)).filter((c) => ['VARCHAR', 'JSON', 'BLOB'].includes(c.type));
    for (const col of cols) {
      const values = (await conn.runAndReadAll(`SELECT "${col.name}" FROM "${rel}" WHERE "${col.name}" IS NOT NULL`)).getRows();
      for (const [v] of values) {
        scanned++;
        const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from((v as { bytes: Uint8Array }).bytes);
        for (const [n, b] of wanted) {
          const where = `${rel}.${col.name}`;
          if (bytes.includes(b) && !found[n]?.includes(where)) found[n]?.push(where);
        }
      }
    }
  }
  return { scanned, found };
}
