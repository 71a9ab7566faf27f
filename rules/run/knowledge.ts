import type { DuckDBConnection } from '@duckdb/node-api';
import { LISTS } from '../engine/lists.js';
import type { Knowledge } from '../knowledge.js';
import type { ValueType } from '../engine/columns.js';

/**
 * Loads every knowledge list into a temporary table of the connection (`k_<name>`), by
 * parameterised inserts: knowledge values never enter SQL text. Temporary, so two connections (a
 * rule test and production) never see each other's lists.
 */
const SQL_TYPE: Partial<Record<ValueType, string>> = { number: 'DOUBLE', date: 'DATE', list: 'VARCHAR[]' };
const LIST_SEP = ',';

export async function loadLists(conn: DuckDBConnection, knowledge: Knowledge): Promise<void> {
  for (const spec of Object.values(LISTS)) {
    const cols = Object.entries(spec.columns);
    const ddl = cols.map(([name, type]) => `"${name}" ${SQL_TYPE[type] ?? 'VARCHAR'}`).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${spec.sqlName} (${ddl})`);
    const rows = spec.rows(knowledge);
    // A list of codes travels as one parameter, its items joined by a separator no code contains.
    const placeholders = cols.map(([, type], i) => (type === 'list' ? `string_split($${i + 1}, '${LIST_SEP}')` : `$${i + 1}`)).join(', ');
    const prepared = await conn.prepare(`INSERT INTO ${spec.sqlName} VALUES (${placeholders})`);
    try {
      for (const row of rows) {
        prepared.bind(row.map((v) => (Array.isArray(v) ? v.join(LIST_SEP) : v)) as (string | number | null)[]);
        await prepared.run();
      }
    } finally {
      prepared.destroySync();
    }
  }
}
