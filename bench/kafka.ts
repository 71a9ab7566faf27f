/**
 * bench/kafka: the first 1,000,000 fee lines of a generated city (with the visits, settlements and
 * 进销存 messages between them, as the platform would publish them) produced to a real broker, then
 * consumed into a fresh DuckDB file end to end (fetch, decode, land, offsets, final checkpoint).
 * Baseline, measured in the same run on the same bytes: replay ingest of the same NDJSON file. Each
 * side runs in its own process so that each peak RSS is its own.
 *
 *   npm run bench:kafka [-- --fee-lines 1000000] [-- --brokers host:port] [-- --fee-only]
 *
 * Without --brokers it starts the test broker (kafka/broker, Java + Maven) on a free port.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../core/config.js';
import { dirWriter, generate } from '../generator/index.js';
import { readLines } from '../ingest/lines.js';
import { replayFiles } from '../ingest/replay.js';
import { resolveKafkaSettings } from '../kafka/config.js';
import { produceFiles } from '../kafka/produce.js';
import { startBroker, type Broker } from '../test/support/kafka-broker.js';

const { values } = parseArgs({
  options: {
    'fee-lines': { type: 'string', default: '1000000' },
    brokers: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Only the fee-line messages (2204, 2301: the hi.fee topic), not the visits, settlements and 进销存 between them.
    'fee-only': { type: 'boolean', default: false },
  },
});
const feeTarget = Number(values['fee-lines']);
const outDir = path.join(PACKAGE_ROOT, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const nf = (n: number) => Math.round(n).toLocaleString('en-US');

/** Fee lines in a message: one `feedetl_sn` each. */
const feeLinesOf = (bytes: Buffer) => bytes.toString('utf8').split('"feedetl_sn"').length - 1;
const FEE = /"infno"\s*:\s*"(2204|2301)"/;

/** The first `feeTarget` fee lines of a city (three days of one are enough for a million), in stream order. */
async function cityPrefix(): Promise<{ file: string; messages: number; feeLines: number }> {
  const feeOnly = values['fee-only'] === true;
  const file = path.join(outDir, `kafka-city-${feeOnly ? 'fee-' : ''}${feeTarget}.ndjson`);
  const cityDir = path.join(outDir, 'city-3d');
  if (!existsSync(path.join(cityDir, 'manifest.json'))) {
    process.stderr.write(`generating 3 days of a city → ${cityDir}\n`);
    await generate({ seed: 20260101, scale: 'city', days: 3 }, dirWriter(cityDir, { gzip: true }));
  }
  const files = replayFiles(path.join(cityDir, 'messages'));
  let messages = 0;
  let feeLines = 0;
  if (!existsSync(file)) {
    const out = createWriteStream(file);
    outer: for (const f of files)
      for await (const l of readLines(f)) {
        if (feeOnly && !FEE.test(l.bytes.toString('utf8', 0, 64))) continue;
        if (!out.write(Buffer.concat([l.bytes, Buffer.from('\n')]))) await new Promise<void>((r) => out.once('drain', () => r()));
        messages++;
        feeLines += feeLinesOf(l.bytes);
        if (feeLines >= feeTarget) break outer;
      }
    await new Promise<void>((r) => out.end(() => r()));
  } else
    for await (const l of readLines(file)) {
      messages++;
      feeLines += feeLinesOf(l.bytes);
    }
  return { file, messages, feeLines };
}

interface Side {
  seconds: number;
  rows: number;
  maxRssMb: number;
  landedSeconds?: number;
  batches?: number;
}

function side(script: string, args: string[]): Side {
  const out = execFileSync(
    process.execPath,
    [
      ...(process.env['FW_PROF'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['FW_PROF']] : []),
      '--import',
      'tsx',
      path.join(PACKAGE_ROOT, 'bench', script),
      ...args,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FUNDWATCH_PII_KEY: 'bench-key' },
    },
  );
  return JSON.parse(out) as Side;
}

/**
 * Lets the disk settle before a side is timed: the broker has just written the produced log
 * segments (and the previous side its database), and the kernel writing those back competed with
 * the measured side's commits, replay's most of all (bench/README.md, Kafka).
 */
function settle(): void {
  execFileSync('sync');
}

function freshDb(name: string): string {
  const db = path.join(outDir, name);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  return db;
}

const data = await cityPrefix();
process.stderr.write(
  `input: ${nf(data.messages)} messages, ${nf(data.feeLines)} fee lines, ${(statSync(data.file).size / 1e6).toFixed(0)} MB\n`,
);

let broker: Broker | undefined;
const bootstrap = values.brokers ?? (broker = await startBroker()).bootstrap;
try {
  const settings = resolveKafkaSettings({ brokers: bootstrap, topicPrefix: `bench-${randomUUID().slice(0, 8)}.` });
  const produced = await produceFiles(settings, [data.file], { partitions: 4 });

  const replayDb = freshDb('bench-kafka-replay.duckdb');
  settle();
  const base = side('ingest-side.ts', ['fundwatch', data.file, replayDb]);
  const kafkaDb = freshDb('bench-kafka-consume.duckdb');
  settle();
  const fw = side('kafka-side.ts', [bootstrap, settings.topicPrefix, kafkaDb, String(base.rows)]);
  if (!values.keep) for (const db of [replayDb, kafkaDb]) freshDb(path.basename(db));

  const rate = (s: Side) => data.feeLines / s.seconds;
  console.log(
    `bench/kafka  ${nf(data.feeLines)} fee lines of a generated city (${nf(data.messages)} ${values['fee-only'] ? 'fee-line messages only' : 'messages of every kind'}), ${process.platform} ${process.arch}, ${cpus().length} cores`,
  );
  console.log(
    `  produce (kafkajs, acks=all)        : ${nf(produced.messages / produced.seconds)} messages/s (${produced.seconds.toFixed(2)} s, ${(produced.bytes / 1e6).toFixed(0)} MB)`,
  );
  console.log(
    `  baseline replay ingest (same file) : ${nf(rate(base))} fee lines/s  (${base.seconds.toFixed(2)} s, ${nf(base.rows)} rows, peak RSS ${nf(base.maxRssMb)} MB)`,
  );
  console.log(
    `  fundwatch ingest --kafka           : ${nf(rate(fw))} fee lines/s  (${fw.seconds.toFixed(2)} s end to end; all landed at ${fw.landedSeconds?.toFixed(2)} s; ${fw.batches} transactions, ${nf(fw.rows)} rows, peak RSS ${nf(fw.maxRssMb)} MB)`,
  );
  console.log(`  ratio kafka / replay               : ${(rate(fw) / rate(base)).toFixed(2)}`);
  console.log(`  target                             : ≥ 100,000 fee lines/s (stretch 150,000)`);
  if (fw.rows !== base.rows) {
    console.error(`rows differ: kafka ${fw.rows}, replay ${base.rows}`);
    process.exitCode = 1;
  }
} finally {
  await broker?.close();
}
