import { callServer } from './client.js';
import { runLocal } from './local.js';
import { readServerFile } from './server-file.js';

/**
 * Runs an op the one way the database allows: through the server when `fundwatch serve` holds the
 * file (DuckDB admits one writing process), else by opening the file. Both paths run the same op.
 */
export async function invoke<T = unknown>(dbPath: string, name: string, args: unknown, actor?: string): Promise<T> {
  const server = readServerFile(dbPath);
  const result = server ? await callServer(server, name, args, actor) : await runLocal(dbPath, name, args, { actor });
  return result as T;
}
