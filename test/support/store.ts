import path from 'node:path';
import type { DuckDBConnection, DuckDBValue, Json } from '@duckdb/node-api';
import { replay, type ReplayOptions, type ReplaySummary } from '../../ingest/replay.js';
import { openStore, type Store } from '../../store/open.js';
import { PII_KEY } from './fixtures.js';

/** A real store (style item 6): `:memory:` or a file, with the real migrations. */
export interface TestDb {
  readonly store: Store;
  readonly conn: DuckDBConnection;
  close(): Promise<void>;
}

export type Where = 'memory' | 'file';

let files = 0;

/** Opens a store in memory, or in a new file under `dir`. */
export async function openTestDb(where: Where, dir?: string): Promise<TestDb> {
  if (where === 'file' && !dir) throw new Error('openTestDb: a file store needs a directory');
  const store = await openStore(where === 'memory' ? ':memory:' : path.join(dir as string, `db-${++files}.duckdb`));
  const conn = await store.connect();
  return {
    store,
    conn,
    async close() {
      conn.closeSync();
      await store.close();
    },
  };
}

/** Replays files into a store with the test PII key, decoding inline unless told otherwise. */
export function ingest(
  store: Pick<Store, 'connect'>,
  paths: readonly string[],
  options: Partial<ReplayOptions> = {},
): Promise<ReplaySummary> {
  return replay(store, paths, { piiKey: PII_KEY, workers: 0, ...options });
}

/** Rows as JSON values: DECIMAL, BIGINT and TIMESTAMP come back as exact text. */
export async function rows(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, Json>[]> {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJson();
}

export async function one(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, Json>> {
  const r = await rows(conn, sql, params);
  if (r.length !== 1) throw new Error(`expected one row, got ${r.length}: ${sql}`);
  return r[0] as Record<string, Json>;
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Every row of a table or view as JSON text, sorted: equal snapshots mean equal contents. */
export async function snapshot(conn: DuckDBConnection, relation: string, exclude: readonly string[] = []): Promise<string[]> {
  const cols = (await columns(conn, relation)).map((c) => c.name).filter((c) => !exclude.includes(c));
  const all = await rows(conn, `SELECT ${cols.map(quote).join(', ')} FROM ${quote(relation)}`);
  return all.map((r) => JSON.stringify(r)).sort();
}

export interface Column {
  readonly name: string;
  readonly type: string;
}

/** Columns of a table or view in order, with DuckDB's type names (`DECIMAL(16,2)`, `JSON` …). */
export async function columns(conn: DuckDBConnection, relation: string): Promise<Column[]> {
  const r = await rows(
    conn,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_name = $t ORDER BY ordinal_position`,
    { t: relation },
  );
  return r.map((c) => ({ name: c['name'] as string, type: c['type'] as string }));
}

/** Names of the base tables (temporary ones included when asked) and of the views. */
export async function relations(conn: DuckDBConnection, kind: 'BASE TABLE' | 'VIEW' | 'LOCAL TEMPORARY'): Promise<string[]> {
  const r = await rows(conn, `SELECT table_name AS n FROM information_schema.tables WHERE table_type = $k ORDER BY 1`, { k: kind });
  return r.map((x) => x['n'] as string);
}
