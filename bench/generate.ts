/**
 * bench/generate: the synthetic city generator at a scale (default `city`: ≥ 10 million fee lines
 * over 30 days, target ≤ 5 minutes on 2 cores with bounded memory), against a baseline measured in
 * the same run: writing the same number of bytes of pre-built NDJSON lines (taken from the
 * generator's own output) through the same writer, so the figure separates "making the city" from
 * "compressing and writing that much text". Each side runs in its own process, so each peak RSS is
 * its own.
 *
 *   npx tsx bench/generate.ts [--scale city] [--seed 1] [--days 30] [--no-gzip] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../core/config.js';
import { dirWriter, generate, SCALES, type ScaleName } from '../generator/index.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'city' },
    seed: { type: 'string', default: '1' },
    days: { type: 'string' },
    'no-gzip': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    side: { type: 'string' },
    out: { type: 'string' },
    bytes: { type: 'string' },
  },
});

const scale = values.scale as ScaleName;
if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
const gzip = !values['no-gzip'];
const outDir = values.out ?? path.join(PACKAGE_ROOT, 'bench', 'out', `generate-${scale}`);
const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface SideResult {
  readonly seconds: number;
  readonly feeLines: number;
  readonly messages: number;
  readonly messageBytes: number;
  readonly maxRssMb: number;
}

/** The generator itself: a fresh output directory, streamed to disk. */
async function generatorSide(): Promise<SideResult> {
  rmSync(outDir, { recursive: true, force: true });
  const started = performance.now();
  const s = await generate(
    { seed: Number(values.seed), scale, gzip, ...(values.days ? { days: Number(values.days) } : {}) },
    dirWriter(outDir, { gzip }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    feeLines: s.stats.feeLines,
    messages: s.stats.messages,
    messageBytes: s.messageBytes,
    maxRssMb: maxRssMb(),
  };
}

/** Pre-built lines (the generator's first full day) written until `bytes`, day files of the same size as the generator's. */
async function baselineSide(): Promise<SideResult> {
  const bytes = Number(values.bytes);
  const files = readdirSync(path.join(outDir, 'messages')).sort();
  const name = files[Math.floor(files.length / 2)] as string;
  const raw = readFileSync(path.join(outDir, 'messages', name));
  const lines = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n').filter(Boolean).slice(0, 50_000);
  const chunks: string[][] = [];
  for (let i = 0; i < lines.length; i += 256) chunks.push(lines.slice(i, i + 256));
  const perDay = bytes / files.length;
  const target = path.join(outDir, '..', `baseline-${scale}`);
  rmSync(target, { recursive: true, force: true });
  const writer = dirWriter(target, { gzip });
  const started = performance.now();
  let written = 0;
  let day = 0;
  let dayBytes = 0;
  let k = 0;
  while (written < bytes) {
    const chunk = chunks[k++ % chunks.length] as string[];
    const size = chunk.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
    await writer.messages(`baseline-${String(day).padStart(3, '0')}`, chunk);
    written += size;
    dayBytes += size;
    if (dayBytes >= perDay) {
      day++;
      dayBytes = 0;
    }
  }
  await writer.close();
  const seconds = (performance.now() - started) / 1000;
  if (!values.keep) rmSync(target, { recursive: true, force: true });
  return { seconds, feeLines: 0, messages: 0, messageBytes: written, maxRssMb: maxRssMb() };
}

function runSide(side: 'generator' | 'baseline', extra: string[] = []): SideResult {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--side',
      side,
      '--scale',
      scale,
      '--seed',
      String(values.seed),
      '--out',
      outDir,
      ...(gzip ? [] : ['--no-gzip']),
      ...(values.days ? ['--days', values.days] : []),
      ...extra,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as SideResult;
}

if (values.side) {
  const r = values.side === 'generator' ? await generatorSide() : await baselineSide();
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  process.stderr.write(`generating ${scale} (seed ${values.seed}) → ${outDir}\n`);
  const gen = runSide('generator');
  const base = runSide('baseline', ['--bytes', String(gen.messageBytes)]);
  if (!values.keep) rmSync(outDir, { recursive: true, force: true });
  const nf = (n: number) => Math.round(n).toLocaleString('en-US');
  const mb = (b: number) => `${nf(b / 1e6)} MB`;
  console.log(
    `bench/generate  scale ${scale}, ${nf(gen.feeLines)} fee lines, ${nf(gen.messages)} messages, ${mb(gen.messageBytes)} NDJSON${gzip ? ' (gzip level 1)' : ''}, ${process.platform} ${process.arch}, ${cpus().length} cores`,
  );
  console.log(
    `  generator                     : ${gen.seconds.toFixed(1)} s, ${nf(gen.feeLines / gen.seconds)} fee lines/s, ${mb(gen.messageBytes / gen.seconds)}/s, peak RSS ${nf(gen.maxRssMb)} MB`,
  );
  console.log(
    `  baseline: write the same bytes: ${base.seconds.toFixed(1)} s, ${mb(base.messageBytes / base.seconds)}/s, peak RSS ${nf(base.maxRssMb)} MB`,
  );
  console.log(`  ratio generator / baseline    : ${(gen.seconds / base.seconds).toFixed(2)}× the time of writing its output`);
  if (scale === 'city') console.log(`  target                        : ≥ 10,000,000 fee lines in ≤ 300 s, memory bounded`);
}
