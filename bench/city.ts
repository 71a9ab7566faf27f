/**
 * The generated city the rule and detector benchmarks share: generated, reference-loaded and
 * ingested once into bench/out/ (git-ignored) and reused, because generating takes minutes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../core/config.js';

export const OUT = path.join(PACKAGE_ROOT, 'bench', 'out');
export const CITY_DATA = path.join(OUT, 'city-data');
export const CITY_DB = path.join(OUT, 'city.duckdb');

export function cli(args: readonly string[]): void {
  execFileSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'fundwatch.js'), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FUNDWATCH_PII_KEY: 'bench-key' },
  });
}

/** Generates (seed `seed`), loads and ingests the city unless bench/out already holds it. */
export function prepareCity(seed: string): void {
  mkdirSync(OUT, { recursive: true });
  if (existsSync(CITY_DB)) return;
  process.stderr.write(`preparing the city once (generate, reference load, ingest) → ${CITY_DB}\n`);
  if (!existsSync(path.join(CITY_DATA, 'labels.json'))) cli(['generate', '--seed', seed, '--scale', 'city', '--out', CITY_DATA, '--force']);
  cli(['--db', CITY_DB, 'reference', 'load', path.join(CITY_DATA, 'reference')]);
  cli(['--db', CITY_DB, 'ingest', '--from', path.join(CITY_DATA, 'messages'), '-q']);
}
