import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';

/**
 * Runs `fn` in one transaction, rolled back on any error. Two writers racing on the same rows both
 * pass their checks in their own snapshot; DuckDB then refuses the second commit as a write
 * conflict, which becomes a `refused` error with `conflict` as its message (nothing was changed).
 */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>, conflict: string): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await conn.run('COMMIT');
    return out;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    if (err instanceof Error && /conflict/i.test(err.message) && !(err instanceof FundwatchError))
      throw new FundwatchError('refused', conflict, { cause: err });
    throw err;
  }
}
