import type { DuckDBConnection } from '@duckdb/node-api';
import type { KafkaMessage, Message, Producer } from 'kafkajs';
import { logger } from '../core/logger.js';
import type { Decoded } from '../ingest/decode.js';
import { addBatch, emptyTotals, type BatchResult, type Lander } from '../ingest/land.js';
import type { PartitionOffset, PartitionOffsets } from './offsets.js';
import type { RunState } from './run-state.js';

const log = logger('kafka.consume');

export interface BatcherOptions {
  readonly runId: string;
  readonly groupId: string;
  /** Where rejected messages go (`<prefix>dlq`). */
  readonly dlqTopic: string;
  /** Rows per DuckDB transaction. */
  readonly batchRows: number;
  /** Land what has arrived once the oldest staged message waited this long. */
  readonly maxBatchWaitMs: number;
  /** …or once nothing new arrived for this long. */
  readonly idleFlushMs: number;
  /** After a batch committed, with the offsets it stored (now landed). */
  readonly onLanded: (r: BatchResult, landed: readonly PartitionOffset[]) => void;
}

/**
 * The batch: decoded fetches are staged into the lander (many fetches per DuckDB transaction,
 * because the per-transaction cost is what limits small batches), and the batch lands once it holds
 * `batchRows` rows, once the stream pauses or once its oldest message waited long enough. Its
 * offsets are stored in its transaction; its rejections go to the dead-letter topic before it
 * commits, so that topic is at-least-once. Staging waits while the previous batch is still landing.
 */
export class Batcher {
  readonly totals = emptyTotals();
  /** Staged: messages (accepted or rejected) and rejections; and the rejections published to the dead-letter topic. */
  readonly seen = { messages: 0, rejected: 0, deadLettered: 0 };
  private deadLetters: Message[] = [];
  private stagedRows = 0;
  private firstStagedAt = 0;
  private lastStagedAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private landing: Promise<void> | undefined;

  constructor(
    private readonly lander: Lander,
    private readonly producer: Producer,
    private readonly offsets: PartitionOffsets,
    private readonly run: RunState,
    private readonly options: BatcherOptions,
  ) {}

  /** Nothing staged and nothing landing. */
  get settled(): boolean {
    return this.lander.empty && this.landing === undefined;
  }

  /**
   * Stages a decoded fetch of one partition (new messages, in offset order), after whatever was
   * staged or flushed before; lands the batch once it holds `batchRows` rows.
   */
  stage(topic: string, partition: number, messages: readonly KafkaMessage[], decoded: readonly Decoded[]): Promise<void> {
    return this.serial(async () => {
      for (let i = 0; i < messages.length; i++) this.stageOne(topic, partition, messages[i] as KafkaMessage, decoded[i] as Decoded);
      this.offsets.stage(topic, partition, Number(messages[messages.length - 1]?.offset) + 1);
      if (this.stagedRows >= this.options.batchRows) await this.flush();
    });
  }

  /** Lands a partial batch once the stream pauses (`busy`: a fetch is being taken or decoded) or the oldest staged message has waited long enough. */
  tick(busy: boolean): void {
    if (this.lander.empty || this.run.stopping || this.run.failed) return;
    const now = performance.now();
    // Paused means nothing staged lately and nothing being decoded: a member busy decoding a large
    // fetch is not a pause (landing then would cut the stream into small, costly transactions).
    const paused = !busy && now - this.lastStagedAt >= this.options.idleFlushMs;
    if (paused || now - this.firstStagedAt >= this.options.maxBatchWaitMs)
      this.serial(() => this.flush()).catch((err: unknown) => this.run.fail(err));
  }

  /** Lands what is staged and waits until the last batch has settled (its offsets stored, or it failed). */
  async finish(): Promise<void> {
    await this.serial(() => this.flush());
    await this.landing;
  }

  private stageOne(topic: string, partition: number, m: KafkaMessage, d: Decoded): void {
    const pos = { offset: Number(m.offset), line: null, partition, source: topic };
    const src = { kind: 'kafka' as const, source: topic, partition };
    const now = performance.now();
    if (this.lander.empty) this.firstStagedAt = now;
    this.lastStagedAt = now;
    this.seen.messages++;
    if (d.ok) {
      this.lander.addMessage(d.message, pos, src);
      this.stagedRows += d.message.rows.length;
      return;
    }
    this.seen.rejected++;
    this.lander.addRejection(d.rejection, pos, src);
    const r = d.rejection;
    this.deadLetters.push({
      key: m.key,
      // Personal data replaced (contract §5), as in the rejected table; the original stays on its topic at the offset named.
      value: r.raw,
      headers: {
        'fundwatch-code': r.code,
        'fundwatch-reason': r.reason,
        'fundwatch-source-topic': topic,
        'fundwatch-source-partition': String(partition),
        'fundwatch-source-offset': m.offset,
      },
    });
  }

  /** Runs staging and landing one at a time, whichever member or timer asks. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    // The chain only orders the work: whoever called serial() gets the error from `run`.
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Seals what is staged and starts landing it; waits for the previous batch first (its slot fills next). */
  private async flush(): Promise<void> {
    if (this.lander.empty || this.run.failed) return;
    await this.landing;
    if (this.run.failed) return;
    const offsets = this.offsets.seal();
    const deadLetters = this.deadLetters;
    const startedAt = new Date(Date.now() - (performance.now() - this.firstStagedAt));
    this.deadLetters = [];
    this.stagedRows = 0;
    const slot = await this.lander.seal();
    const landing = (async () => {
      await this.publishDeadLetters(deadLetters);
      const r = await this.lander.land(
        {
          runId: this.options.runId,
          source: { kind: 'kafka', source: `group:${this.options.groupId}`, partition: null },
          startedAt,
          firstOffset: null,
          lastOffset: null,
          inTransaction: (conn, batchId) => this.storeOffsets(conn, offsets, batchId),
        },
        slot,
      );
      this.offsets.land(offsets);
      addBatch(this.totals, r);
      this.seen.deadLettered += deadLetters.length;
      log.debug({ batch: r.batchId, rows: r.rowsLanded, rejected: r.rejected }, 'batch landed');
      this.options.onLanded(r, offsets);
    })()
      .catch((err: unknown) => this.run.fail(err))
      .finally(() => {
        if (this.landing === landing) this.landing = undefined;
      });
    this.landing = landing;
  }

  /** Stores the batch's offsets in its transaction: DuckDB's `kafka_offset` is where consumption resumes. */
  private async storeOffsets(conn: DuckDBConnection, offsets: readonly PartitionOffset[], batchId: number): Promise<void> {
    for (const o of offsets)
      await conn.run(
        `INSERT INTO kafka_offset VALUES ($topic, $partition, $next, $group, $batch, now()::TIMESTAMP)
         ON CONFLICT (topic, "partition") DO UPDATE SET next_offset = greatest(next_offset, EXCLUDED.next_offset),
           group_id = EXCLUDED.group_id, batch_id = EXCLUDED.batch_id, updated_at = EXCLUDED.updated_at`,
        { topic: o.topic, partition: o.partition, next: o.next, group: this.options.groupId, batch: batchId },
      );
  }

  /** At-least-once: retried until the broker takes them; the batch commits only after. */
  private async publishDeadLetters(messages: Message[]): Promise<void> {
    if (!messages.length) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.send({ topic: this.options.dlqTopic, messages, acks: -1 });
        return;
      } catch (err) {
        if (this.run.failed) throw err;
        log.warn({ err: (err as Error).message, attempt }, 'dead-letter topic unavailable, retrying');
        await new Promise((r) => setTimeout(r, Math.min(1000 * attempt, 10_000)));
      }
    }
  }
}

/** The offsets DuckDB holds for the topics: where each partition resumes (`PartitionOffsets`' `stored`). */
export async function readStoredOffsets(conn: DuckDBConnection, topics: readonly string[]): Promise<PartitionOffset[]> {
  const wanted = new Set(topics);
  return (await conn.runAndReadAll(`SELECT topic, "partition", next_offset FROM kafka_offset`))
    .getRows()
    .filter((r) => wanted.has(String(r[0])))
    .map(([topic, partition, next]) => ({ topic: String(topic), partition: Number(partition), next: Number(next) }));
}
