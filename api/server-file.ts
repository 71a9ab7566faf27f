import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a running server says it is: `<database>.serve.json` beside the database file, readable by
 * its owner only (mode 0600), holding the API's address, the bearer token and the server's pid.
 * Whoever can read it can use the API, exactly as whoever can read the database file can read the data.
 */
export interface ServerFile {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  readonly db: string;
  readonly started_at: string;
}

export const serverFileOf = (dbPath: string): string => `${path.resolve(dbPath)}.serve.json`;

/** The server file of a database, when one exists and its process is alive; else null. */
export function readServerFile(dbPath: string): ServerFile | null {
  if (dbPath === ':memory:') return null;
  let doc: ServerFile;
  try {
    doc = JSON.parse(readFileSync(serverFileOf(dbPath), 'utf8')) as ServerFile;
  } catch {
    return null;
  }
  try {
    process.kill(doc.pid, 0);
  } catch (err) {
    // EPERM: alive but another user's; ESRCH: gone, the file is left over from a crash.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  return doc;
}
