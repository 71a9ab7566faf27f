import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FundwatchError } from '../core/errors.js';
import { aliasTable, SHIPPED_ALIASES, type AliasEntry } from '../contract/aliases.js';
import { decodeMessage, type Decoded, type UploadMode } from './decode.js';

/**
 * Decodes message chunks on worker threads (measured: the main thread otherwise spends most of a
 * replay parsing JSON while DuckDB waits). Results come back in submission order. With zero
 * workers it decodes inline, which is cheaper for small inputs.
 */
export interface DecodePool {
  /** `uploadMode`: the mode of the messages' source, for envelopes without one (contract §8; default T0). */
  decode(messages: readonly Buffer[], uploadMode?: UploadMode): Promise<Decoded[]>;
  close(): Promise<void>;
}

/** What every decode of a pool shares: the personal-data key and the aliases in force (the contract's, plus configured ones). */
export interface PoolOptions {
  readonly aliases?: readonly AliasEntry[];
}

/**
 * One worker per core, at most 4. Measured on 2 cores (bench/ingest): 2 workers beat 1 even though
 * they share the cores with DuckDB and the main thread, because decoding is the larger share of work.
 */
export function defaultDecodeWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The worker is TypeScript: a worker thread does not inherit the parent's tsx loader, so it
 * registers tsx itself before importing the worker module.
 */
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((m) => { m.register(); return import(${JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href)}); })`;

export function createDecodePool(piiKey: string, workers: number, options: PoolOptions = {}): DecodePool {
  const entries = options.aliases ?? SHIPPED_ALIASES;
  if (workers <= 0) {
    const aliases = aliasTable(entries);
    return {
      decode: async (messages, uploadMode) =>
        messages.map((m) => decodeMessage(m, piiKey, { aliases, ...(uploadMode ? { uploadMode } : {}) })),
      close: async () => undefined,
    };
  }
  const pool = Array.from(
    { length: workers },
    () =>
      new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { piiKey, aliases: entries },
        // Decoding makes many short-lived objects; a larger young generation cuts GC time (measured, see bench/README.md).
        resourceLimits: { maxYoungGenerationSizeMb: 64 },
      }),
  );
  const waiting = new Map<number, { resolve: (d: Decoded[]) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let failure: unknown;
  for (const w of pool) {
    w.on('message', (msg: { id: number; out: Decoded[] }) => {
      const wait = waiting.get(msg.id);
      waiting.delete(msg.id);
      // Buffers cross the thread boundary as plain Uint8Arrays.
      for (const d of msg.out) if (!d.ok) (d.rejection as { raw: Buffer }).raw = Buffer.from(d.rejection.raw);
      wait?.resolve(msg.out);
    });
    w.on('error', (err) => {
      failure = err;
      for (const wait of waiting.values()) wait.reject(new FundwatchError('invariant', 'decode worker failed', { cause: err }));
      waiting.clear();
    });
  }
  return {
    decode(messages, uploadMode) {
      if (failure) return Promise.reject(new FundwatchError('invariant', 'decode worker failed', { cause: failure }));
      const id = nextId++;
      // Its own memory (not Node's shared small-buffer pool), since it is transferred to the worker.
      const buf = Buffer.allocUnsafeSlow(messages.reduce((n, m) => n + m.length, 0));
      let at = 0;
      for (const m of messages) at += m.copy(buf, at);
      const worker = pool[id % pool.length] as Worker;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, buf, lengths: messages.map((m) => m.length), uploadMode }, [buf.buffer]);
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
