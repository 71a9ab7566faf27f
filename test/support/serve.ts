import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serverFileOf, type ServerFile } from '../../api/index.js';
import { PACKAGE_ROOT } from '../../core/config.js';
import { PII_KEY } from './fixtures.js';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly file: ServerFile;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the real `fundwatch serve` in a child process and waits until it has written its server file. */
export async function startServe(db: string, args: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'fundwatch.js'), '--db', db, 'serve', '--port', '0', ...args], {
    env: { ...process.env, FUNDWATCH_PII_KEY: PII_KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const file = serverFileOf(db);
  for (let waited = 0; !existsSync(file) || !err.includes('fundwatch serve: API'); waited += 100) {
    if (child.exitCode !== null) throw new Error(`fundwatch serve exited ${child.exitCode}: ${err}`);
    if (waited > 60_000) throw new Error(`fundwatch serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    file: JSON.parse(readFileSync(file, 'utf8')) as ServerFile,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
