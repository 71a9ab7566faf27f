/**
 * bench/detectors: every statistical detector over a generated city (≥ 10 million fee lines):
 * seconds per detector and in total, peak RSS (target: ≤ 60 s, ≤ 4 GB). In the same run, the
 * baseline: the same metrics computed by one plain SQL GROUP BY per metric, nothing compared or
 * written, to show what the statistics cost on top. Each side runs in its own process; the sides
 * alternate `--runs` times (default 2), because this machine's figures vary by 10–20 %.
 *
 *   npm run bench:detectors [-- --runs 3] [-- --seed 1]
 *
 * The city is shared with bench:rules (bench/out/, prepared once).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../core/config.js';
import { CITY_DB, prepareCity } from './city.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, seed: { type: 'string', default: '1' } } });
prepareCity(values.seed);

interface Side {
  readonly side: string;
  readonly seconds: number;
  readonly hits: number;
  readonly parts: Record<string, number>;
  readonly maxRssMb: number;
}

const run = (side: string): Side =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(PACKAGE_ROOT, 'bench', 'detectors-side.ts'),
        side,
        CITY_DB,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, FUNDWATCH_LOG_LEVEL: 'warn' },
      },
    ),
  ) as Side;

const f = (x: number) => x.toFixed(1);
const out: Side[] = [];
console.log(`bench/detectors  city ${CITY_DB}, ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (shared: figures are noisy)`);
for (let i = 0; i < Number(values.runs); i++)
  for (const side of ['baseline', 'detectors']) {
    const s = run(side);
    out.push(s);
    console.log(
      `  run ${i + 1} ${side.padEnd(9)} ${f(s.seconds).padStart(6)} s  peak RSS ${Math.round(s.maxRssMb).toLocaleString('en-US')} MB${side === 'detectors' ? `  ${s.hits.toLocaleString('en-US')} hits` : ''}`,
    );
  }
const last = out.filter((s) => s.side === 'detectors').at(-1) as Side;
console.log('\n  detectors, last run:');
for (const [k, v] of Object.entries(last.parts).sort((a, b) => b[1] - a[1])) console.log(`    ${k.padEnd(44)} ${f(v).padStart(6)} s`);
const base = out.filter((s) => s.side === 'baseline').at(-1) as Side;
console.log('\n  baseline (one plain GROUP BY per metric), last run:');
for (const [k, v] of Object.entries(base.parts)) console.log(`    ${k.padEnd(52)} ${f(v).padStart(6)} s`);
const range = (side: string) => {
  const xs = out.filter((s) => s.side === side).map((s) => s.seconds);
  return `${f(Math.min(...xs))}–${f(Math.max(...xs))} s`;
};
const ratios = out
  .filter((s) => s.side === 'detectors')
  .map((d, i) => d.seconds / (out.filter((s) => s.side === 'baseline')[i] as Side).seconds);
console.log(
  `\n  detectors ${range('detectors')} (target ≤ 60 s), baseline ${range('baseline')}; detectors / baseline, same run: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}`,
);
console.log(
  `  peak RSS of the detectors' process: ${Math.round(Math.max(...out.filter((s) => s.side === 'detectors').map((s) => s.maxRssMb))).toLocaleString('en-US')} MB (target ≤ 4,096 MB)`,
);
