import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the package lives, so the CLI finds its fixtures and rules from any working directory. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_DB_PATH = './data/fundwatch.duckdb';

/** Database path: explicit flag, then FUNDWATCH_DB, then the default file. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['FUNDWATCH_DB'] ?? DEFAULT_DB_PATH;
}

/**
 * The demo key used when FUNDWATCH_PII_KEY is unset. It is public (it is in this file), so hashes made
 * with it protect nothing against someone who has the data; the CLI warns loudly whenever it is used.
 */
export const DEMO_PII_KEY = 'fundwatch-demo-key-not-secret';

export interface PiiKey {
  readonly key: string;
  readonly isDemo: boolean;
}

export function resolvePiiKey(env: NodeJS.ProcessEnv = process.env): PiiKey {
  const key = env['FUNDWATCH_PII_KEY'];
  return key ? { key, isDemo: false } : { key: DEMO_PII_KEY, isDemo: true };
}
