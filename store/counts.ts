import type { DuckDBConnection } from '@duckdb/node-api';

export interface TableCount {
  readonly table: string;
  readonly current: number;
  readonly versions: number;
}

/** The canonical views with their current row count and the number of versions kept behind them. */
const CANONICAL: readonly [view: string, physical: string][] = [
  ['visit', 'visit_version'],
  ['discharge', 'discharge_version'],
  ['fee_line', 'fee_line_version'],
  ['settlement', 'settlement_version'],
  ['settlement_cancel', 'settlement_cancel'],
  ['psi_line', 'psi_line_version'],
  ['psi_deletion', 'psi_deletion'],
];

export async function tableCounts(conn: DuckDBConnection): Promise<TableCount[]> {
  const sql = CANONICAL.map(
    ([view, physical]) => `SELECT '${view}' AS t, (SELECT count(*) FROM ${view}) AS c, (SELECT count(*) FROM ${physical}) AS v`,
  ).join(' UNION ALL ');
  const rows = (await conn.runAndReadAll(sql)).getRows();
  const order = new Map(CANONICAL.map(([v], i) => [v, i]));
  return rows
    .map((r) => ({ table: String(r[0]), current: Number(r[1]), versions: Number(r[2]) }))
    .sort((a, b) => (order.get(a.table) ?? 0) - (order.get(b.table) ?? 0));
}
