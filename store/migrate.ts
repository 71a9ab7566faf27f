import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** `NNNN_name.sql` files in order; a migration, once released, is never edited (add a new one). */
export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Applies pending migrations, each in its own transaction; returns the versions applied. */
export async function migrate(conn: DuckDBConnection, migrations: readonly Migration[] = listMigrations()): Promise<number[]> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
  );
  const done = new Set((await conn.runAndReadAll('SELECT version FROM schema_migrations')).getRows().map((r) => Number(r[0])));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_migrations VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name]);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw new FundwatchError('db', `migration ${m.version} (${m.name}) failed`, { cause: err });
    }
    applied.push(m.version);
  }
  return applied;
}
