import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { logger } from '../core/logger.js';
import type { DecodePool } from '../ingest/decode-pool.js';
import { Lander, type BatchResult, type IngestTotals } from '../ingest/land.js';
import type { Store } from '../store/open.js';
import { Batcher, readStoredOffsets } from './batcher.js';
import { consumedTopics, dlqTopic, type KafkaSettings } from './config.js';
import { Intake } from './intake.js';
import { Members } from './members.js';
import { PartitionOffsets, splitTpKey, tpKey, type PartitionOffset } from './offsets.js';
import { Progress, type ConsumeProgress } from './progress.js';
import { RunState } from './run-state.js';
import { ensureTopics, watermarks } from './topics.js';

export type { ConsumeProgress } from './progress.js';

/**
 * Kafka ingest: the platform topics → the same Lander as replay ingest (one code path after
 * decoding), with exactly-once effect in DuckDB. This file wires the parts, each in its own file:
 * the offset tracker (offsets.ts), the group members (members.ts), the intake from fetch to stage
 * (intake.ts), the batch and its landing (batcher.ts) and the progress reports (progress.ts).
 *
 * - Offsets live in DuckDB (table kafka_offset), written in the transaction that lands the rows
 *   they carry. On every partition assignment a member seeks to the offset DuckDB holds (or to the
 *   partition's start when it holds none); Kafka's committed offsets are only a mirror, written
 *   after DuckDB commits, so they never run ahead of it. A message below the offset already landed
 *   or staged is skipped, so a crash at any instant neither loses nor repeats a message.
 * - Many Kafka fetches go into one DuckDB transaction (up to `batchRows` rows, or whatever has
 *   arrived once the stream pauses).
 * - Backpressure: at most 64 MB of fetched messages decoding or waiting, plus two staged batches.
 * - A rejected message goes to the rejected table and to the dead-letter topic (reason in headers)
 *   before its batch commits, so the dead-letter topic is at-least-once; the partition goes on.
 * - Members of the group in one process share the DuckDB instance and one lander (DuckDB admits
 *   one writing process per file).
 */
export interface ConsumeOptions {
  /** Consumers of the group in this process (default 1). */
  readonly members?: number;
  /**
   * Rows per DuckDB transaction (default 500,000, as replay): above DuckDB's row group size a batch
   * is written straight to the file, which shortens the final checkpoint (bench/README.md).
   */
  readonly batchRows?: number;
  /** Land what has arrived once the oldest staged message waited this long (default 5,000 ms). */
  readonly maxBatchWaitMs?: number;
  /** …or once nothing new arrived for this long (default 250 ms). */
  readonly idleFlushMs?: number;
  /** Stop once every assigned partition had zero lag (landed) for this many seconds, counted from the first assignment. */
  readonly untilIdleSeconds?: number;
  /** Group session timeout (default 30,000 ms; tests use a short one so the group settles quickly). */
  readonly sessionTimeoutMs?: number;
  /** Partitions for topics that have to be created (default 4). */
  readonly partitions?: number;
  /** Progress callback, every `progressEveryMs` (default 5,000). */
  readonly onProgress?: (p: ConsumeProgress) => void;
  readonly progressEveryMs?: number;
  /** Called after each batch has committed (rows and offsets), with the number of batches so far. */
  readonly onBatch?: (r: BatchResult, batches: number, ingest: KafkaIngest) => void;
}

/** What an ingest is given rather than builds: the entry point (CLI, bench, test) makes and owns these. */
export interface ConsumeDeps {
  /**
   * Where the admin (topics, watermarks), the dead-letter producer and each member's consumer come
   * from: a kafkajs client (`kafkaClient(settings)`), or a caller's wrapper of one that keeps the
   * consumers it makes (a caller may disconnect one, as a member that dies: see members.ts).
   */
  readonly kafka: Pick<Kafka, 'admin' | 'producer' | 'consumer'>;
  /** Decodes the messages; the caller closes it once `done` has settled. */
  readonly pool: DecodePool;
}

export interface ConsumeSummary extends Readonly<IngestTotals> {
  readonly runId: string;
  /** Messages delivered below the offset already landed or staged, and skipped. */
  readonly skipped: number;
  readonly deadLettered: number;
  readonly seconds: number;
  readonly stopReason: 'idle' | 'stopped';
}

/** What start() opens besides the consumers; closed by release(). */
interface Opened {
  readonly admin: Admin;
  readonly producer: Producer;
  readonly lander: Lander | undefined;
  readonly conns: readonly DuckDBConnection[];
}

const log = logger('kafka.consume');

export class KafkaIngest {
  readonly runId = randomUUID();
  /** Resolves with the summary once stopped (idle, stop()), rejects on a fatal error. */
  readonly done: Promise<ConsumeSummary>;
  private resolveDone!: (s: ConsumeSummary) => void;
  private rejectDone!: (e: unknown) => void;

  private readonly started = performance.now();
  // The failure reaches the caller through `done`, which stop() settles.
  private readonly run = new RunState(() => {
    this.stop().catch(() => undefined);
  });
  private readonly members: Members;
  private readonly intake: Intake;
  private readonly batcher: Batcher;
  private readonly progress: Progress;
  /** The flush and progress intervals, cleared on shutdown. */
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping: Promise<ConsumeSummary> | undefined;

  private constructor(
    settings: KafkaSettings,
    private readonly options: ConsumeOptions,
    deps: ConsumeDeps,
    private readonly opened: Opened & { readonly lander: Lander },
    private readonly offsets: PartitionOffsets,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.done.catch(() => undefined);
    this.batcher = new Batcher(opened.lander, opened.producer, offsets, this.run, {
      runId: this.runId,
      groupId: settings.groupId,
      dlqTopic: dlqTopic(settings.topicPrefix),
      batchRows: options.batchRows ?? 500_000,
      maxBatchWaitMs: options.maxBatchWaitMs ?? 5000,
      idleFlushMs: options.idleFlushMs ?? 250,
      onLanded: (r, landed) => this.landed(r, landed),
    });
    this.intake = new Intake(offsets, deps.pool, this.batcher, this.run, settings.topicModes);
    this.members = new Members(
      (config) => deps.kafka.consumer(config),
      { groupId: settings.groupId, topics: consumedTopics(settings), sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000 },
      offsets,
      this.run,
      this.intake.eachBatch,
    );
    this.progress = new Progress(opened.admin, offsets, this.members, this.intake, this.batcher, this.run, {
      untilIdleSeconds: options.untilIdleSeconds,
      progressEveryMs: options.progressEveryMs ?? 5000,
      onProgress: options.onProgress,
      // A failure while stopping reaches the caller through `done`.
      onIdle: () => {
        this.stop('idle').catch(() => undefined);
      },
    });
  }

  /** Connects, loads the offsets DuckDB holds, joins the group and starts consuming. */
  static async start(
    store: Pick<Store, 'connect'>,
    settings: KafkaSettings,
    options: ConsumeOptions,
    deps: ConsumeDeps,
  ): Promise<KafkaIngest> {
    const topics = consumedTopics(settings);
    const admin = deps.kafka.admin();
    const producer = deps.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const conn = await store.connect();
    const conns = [conn, await store.connect()] as const;
    let lander: Lander | undefined;
    let ingest: KafkaIngest;
    try {
      lander = await Lander.create(...conns);
      await admin.connect();
      await producer.connect();
      await ensureTopics(admin, [...topics, dlqTopic(settings.topicPrefix)], options.partitions ?? 4);
      const stored = await readStoredOffsets(conn, topics);
      // Partition starts, for partitions DuckDB holds nothing of: resume there, not at the group's
      // committed offset, which may come from another database.
      const starts = [...(await watermarks(admin, topics))].map(([k, w]) => ({ ...splitTpKey(k), next: w.low }));
      log.info(
        { stored: Object.fromEntries(stored.map((o) => [tpKey(o.topic, o.partition), o.next])), group: settings.groupId },
        'resuming from offsets stored in DuckDB',
      );
      ingest = new KafkaIngest(settings, options, deps, { admin, producer, lander, conns }, new PartitionOffsets(stored, starts));
    } catch (err) {
      await close({ admin, producer, lander, conns });
      throw err;
    }
    try {
      await ingest.members.join(options.members ?? 1);
      ingest.timers.push(setInterval(() => ingest.batcher.tick(ingest.intake.busy), 100));
      ingest.timers.push(
        setInterval(() => {
          ingest.progress.check().catch((err: unknown) => ingest.run.fail(err));
        }, 500),
      );
    } catch (err) {
      await ingest.release();
      throw err;
    }
    return ingest;
  }

  /** After each batch committed: the caller's callback, then Kafka's mirror of the offsets it stored. */
  private landed(r: BatchResult, landed: readonly PartitionOffset[]): void {
    this.options.onBatch?.(r, this.batcher.totals.batches, this);
    // The mirror logs its own failures (best effort, DuckDB holds the truth).
    this.members.commit(this.offsets.mirror(landed)).catch((err: unknown) => this.run.fail(err));
  }

  /** The landing settled (and so the offsets are stored) before this returns; idempotent. */
  stop(reason: 'idle' | 'stopped' = 'stopped'): Promise<ConsumeSummary> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: 'idle' | 'stopped'): Promise<ConsumeSummary> {
    try {
      for (const t of this.timers) clearInterval(t);
      this.members.stopRestarts();
      // No new fetch is taken; what was taken is decoded and staged, then lands with the last batch.
      this.run.stop();
      await this.intake.drain();
      await this.batcher.finish();
      if (this.run.failure !== undefined) throw this.run.failure;
      // Members are still in the group, so the mirror of the last batch's offsets can be committed.
      await this.members.commit(this.offsets.mirror());
      await this.members.leave();
      const t = this.batcher.totals;
      const summary: ConsumeSummary = {
        runId: this.runId,
        ...t,
        rowsByTable: { ...t.rowsByTable },
        skipped: this.intake.skipped,
        deadLettered: this.batcher.seen.deadLettered,
        seconds: (performance.now() - this.started) / 1000,
        stopReason: reason,
      };
      await this.release();
      this.resolveDone(summary);
      return summary;
    } catch (err) {
      // The error that ended the run is the one reported; a second one while releasing is logged.
      await this.release().catch((e: Error) => log.warn({ err: e.message }, 'release after a failed stop failed'));
      this.rejectDone(err);
      throw err;
    }
  }

  private async release(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.members.release();
    await close(this.opened);
    log.debug('released');
  }
}

/**
 * Closes what start() opened, whatever state each part is in. Each failure is logged and the rest
 * still closed: this runs after a stop or a failure, whose outcome is already decided.
 */
async function close(o: Opened): Promise<void> {
  const logged = (what: string) => (err: Error) => log.debug({ err: err.message }, `${what} failed while releasing`);
  await o.producer.disconnect().catch(logged('producer disconnect'));
  await o.admin.disconnect().catch(logged('admin disconnect'));
  await o.lander?.close().catch(logged('lander close'));
  for (const c of o.conns) c.closeSync();
}
