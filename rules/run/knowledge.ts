import type { DuckDBConnection } from '@duckdb/node-api';
import { LISTS, type ListSpec, type ListValue } from '../engine/lists.js';
import type { Knowledge, ListTable } from '../knowledge.js';
import type { ValueType } from '../engine/columns.js';

/**
 * Loads knowledge lists into temporary tables of the connection (`k_<name>`), by parameterised
 * inserts: knowledge values never enter SQL text. Temporary, so two connections (a rule test and
 * production) never see each other's lists. Only the lists the given rules look up are loaded (the
 * national tables hold tens of thousands of rows), in batches of rows per statement.
 */
const SQL_TYPE: Partial<Record<ValueType, string>> = { number: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' };
const LIST_SEP = ',';
const BATCH_ROWS = 500;

export async function loadLists(conn: DuckDBConnection, knowledge: Knowledge, tables?: Iterable<ListTable>): Promise<void> {
  const wanted = tables === undefined ? undefined : new Set(tables);
  for (const spec of Object.values(LISTS)) {
    if (wanted !== undefined && !wanted.has(spec.table)) continue;
    await loadList(conn, spec, spec.rows(knowledge));
  }
}

/** The knowledge tables a set of compiled rules looks up. */
export const tablesOf = (rules: readonly { knowledge: readonly ListTable[] }[]): Set<ListTable> =>
  new Set(rules.flatMap((r) => r.knowledge));

async function loadList(conn: DuckDBConnection, spec: ListSpec, rows: ListValue[][]): Promise<void> {
  const cols = Object.entries(spec.columns);
  const ddl = cols.map(([name, type]) => `"${name}" ${SQL_TYPE[type] ?? 'VARCHAR'}`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${spec.sqlName} (${ddl})`);
  // A list of codes travels as one parameter, its items joined by a separator no code contains.
  const placeholder = (row: number, i: number, type: ValueType): string => {
    const p = `$${row * cols.length + i + 1}`;
    return type === 'list' ? `string_split(${p}, '${LIST_SEP}')` : p;
  };
  const tuple = (row: number) => `(${cols.map(([, type], i) => placeholder(row, i, type)).join(', ')})`;
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    const values = batch.map((_, r) => tuple(r)).join(', ');
    const params = batch.flatMap((row) => row.map((v) => (Array.isArray(v) ? v.join(LIST_SEP) : v)) as (string | number | null)[]);
    await conn.run(`INSERT INTO ${spec.sqlName} VALUES ${values}`, params);
  }
}
