import type { DuckDBConnection } from '@duckdb/node-api';
import { LISTS } from '../engine/lists.js';
import type { Knowledge } from '../knowledge.js';

/**
 * Loads every knowledge list into a temporary table of the connection (`k_<name>`), by
 * parameterised inserts: knowledge values never enter SQL text. Temporary, so two connections (a
 * rule test and production) never see each other's lists.
 */
export async function loadLists(conn: DuckDBConnection, knowledge: Knowledge): Promise<void> {
  for (const spec of Object.values(LISTS)) {
    const cols = Object.entries(spec.columns);
    const ddl = cols.map(([name, type]) => `"${name}" ${type === 'number' ? 'DOUBLE' : type === 'date' ? 'DATE' : 'VARCHAR'}`).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${spec.sqlName} (${ddl})`);
    const rows = spec.rows(knowledge);
    const placeholders = cols.map((_, i) => `$${i + 1}`).join(', ');
    const prepared = await conn.prepare(`INSERT INTO ${spec.sqlName} VALUES (${placeholders})`);
    try {
      for (const row of rows) {
        prepared.bind(row);
        await prepared.run();
      }
    } finally {
      prepared.destroySync();
    }
  }
}
