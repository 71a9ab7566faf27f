/**
 * bench/ingest: replay ingest of 1,000,000 fee lines (messages of 20 lines) into a fresh DuckDB
 * file, end to end (read, validate, land, checkpoint), against DuckDB's own read_json + unnest of
 * the same file into a plain table, measured in the same run. Each side runs in its own process so
 * that each peak RSS is its own.
 *
 *   npm run bench:ingest [-- --lines 1000000]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../core/config.js';
import { writeFeeLines } from './fee-lines.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const lines = Number(values.lines);
const outDir = path.join(PACKAGE_ROOT, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `fee-${lines}.ndjson`);
if (!existsSync(file)) {
  process.stderr.write(`generating ${lines} fee lines → ${file}\n`);
  await writeFeeLines(file, lines);
}
process.stderr.write(`input: ${(statSync(file).size / 1e6).toFixed(0)} MB\n`);

function runSide(side: 'fundwatch' | 'duckdb'): { seconds: number; rows: number; maxRssMb: number } {
  const db = path.join(outDir, `bench-${side}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'bench', 'ingest-side.ts'), side, file, db], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FUNDWATCH_PII_KEY: 'bench-key' },
  });
  if (!values.keep) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  }
  return JSON.parse(out) as { seconds: number; rows: number; maxRssMb: number };
}

const base = runSide('duckdb');
const fw = runSide('fundwatch');
const rate = (r: { seconds: number; rows: number }) => r.rows / r.seconds;
const nf = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `bench/ingest  ${nf(lines)} fee lines, messages of 20 lines, ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores`,
);
console.log(
  `  baseline duckdb read_json+unnest : ${nf(rate(base))} lines/s  (${base.seconds.toFixed(2)} s, ${nf(base.rows)} rows, peak RSS ${nf(base.maxRssMb)} MB)`,
);
console.log(
  `  fundwatch replay ingest          : ${nf(rate(fw))} lines/s  (${fw.seconds.toFixed(2)} s, ${nf(fw.rows)} rows, peak RSS ${nf(fw.maxRssMb)} MB)`,
);
console.log(`  ratio fundwatch / duckdb         : ${(rate(fw) / rate(base)).toFixed(2)}`);
console.log(`  target                           : ≥ 150,000 lines/s, ratio ≥ 0.5`);
