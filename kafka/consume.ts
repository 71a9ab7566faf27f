import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { Decoded } from '../ingest/decode.js';
import { createDecodePool, defaultDecodeWorkers, type DecodePool } from '../ingest/decode-pool.js';
import { addBatch, emptyTotals, Lander, type BatchResult, type IngestTotals } from '../ingest/land.js';
import type { Store } from '../store/open.js';
import { dataTopics, dlqTopic, kafkaClient, type KafkaSettings } from './config.js';
import { splitTpKey, tpKey } from './offsets.js';
import { ensureTopics, watermarks } from './topics.js';

/**
 * Kafka ingest: the platform topics → the same Lander as replay ingest (one code path after
 * decoding), with exactly-once effect in DuckDB.
 *
 * - Offsets live in DuckDB (table kafka_offset), written in the transaction that lands the rows
 *   they carry. On every partition assignment a member seeks to the offset DuckDB holds (or to the
 *   partition's start when it holds none); Kafka's committed offsets are only a mirror, written
 *   after DuckDB commits, so they never run ahead of it. A message below the offset already landed
 *   or staged is skipped, so a crash at any instant neither loses nor repeats a message.
 * - Many Kafka fetches go into one DuckDB transaction (up to `batchRows` rows, or whatever has
 *   arrived once the stream pauses): per-transaction cost is what limits small batches.
 * - Backpressure: a member's eachBatch returns only once its messages are staged, and staging
 *   waits while the previous batch is still landing, so at most two batches plus one fetch per
 *   member are in memory.
 * - A rejected message goes to the rejected table and to the dead-letter topic (reason in headers)
 *   before its batch commits, so the dead-letter topic is at-least-once; the partition goes on.
 * - Members of the group in one process share the DuckDB instance and one lander (DuckDB admits
 *   one writing process per file).
 */
export interface ConsumeOptions {
  readonly piiKey: string;
  /** Consumers of the group in this process (default 1). */
  readonly members?: number;
  /**
   * Rows per DuckDB transaction (default 500,000, as replay): above DuckDB's row group size a batch
   * is written straight to the file (measured on bench/kafka: 250,000 → 500,000 cut the end-to-end
   * time from 12.8 s to 11.3 s, most of it in the final checkpoint).
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
  /** Decode threads (default one per core, at most 4; 0 decodes on the main thread). */
  readonly workers?: number;
  /** Partitions for topics that have to be created (default 4). */
  readonly partitions?: number;
  /** Progress callback, every `progressEveryMs` (default 5,000). */
  readonly onProgress?: (p: ConsumeProgress) => void;
  readonly progressEveryMs?: number;
  /** Called after each batch has committed (rows and offsets), with the number of batches so far. */
  readonly onBatch?: (r: BatchResult, batches: number, ingest: KafkaIngest) => void;
}

export interface ConsumeProgress {
  /** Messages taken from Kafka (accepted or rejected; not counting those skipped below landed offsets). */
  readonly messages: number;
  readonly rows: number;
  readonly rejected: number;
  readonly batches: number;
  /** Rows landed per second since the previous report. */
  readonly rowsPerSecond: number;
  /** Per `topic:partition` of the assigned partitions: high watermark minus the offset landed. */
  readonly lag: Record<string, number>;
}

export interface ConsumeSummary extends Readonly<IngestTotals> {
  readonly runId: string;
  /** Messages delivered below the offset already landed or staged, and skipped. */
  readonly skipped: number;
  readonly deadLettered: number;
  readonly seconds: number;
  readonly stopReason: 'idle' | 'stopped';
}

interface Member {
  /** Replaced when kafkajs gives a consumer up (see restartMember). */
  consumer: Consumer;
  assigned: Set<string>;
  running: boolean;
}

/** A fetched batch being decoded, waiting to be staged. */
interface InFlight {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  readonly bytes: number;
  readonly decoded: Promise<Decoded[]>;
}

interface StagedOffset {
  readonly topic: string;
  readonly partition: number;
  next: number;
}

const log = logger('kafka.consume');

/** Messages per decode job, as in replay. */
const CHUNK = 256;
/** Message bytes decoding or waiting to be staged before a member stops taking batches. */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export class KafkaIngest {
  readonly runId = randomUUID();
  /** Resolves with the summary once stopped (idle, stop()), rejects on a fatal error. */
  readonly done: Promise<ConsumeSummary>;
  private resolveDone!: (s: ConsumeSummary) => void;
  private rejectDone!: (e: unknown) => void;

  private readonly started = performance.now();
  private readonly members: Member[] = [];
  /**
   * Next offset to accept per partition: past what DuckDB holds, what is staged and what is decoding
   * on its way to the stage. Set synchronously as a batch is queued, so a message delivered again
   * (to either member, after a rebalance) is skipped before it is decoded.
   */
  private readonly taken = new Map<string, number>();
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private pumping: Promise<void> | undefined;
  private waiting: (() => void)[] = [];
  /** Next offset landed in DuckDB per partition. */
  private readonly landed = new Map<string, number>();
  private low = new Map<string, number>();
  private staged = new Map<string, StagedOffset>();
  private deadLetters: Message[] = [];
  private stagedRows = 0;
  private firstStagedAt = 0;
  private lastStagedAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private landing: Promise<void> | undefined;
  /** Intervals and restart timeouts, all cleared on shutdown. */
  private timers: NodeJS.Timeout[] = [];
  private stopping: Promise<ConsumeSummary> | undefined;
  private failure: FundwatchError | undefined;
  private firstAssignmentAt: number | undefined;
  private idleSince: number | undefined;
  private monitoring = false;
  /** Set by stop(): no new batch is taken; the ones being staged (`active`) finish and land. */
  private draining = false;
  private active = 0;
  private lastReport = { at: performance.now(), rows: 0 };
  private readonly totals = emptyTotals();
  /** Besides the landed totals: messages taken (accepted or rejected), skipped below stored offsets, dead-lettered. */
  private readonly seen = { messages: 0, rejected: 0, skipped: 0, deadLettered: 0 };

  private constructor(
    private readonly settings: KafkaSettings,
    private readonly options: ConsumeOptions,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly pool: DecodePool,
    private readonly lander: Lander,
    private readonly conns: readonly DuckDBConnection[],
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Connects, loads the offsets DuckDB holds, joins the group and starts consuming. */
  static async start(store: Pick<Store, 'connect'>, settings: KafkaSettings, options: ConsumeOptions): Promise<KafkaIngest> {
    const kafka = kafkaClient(settings);
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await admin.connect();
    await producer.connect();
    const conn = await store.connect();
    const stagingConn = await store.connect();
    const lander = await Lander.create(conn, stagingConn);
    const pool = createDecodePool(options.piiKey, options.workers ?? defaultDecodeWorkers());
    const ingest = new KafkaIngest(settings, options, kafka, admin, producer, pool, lander, [conn, stagingConn]);
    try {
      await ingest.init(conn);
    } catch (err) {
      await ingest.release();
      throw err;
    }
    return ingest;
  }

  private get topics(): string[] {
    return dataTopics(this.settings.topicPrefix);
  }

  private async init(conn: DuckDBConnection): Promise<void> {
    await ensureTopics(this.admin, [...this.topics, dlqTopic(this.settings.topicPrefix)], this.options.partitions ?? 4);
    const topics = new Set(this.topics);
    const rows = (await conn.runAndReadAll(`SELECT topic, "partition", next_offset FROM kafka_offset`))
      .getRows()
      .filter((r) => topics.has(String(r[0])));
    for (const [topic, partition, next] of rows) {
      const k = tpKey(String(topic), Number(partition));
      this.landed.set(k, Number(next));
      this.taken.set(k, Number(next));
    }
    // Partition starts, for partitions DuckDB holds nothing of: resume there, not at the group's
    // committed offset, which may come from another database.
    this.low = new Map([...(await watermarks(this.admin, this.topics))].map(([k, w]) => [k, w.low]));
    log.info({ stored: Object.fromEntries(this.landed), group: this.settings.groupId }, 'resuming from offsets stored in DuckDB');

    for (let i = 0; i < (this.options.members ?? 1); i++) {
      const member: Member = { consumer: this.newConsumer(), assigned: new Set(), running: true };
      this.members.push(member);
      await this.runMember(member);
    }
    this.timers.push(setInterval(() => this.tick(), 100));
    this.timers.push(
      setInterval(() => {
        this.monitor().catch((err: unknown) => this.fail(err));
      }, 500),
    );
  }

  private newConsumer(): Consumer {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    return this.kafka.consumer({
      groupId: this.settings.groupId,
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout * 2, 10_000),
      heartbeatInterval: Math.max(Math.floor(sessionTimeout / 10), 100),
      // Large fetches: the per-fetch cost is what limits throughput, and memory is bounded by the lander anyway.
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 50, restartOnFailure: async () => this.failure === undefined },
    });
  }

  private async runMember(member: Member): Promise<void> {
    const consumer = member.consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssignment(member, e.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (e) => {
      log.warn({ err: e.payload.error.message, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart) this.restartMember(member);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /**
   * kafkajs gives a consumer up on an error it deems final (say, no group coordinator while a broker
   * restarts). A Kafka outage is not final for fundwatch: start a fresh consumer for the member,
   * with backoff, until it runs again or the ingest stops. Nothing is lost meanwhile: the new
   * consumer seeks to what DuckDB and the stage hold.
   */
  private restartMember(member: Member, attempt = 1): void {
    if (!member.running || this.stopping || this.failure !== undefined) return;
    const restart = async () => {
      if (!member.running || this.stopping || this.failure !== undefined) return;
      // The old consumer is given up already; a failure to disconnect it changes nothing.
      await member.consumer.disconnect().catch((err: Error) => log.debug({ err: err.message }, 'disconnect of a crashed consumer failed'));
      member.assigned = new Set();
      member.consumer = this.newConsumer();
      try {
        await this.runMember(member);
        log.warn({ attempt }, 'consumer restarted');
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, 'consumer restart failed, retrying');
        this.restartMember(member, attempt + 1);
      }
    };
    const timer = setTimeout(
      () => {
        restart().catch((err: unknown) => this.fail(err));
      },
      Math.min(1000 * attempt, 10_000),
    );
    this.timers.push(timer);
  }

  /** After every join: seek each assigned partition to where DuckDB (or the staged batch) ends. */
  private onAssignment(member: Member, assignment: Record<string, number[]>): void {
    member.assigned = new Set();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) {
        const k = tpKey(topic, partition);
        member.assigned.add(k);
        const offset = this.taken.get(k) ?? this.low.get(k);
        if (offset !== undefined) member.consumer.seek({ topic, partition, offset: String(offset) });
      }
    this.firstAssignmentAt ??= performance.now();
    log.info({ assigned: [...member.assigned] }, 'partitions assigned');
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    // Once stopping, what arrives is left for the next run (it resumes from DuckDB's offsets).
    if (this.draining || this.failure !== undefined || payload.isStale()) return;
    this.active++;
    try {
      await this.takeBatch(payload);
    } finally {
      this.active--;
    }
  }

  /**
   * Hands a fetched batch to the decode workers and returns as soon as it is queued, so that kafkajs
   * fetches the next one while the workers decode (measured: awaiting the decode here left the
   * fetch, the workers and DuckDB taking turns). Batches are staged strictly in arrival order. The
   * member waits only while more than MAX_IN_FLIGHT_BYTES are decoding or waiting to be staged.
   */
  private async takeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const k = tpKey(batch.topic, batch.partition);
    const from = this.taken.get(k) ?? -1;
    const fresh = batch.messages.filter((m) => Number(m.offset) >= from);
    this.seen.skipped += batch.messages.length - fresh.length;
    if (!fresh.length) return;
    if (from >= 0 && Number(fresh[0]?.offset) > from && this.landed.has(k))
      // Retention or compaction removed messages this database never saw; nothing can bring them back.
      log.warn({ partition: k, expected: from, got: fresh[0]?.offset }, 'gap in partition offsets');
    this.taken.set(k, Number(fresh[fresh.length - 1]?.offset) + 1);
    const bytes = fresh.reduce((n, m) => n + (m.value?.length ?? 0), 0);
    this.inFlight.push({ topic: batch.topic, partition: batch.partition, messages: fresh, bytes, decoded: this.decode(fresh) });
    this.inFlightBytes += bytes;
    this.pump();
    while (this.inFlightBytes > MAX_IN_FLIGHT_BYTES && this.failure === undefined) await this.withHeartbeat(payload, this.progressed());
  }

  /** Stages decoded batches in arrival order, one at a time, until none is left. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = (async () => {
      while (this.inFlight.length && this.failure === undefined) {
        const job = this.inFlight[0] as InFlight;
        const decoded = await job.decoded;
        await this.serial(() => this.stageBatch(job, decoded));
        this.inFlight.shift();
        this.inFlightBytes -= job.bytes;
        for (const wake of this.waiting.splice(0)) wake();
      }
    })()
      .catch((err) => this.fail(err))
      .finally(() => {
        this.pumping = undefined;
        for (const wake of this.waiting.splice(0)) wake();
      });
  }

  /** Resolves once the pump has staged another batch (or stopped). */
  private progressed(): Promise<void> {
    return this.pumping ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve();
  }

  /** Stages one queued batch: its messages are new (takeBatch filtered them) and in offset order. */
  private async stageBatch(job: InFlight, decoded: readonly Decoded[]): Promise<void> {
    job.messages.forEach((m, i) => this.stage(job.topic, job.partition, m, decoded[i] as Decoded));
    const k = tpKey(job.topic, job.partition);
    const last = Number(job.messages[job.messages.length - 1]?.offset);
    const s = this.staged.get(k);
    if (s) s.next = last + 1;
    else this.staged.set(k, { topic: job.topic, partition: job.partition, next: last + 1 });
    if (this.stagedRows >= (this.options.batchRows ?? 500_000)) await this.flush();
  }

  private stage(topic: string, partition: number, m: KafkaMessage, d: Decoded): void {
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

  private async decode(messages: readonly KafkaMessage[]): Promise<Decoded[]> {
    const jobs: Promise<Decoded[]>[] = [];
    for (let i = 0; i < messages.length; i += CHUNK)
      jobs.push(this.pool.decode(messages.slice(i, i + CHUNK).map((m) => m.value ?? Buffer.alloc(0))));
    return (await Promise.all(jobs)).flat();
  }

  /** Runs staging and landing one at a time, whichever member or timer asks. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
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

  /** Seals what is staged and starts landing it; waits for the previous batch first (its slot fills next). */
  private async flush(): Promise<void> {
    if (this.lander.empty || this.failure !== undefined) return;
    await this.landing;
    if (this.failure !== undefined) return;
    const offsets = [...this.staged.values()];
    const deadLetters = this.deadLetters;
    const startedAt = new Date(Date.now() - (performance.now() - this.firstStagedAt));
    this.staged = new Map();
    this.deadLetters = [];
    this.stagedRows = 0;
    const slot = await this.lander.seal();
    const landing = (async () => {
      await this.publishDeadLetters(deadLetters);
      const r = await this.lander.land(
        {
          runId: this.runId,
          source: { kind: 'kafka', source: `group:${this.settings.groupId}`, partition: null },
          startedAt,
          firstOffset: null,
          lastOffset: null,
          inTransaction: (conn, batchId) => this.storeOffsets(conn, offsets, batchId),
        },
        slot,
      );
      for (const o of offsets) {
        const k = tpKey(o.topic, o.partition);
        this.landed.set(k, Math.max(this.landed.get(k) ?? 0, o.next));
      }
      this.count(r, deadLetters.length);
      this.options.onBatch?.(r, this.totals.batches, this);
      // The mirror logs its own failures (best effort, DuckDB holds the truth).
      this.mirror(offsets).catch((err: unknown) => this.fail(err));
    })()
      .catch((err) => this.fail(err))
      .finally(() => {
        if (this.landing === landing) this.landing = undefined;
      });
    this.landing = landing;
  }

  private async storeOffsets(conn: DuckDBConnection, offsets: readonly StagedOffset[], batchId: number): Promise<void> {
    for (const o of offsets)
      await conn.run(
        `INSERT INTO kafka_offset VALUES ($topic, $partition, $next, $group, $batch, now()::TIMESTAMP)
         ON CONFLICT (topic, "partition") DO UPDATE SET next_offset = greatest(next_offset, EXCLUDED.next_offset),
           group_id = EXCLUDED.group_id, batch_id = EXCLUDED.batch_id, updated_at = EXCLUDED.updated_at`,
        { topic: o.topic, partition: o.partition, next: o.next, group: this.settings.groupId, batch: batchId },
      );
  }

  /** At-least-once: retried until the broker takes them; the batch commits only after. */
  private async publishDeadLetters(messages: Message[]): Promise<void> {
    if (!messages.length) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.send({ topic: dlqTopic(this.settings.topicPrefix), messages, acks: -1 });
        return;
      } catch (err) {
        if (this.failure !== undefined) throw err;
        log.warn({ err: (err as Error).message, attempt }, 'dead-letter topic unavailable, retrying');
        await new Promise((r) => setTimeout(r, Math.min(1000 * attempt, 10_000)));
      }
    }
  }

  /** Kafka's committed offsets follow DuckDB's (for lag dashboards); never ahead of it, best effort. */
  private async mirror(offsets: readonly StagedOffset[]): Promise<void> {
    for (const member of this.members) {
      const mine = offsets.filter((o) => member.assigned.has(tpKey(o.topic, o.partition)));
      if (!mine.length || !member.running) continue;
      await member.consumer
        .commitOffsets(mine.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.next) })))
        .catch((err: Error) => log.debug({ err: err.message }, 'offset mirror commit skipped'));
    }
  }

  private count(r: BatchResult, deadLettered: number): void {
    addBatch(this.totals, r);
    this.seen.deadLettered += deadLettered;
    log.debug({ batch: r.batchId, rows: r.rowsLanded, rejected: r.rejected }, 'batch landed');
  }

  /** Lands a partial batch once the stream pauses or the oldest staged message has waited long enough. */
  private tick(): void {
    if (this.lander.empty || this.stopping || this.failure !== undefined) return;
    const now = performance.now();
    // Paused means nothing staged lately and nothing being decoded: a member busy decoding a large
    // fetch is not a pause (landing then would cut the stream into small, costly transactions).
    const paused = this.active === 0 && !this.inFlight.length && now - this.lastStagedAt >= (this.options.idleFlushMs ?? 250);
    if (paused || now - this.firstStagedAt >= (this.options.maxBatchWaitMs ?? 5000))
      this.serial(() => this.flush()).catch((err: unknown) => this.fail(err));
  }

  /** Progress reports and the --until-idle check. */
  private async monitor(): Promise<void> {
    if (this.monitoring || this.stopping || this.failure !== undefined) return;
    this.monitoring = true;
    try {
      const now = performance.now();
      const wantIdle = this.options.untilIdleSeconds !== undefined && this.firstAssignmentAt !== undefined;
      const wantReport = now - this.lastReport.at >= (this.options.progressEveryMs ?? 5000);
      if (!wantIdle && !wantReport) return;
      const lag = await this.lag();
      if (wantReport) this.report(now, lag);
      if (wantIdle) {
        const caughtUp =
          Object.values(lag).every((l) => l <= 0) && !this.inFlight.length && this.lander.empty && this.landing === undefined;
        if (!caughtUp) this.idleSince = undefined;
        else {
          this.idleSince ??= now;
          if (now - this.idleSince >= this.options.untilIdleSeconds * 1000) this.stop('idle').catch(() => undefined);
        }
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'lag check failed');
      this.idleSince = undefined;
    } finally {
      this.monitoring = false;
    }
  }

  private async lag(): Promise<Record<string, number>> {
    const assigned = new Set(this.members.flatMap((m) => [...m.assigned]));
    const topics = [...new Set([...assigned].map((k) => splitTpKey(k).topic))];
    const marks = await watermarks(this.admin, topics);
    const out: Record<string, number> = {};
    for (const k of [...assigned].sort()) {
      const w = marks.get(k);
      if (w) out[k] = w.high - (this.landed.get(k) ?? w.low);
    }
    return out;
  }

  private report(now: number, lag: Record<string, number>): void {
    const t = this.totals;
    const rowsPerSecond = Math.round((t.rowsLanded - this.lastReport.rows) / Math.max((now - this.lastReport.at) / 1000, 0.001));
    this.lastReport = { at: now, rows: t.rowsLanded };
    const p: ConsumeProgress = {
      messages: this.seen.messages,
      rows: t.rowsLanded,
      rejected: this.seen.rejected,
      batches: t.batches,
      rowsPerSecond,
      lag,
    };
    log.info(p, 'progress');
    this.options.onProgress?.(p);
  }

  /** The landing settled (and so the offsets are stored) before this returns; idempotent. */
  stop(reason: 'idle' | 'stopped' = 'stopped'): Promise<ConsumeSummary> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: 'idle' | 'stopped'): Promise<ConsumeSummary> {
    try {
      for (const t of this.timers) clearInterval(t);
      this.draining = true;
      while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
      // What was taken is decoded and staged, then lands with the last batch.
      while (this.pumping) await this.pumping;
      await this.serial(() => this.flush());
      await this.landing;
      if (this.failure !== undefined) throw this.failure;
      // Members are still in the group, so the mirror of the last batch's offsets can be committed.
      await this.mirror([...this.landed].map(([k, next]) => ({ ...splitTpKey(k), next })));
      // Leaves the group, so the partitions move on at once rather than after the session timeout.
      for (const m of this.members) {
        m.running = false;
        await m.consumer.disconnect();
      }
      const summary: ConsumeSummary = {
        runId: this.runId,
        ...this.totals,
        rowsByTable: { ...this.totals.rowsByTable },
        skipped: this.seen.skipped,
        deadLettered: this.seen.deadLettered,
        seconds: (performance.now() - this.started) / 1000,
        stopReason: reason,
      };
      await this.release();
      this.resolveDone(summary);
      return summary;
    } catch (err) {
      await this.release().catch(() => undefined);
      this.rejectDone(err);
      throw err;
    }
  }

  /**
   * For tests of a member that dies: it leaves without landing anything itself. What it staged is
   * in the shared lander and lands with the next batch, as a crashed consumer's would be re-read.
   */
  async dropMember(index: number): Promise<void> {
    const m = this.members[index];
    if (!m) throw new Error(`no member ${index}`);
    m.running = false;
    await m.consumer.disconnect();
    m.assigned = new Set();
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure =
      err instanceof FundwatchError ? err : new FundwatchError('db', `Kafka 导入失败: ${(err as Error).message}`, { cause: err });
    log.error({ err: (err as Error).message }, 'kafka ingest failed; offsets stay at the last landed batch');
    // The failure reaches the caller through `done`.
    this.stop().catch(() => undefined);
  }

  private async release(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const m of this.members) await m.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.pool.close();
    await this.lander.close().catch(() => undefined);
    for (const c of this.conns) c.closeSync();
    log.debug('released');
  }
}
