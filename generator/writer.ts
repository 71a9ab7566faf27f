import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { FundwatchError } from '../core/errors.js';

/**
 * Where generated files go. The generator hands over reference CSV lines, NDJSON lines per day
 * (dates never go backwards, so one day file is open at a time) and the labels; a writer decides
 * how they are stored. `dirWriter` streams to disk with back-pressure (bounded memory at any
 * scale); `memoryWriter` keeps everything (tests at tiny scale).
 */
export interface GeneratorWriter {
  /** Appends lines to a reference CSV (`institutions.csv` …); the first call's first line is the header. */
  reference(file: string, lines: readonly string[]): Promise<void>;
  /**
   * Appends NDJSON lines to the file of `date` (`yyyy-MM-dd`), or to the file of that date in the
   * sub-directory `folder` (`T1`: re-uploads whose envelope does not say T1, contract §8).
   */
  messages(date: string, lines: readonly string[], folder?: MessageFolder): Promise<void>;
  /** A JSON document at the top of the output (`labels.json`, `manifest.json`). */
  document(file: string, json: string): Promise<void>;
  /** Flushes and closes; the relative paths written and the uncompressed bytes of messages. */
  close(): Promise<{ readonly files: readonly string[]; readonly messageBytes: number }>;
}

/** Sub-directories of `messages/`: `T1` holds the T1 re-uploads of senders that omit `upload_mode`. */
export type MessageFolder = 'T1';

/**
 * Bytes a stream may hold before the generator waits. Large enough that generating the next chunk
 * overlaps compressing and writing the previous ones (with the default 16 KiB every chunk waited
 * for its own compression, measured as a good part of the run idle; see bench/README.md), small
 * enough to bound memory.
 */
const BUFFER = 32 * 1024 * 1024;

interface OpenFile {
  readonly name: string;
  readonly file: WriteStream;
  readonly gzip?: Gzip;
  /** Rejects when the file fails (disk full …), so no wait for 'drain' or 'close' hangs. */
  readonly failed: Promise<never>;
}

async function write(f: OpenFile, text: string): Promise<void> {
  const stream = (f.gzip ?? f.file) as NodeJS.WritableStream;
  if (!stream.write(text)) await Promise.race([once(stream, 'drain'), f.failed]);
}

async function finish(f: OpenFile): Promise<void> {
  const done = once(f.file, 'close');
  if (f.gzip) f.gzip.end();
  else f.file.end();
  await Promise.race([done, f.failed]);
}

/** The day files of one directory of messages: the open one, and the previous one finishing. */
interface Lane {
  day: OpenFile | undefined;
  closing: Promise<void>;
}

/**
 * Writes `<dir>/reference/*.csv`, `<dir>/messages/<date>.ndjson[.gz]` (and `<dir>/messages/T1/…`
 * when there are such messages) and documents at `<dir>/`. gzip uses level 1: compression runs on
 * libuv's thread pool beside the generating thread.
 */
export function dirWriter(dir: string, options: { gzip: boolean }): GeneratorWriter {
  mkdirSync(path.join(dir, 'reference'), { recursive: true });
  mkdirSync(path.join(dir, 'messages'), { recursive: true });
  const files: string[] = [];
  let ref: OpenFile | undefined;
  // In each directory the previous day's file finishes (compresses its tail) while the next day is
  // generated; at most one per directory is finishing at a time, so memory stays bounded.
  const lanes = new Map<string, Lane>();
  let messageBytes = 0;
  const open = (rel: string, gzip: boolean): OpenFile => {
    files.push(rel);
    const file = createWriteStream(path.join(dir, rel), { highWaterMark: BUFFER });
    const failed = new Promise<never>((_, reject) => file.once('error', reject));
    // Observed here so an error before anyone awaits `failed` is not an unhandled rejection; every
    // write and the close race against `failed`, which is where the error surfaces.
    failed.catch(() => undefined);
    if (!gzip) return { name: rel, file, failed };
    // zlib streams are Transforms and take stream options; @types/node's ZlibOptions leaves them out.
    const z = createGzip({ level: 1, highWaterMark: BUFFER } as ZlibOptions);
    z.pipe(file);
    return { name: rel, file, gzip: z, failed };
  };
  const guard = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new FundwatchError('io', `写入 ${what} 失败: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    reference: (name, lines) =>
      guard(name, async () => {
        const rel = path.join('reference', name);
        if (ref?.name !== rel) {
          if (ref) await finish(ref);
          ref = open(rel, false);
        }
        await write(ref, `${lines.join('\n')}\n`);
      }),
    messages: (date, lines, folder) =>
      guard(date, async () => {
        const sub = folder ?? '';
        let lane = lanes.get(sub);
        if (!lane) {
          if (folder) mkdirSync(path.join(dir, 'messages', folder), { recursive: true });
          lanes.set(sub, (lane = { day: undefined, closing: Promise.resolve() }));
        }
        const rel = path.join('messages', sub, `${date}.ndjson${options.gzip ? '.gz' : ''}`);
        if (lane.day?.name !== rel) {
          await lane.closing;
          if (lane.day) {
            lane.closing = finish(lane.day);
            lane.closing.catch(() => undefined); // handled when awaited at the next boundary or at close
          }
          lane.day = open(rel, options.gzip);
        }
        const text = `${lines.join('\n')}\n`;
        messageBytes += Buffer.byteLength(text);
        await write(lane.day, text);
      }),
    document: (name, json) =>
      guard(name, async () => {
        const f = open(name, false);
        await write(f, json);
        await finish(f);
      }),
    close: () =>
      guard('输出目录', async () => {
        for (const lane of lanes.values()) {
          await lane.closing;
          if (lane.day) await finish(lane.day);
          lane.day = undefined;
        }
        if (ref) await finish(ref);
        ref = undefined;
        return { files: [...files].sort(), messageBytes };
      }),
  };
}

/** Keeps every file in memory as text (for tests at tiny scale). */
export function memoryWriter(): GeneratorWriter & { readonly files: Map<string, string[]> } {
  const files = new Map<string, string[]>();
  let messageBytes = 0;
  const append = (name: string, lines: readonly string[]) => {
    const list = files.get(name) ?? [];
    list.push(...lines);
    files.set(name, list);
  };
  return {
    files,
    reference: async (name, lines) => append(path.posix.join('reference', name), lines),
    messages: async (date, lines, folder) => {
      for (const l of lines) messageBytes += Buffer.byteLength(l) + 1;
      append(path.posix.join('messages', folder ?? '', `${date}.ndjson`), lines);
    },
    document: async (name, json) => {
      files.set(name, [json]);
    },
    close: async () => ({ files: [...files.keys()].sort(), messageBytes }),
  };
}
