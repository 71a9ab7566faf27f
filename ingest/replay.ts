import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FundwatchError } from '../core/errors.js';
import type { Store } from '../store/open.js';
import { logger } from '../core/logger.js';
import type { AliasEntry } from '../contract/aliases.js';
import type { Decoded, UploadMode } from './decode.js';
import { createDecodePool, defaultDecodeWorkers } from './decode-pool.js';
import { addBatch, emptyTotals, Lander, type BatchResult, type IngestTotals, type Position } from './land.js';
import { readLines, type RawLine } from './lines.js';

export interface ReplayOptions {
  readonly piiKey: string;
  /**
   * Rows per batch (one transaction); a batch also ends at the end of a file. Above DuckDB's row
   * group size (122,880) a batch is written straight to the file compressed instead of through the
   * WAL and again at checkpoint (measured: commits many times cheaper, and 500,000 beat 250,000 by
   * leaving less to the final checkpoint; see bench/README.md).
   */
  readonly batchRows?: number;
  /** Decode worker threads; default: none for small inputs, else one per core (at most 4). */
  readonly workers?: number;
  /**
   * The upload mode of messages whose envelope has none (contract §8). Default: T1 for a file under
   * a directory named `T1`, else T0.
   */
  readonly uploadMode?: UploadMode;
  /** Provincial field names in force (default: the contract's). */
  readonly aliases?: readonly AliasEntry[];
  readonly onProgress?: (p: ReplayProgress) => void;
}

export interface ReplayProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  /** Messages decoded so far. */
  readonly messages: number;
  /** Rows landed and committed so far. */
  readonly rows: number;
  /** Messages rejected so far. */
  readonly rejected: number;
}

export interface ReplaySummary extends Readonly<IngestTotals> {
  readonly runId: string;
  readonly files: number;
  readonly seconds: number;
}

const log = logger('ingest.replay');

/** Below this much input, decoding inline beats starting worker threads. */
const WORKER_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** Messages per decode job. */
const CHUNK = 256;

/**
 * The mode a file's messages default to (contract §8): the configured one, else T1 for a file in a
 * directory named `T1` (its own directory only: a city generated under `/data/T1/city` is not all T1).
 */
export function uploadModeOf(file: string, configured?: UploadMode): UploadMode {
  if (configured) return configured;
  return path.basename(path.dirname(path.resolve(file))) === 'T1' ? 'T1' : 'T0';
}

/** `.ndjson` / `.ndjson.gz` files of a path: the file itself, or a directory's files (recursively) in name order. */
export function replayFiles(target: string): string[] {
  let st;
  try {
    st = statSync(target);
  } catch (err) {
    throw new FundwatchError('io', `找不到输入: ${target}`, { cause: err });
  }
  if (st.isFile()) return [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ndjson(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(target);
  return out;
}

/**
 * Replays NDJSON files into the store. Three stages overlap: reading and splitting lines (main
 * thread), decoding (worker threads), landing (DuckDB, one batch in flight while the next fills).
 * Memory stays bounded: a few decode chunks in flight, one batch filling, one landing.
 */
export async function replay(store: Pick<Store, 'connect'>, files: readonly string[], options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const runId = randomUUID();
  const batchRows = options.batchRows ?? 500_000;
  const bytesTotal = files.reduce((s, f) => s + statSync(f).size, 0);
  const workers = options.workers ?? (bytesTotal >= WORKER_THRESHOLD_BYTES ? defaultDecodeWorkers() : 0);
  const pool = createDecodePool(options.piiKey, workers, options.aliases ? { aliases: options.aliases } : {});
  const conn = await store.connect();
  const stagingConn = await store.connect();
  const lander = await Lander.create(conn, stagingConn);
  const totals = emptyTotals();
  let bytesRead = 0;
  const seen = { messages: 0, rejected: 0 };
  let landing: Promise<BatchResult> | undefined;
  const progress = () =>
    options.onProgress?.({ bytesRead, bytesTotal, messages: seen.messages, rows: totals.rowsLanded, rejected: seen.rejected });

  const settle = async () => {
    if (!landing) return;
    const r = await landing;
    landing = undefined;
    addBatch(totals, r);
    log.debug({ batch: r.batchId, rows: r.rowsLanded, rejected: r.rejected }, 'batch landed');
    progress();
  };

  try {
    for (const file of files) {
      const source = { kind: 'file' as const, source: file, partition: null };
      const mode = uploadModeOf(file, options.uploadMode);
      let rows = 0;
      let first: number | null = null;
      let last: number | null = null;
      let startedAt = new Date();
      const flush = async () => {
        if (lander.empty) return;
        // The previous batch must have landed: its slot is the one that fills next.
        await settle();
        const slot = await lander.seal();
        landing = lander.land({ runId, source, startedAt, firstOffset: first, lastOffset: last }, slot);
        rows = 0;
        first = null;
        startedAt = new Date();
      };
      const take = async (chunk: { lines: RawLine[]; decoded: Promise<Decoded[]> }) => {
        const decoded = await chunk.decoded;
        for (let i = 0; i < decoded.length; i++) {
          const d = decoded[i] as Decoded;
          const l = chunk.lines[i] as RawLine;
          const pos: Position = { offset: l.offset, line: l.line };
          first ??= l.offset;
          last = l.offset;
          seen.messages++;
          if (d.ok) {
            lander.addMessage(d.message, pos, source);
            rows += d.message.rows.length;
          } else {
            seen.rejected++;
            lander.addRejection(d.rejection, pos, source);
          }
          // The batch ends as soon as it holds batchRows rows, not at the end of a decode chunk.
          if (rows >= batchRows) await flush();
        }
        progress();
      };
      const inFlight: { lines: RawLine[]; decoded: Promise<Decoded[]> }[] = [];
      let lines: RawLine[] = [];
      const submit = async () => {
        inFlight.push({
          lines,
          decoded: pool.decode(
            lines.map((l) => l.bytes),
            mode,
          ),
        });
        lines = [];
        while (inFlight.length > Math.max(2, workers * 2)) await take(inFlight.shift() as (typeof inFlight)[number]);
      };
      for await (const l of readLines(file, (n) => (bytesRead += n))) {
        lines.push(l);
        if (lines.length >= CHUNK) await submit();
      }
      if (lines.length) await submit();
      while (inFlight.length) await take(inFlight.shift() as (typeof inFlight)[number]);
      await flush();
    }
    await settle();
  } finally {
    await pool.close();
    // Only reached with a batch still landing when something else failed: that failure is the one
    // thrown; the landing is awaited so the lander is not closed under it.
    await landing?.catch(() => undefined);
    await lander.close();
    stagingConn.closeSync();
    conn.closeSync();
  }
  return { runId, files: files.length, ...totals, seconds: (performance.now() - started) / 1000 };
}
