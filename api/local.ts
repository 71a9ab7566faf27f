import { nowText } from '../core/clock.js';
import { openStore } from '../store/index.js';
import type { OpContext } from './op.js';
import { resolveOp } from './registry.js';

/** Runs an op on the database file itself (no server holds it), on one connection, then closes the file. */
export async function runLocal(dbPath: string, name: string, args: unknown, ctx: Partial<OpContext> = {}): Promise<unknown> {
  const { op, args: parsed } = resolveOp(name, args);
  const store = await openStore(dbPath);
  try {
    const conn = await store.connect();
    try {
      return await op.run(conn, parsed, { now: ctx.now ?? nowText(), actor: ctx.actor, dbPath });
    } finally {
      conn.closeSync();
    }
  } finally {
    await store.close();
  }
}
