import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { logger } from '../core/logger.js';
import type { Decoded, UploadMode } from '../ingest/decode.js';
import type { DecodePool } from '../ingest/decode-pool.js';
import type { Batcher } from './batcher.js';
import type { PartitionOffsets } from './offsets.js';
import type { RunState } from './run-state.js';

const log = logger('kafka.consume');

/** Messages per decode job, as in replay. */
const CHUNK = 256;
/** Message bytes decoding or waiting to be staged before a member stops taking batches. */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

/** A fetched batch being decoded, waiting to be staged. */
interface InFlight {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  readonly bytes: number;
  readonly decoded: Promise<Decoded[]>;
}

/**
 * From the members' fetches to the batch: each fetched batch's new messages (the offset tracker
 * tells which) go to the decode pool at once, and are staged strictly in arrival order, one batch
 * at a time. Backpressure: a member's eachBatch returns as soon as its batch is queued, unless more
 * than MAX_IN_FLIGHT_BYTES are decoding or waiting to be staged; then it waits (heartbeating) until
 * the pump has staged more. Staging itself waits while the previous batch is still landing, so at
 * most two batches plus the bytes in flight are in memory.
 */
export class Intake {
  /** Messages delivered below the offset already taken, and skipped. */
  skipped = 0;
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private pumping: Promise<void> | undefined;
  private waiting: (() => void)[] = [];
  /** Members inside eachBatch; stop() lets them finish. */
  private active = 0;

  constructor(
    private readonly offsets: PartitionOffsets,
    private readonly pool: DecodePool,
    private readonly batcher: Batcher,
    private readonly run: RunState,
    /** The upload mode of each topic that has one configured (contract §8: a sender's T1 re-uploads on a topic of their own). */
    private readonly topicModes: ReadonlyMap<string, UploadMode> = new Map(),
  ) {}

  /** A fetch is being taken, or a taken one is decoding or waiting to be staged. */
  get busy(): boolean {
    return this.active > 0 || this.inFlight.length > 0;
  }

  /** Nothing decoding or waiting to be staged. */
  get empty(): boolean {
    return this.inFlight.length === 0;
  }

  /** The members' eachBatch. */
  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    // Once stopping, what arrives is left for the next run (it resumes from DuckDB's offsets).
    if (this.run.stopping || this.run.failed || payload.isStale()) return;
    this.active++;
    try {
      await this.take(payload);
    } finally {
      this.active--;
    }
  };

  /** Waits until no member is in eachBatch and everything taken is staged (call once stopping). */
  async drain(): Promise<void> {
    while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
    while (this.pumping) await this.pumping;
  }

  /**
   * Hands a fetched batch to the decode workers and returns as soon as it is queued, so that kafkajs
   * fetches the next one while the workers decode (measured: awaiting the decode here left the
   * fetch, the workers and DuckDB taking turns).
   */
  private async take(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { fresh, skipped, gap } = this.offsets.take(batch.topic, batch.partition, batch.messages);
    this.skipped += skipped;
    if (!fresh.length) return;
    if (gap)
      // Retention or compaction removed messages this database never saw; nothing can bring them back.
      log.warn({ partition: `${batch.topic}:${batch.partition}`, expected: gap.expected, got: gap.got }, 'gap in partition offsets');
    const bytes = fresh.reduce((n, m) => n + (m.value?.length ?? 0), 0);
    this.inFlight.push({
      topic: batch.topic,
      partition: batch.partition,
      messages: fresh,
      bytes,
      decoded: this.decode(fresh, this.topicModes.get(batch.topic)),
    });
    this.inFlightBytes += bytes;
    this.pump();
    while (this.inFlightBytes > MAX_IN_FLIGHT_BYTES && !this.run.failed) await this.withHeartbeat(payload, this.progressed());
  }

  /** Stages decoded batches in arrival order, one at a time, until none is left. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = (async () => {
      while (this.inFlight.length && !this.run.failed) {
        const job = this.inFlight[0] as InFlight;
        const decoded = await job.decoded;
        await this.batcher.stage(job.topic, job.partition, job.messages, decoded);
        this.inFlight.shift();
        this.inFlightBytes -= job.bytes;
        for (const wake of this.waiting.splice(0)) wake();
      }
    })()
      .catch((err: unknown) => this.run.fail(err))
      .finally(() => {
        this.pumping = undefined;
        for (const wake of this.waiting.splice(0)) wake();
      });
  }

  /** Resolves once the pump has staged another batch (or stopped). */
  private progressed(): Promise<void> {
    return this.pumping ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve();
  }

  private async decode(messages: readonly KafkaMessage[], mode: UploadMode | undefined): Promise<Decoded[]> {
    const jobs: Promise<Decoded[]>[] = [];
    for (let i = 0; i < messages.length; i += CHUNK)
      jobs.push(
        this.pool.decode(
          messages.slice(i, i + CHUNK).map((m) => m.value ?? Buffer.alloc(0)),
          mode,
        ),
      );
    return (await Promise.all(jobs)).flat();
  }

  /** Keeps the member in its group while it waits for the lander. */
  private async withHeartbeat<T>(payload: EachBatchPayload, work: Promise<T>): Promise<T> {
    // A missed heartbeat is retried a second later; the session timeout decides when it matters.
    const beat = setInterval(() => {
      payload.heartbeat().catch((err: Error) => log.debug({ err: err.message }, 'heartbeat failed'));
    }, 1000);
    try {
      return await work;
    } finally {
      clearInterval(beat);
    }
  }
}
