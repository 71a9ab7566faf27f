import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { migrate } from './migrate.js';

export interface Store {
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** Opens another connection on the same instance (one writer process per file, many connections). */
  connect(): Promise<DuckDBConnection>;
  /** Checkpoints and closes the instance. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * WAL size that triggers an automatic checkpoint. Ingest raises it so that a run checkpoints once
   * at its end rather than after every few batches (measured: a much higher insert rate, see
   * bench/README.md); durability is the WAL's either way.
   */
  readonly walAutocheckpoint?: string;
  /**
   * DuckDB's memory limit (`3GB`); beyond it, joins and aggregates spill to a temporary directory.
   * Default `$FUNDWATCH_MEMORY_LIMIT`, else DuckDB's own (80 % of RAM): the rule library on a city
   * grows the process to 7 GB on this 24 GB machine, and fails at 3 GB (an operator that cannot spill).
   */
  readonly memoryLimit?: string;
}

const log = logger('store');

/** Opens (creating if needed) the database file, or `:memory:`, and applies pending migrations. */
export async function openStore(dbPath: string, options: OpenOptions = {}): Promise<Store> {
  if (dbPath !== ':memory:') mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  let instance: DuckDBInstance;
  try {
    const memoryLimit = options.memoryLimit ?? process.env['FUNDWATCH_MEMORY_LIMIT'];
    instance = await DuckDBInstance.create(dbPath, {
      ...(options.walAutocheckpoint ? { wal_autocheckpoint: options.walAutocheckpoint } : {}),
      ...(memoryLimit ? { memory_limit: memoryLimit } : {}),
    });
  } catch (err) {
    const msg = (err as Error).message;
    const locked = /lock/i.test(msg);
    throw new FundwatchError(
      'db',
      locked ? `数据库 ${dbPath} 正被另一个进程使用 (DuckDB 只允许一个写进程)` : `无法打开数据库 ${dbPath}: ${msg}`,
      {
        cause: err,
        retriable: locked,
      },
    );
  }
  const conn = await instance.connect();
  try {
    const applied = await migrate(conn);
    if (applied.length) log.info({ db: dbPath, applied }, 'migrations applied');
  } finally {
    conn.closeSync();
  }
  return {
    path: dbPath,
    instance,
    connect: () => instance.connect(),
    async close() {
      if (dbPath !== ':memory:') {
        const c = await instance.connect();
        await c.run('CHECKPOINT');
        c.closeSync();
      }
      instance.closeSync();
    },
  };
}
