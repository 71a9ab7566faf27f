import type { Consumer, ConsumerConfig, EachBatchPayload } from 'kafkajs';
import { logger } from '../core/logger.js';
import { tpKey, type PartitionOffset, type PartitionOffsets } from './offsets.js';
import type { RunState } from './run-state.js';

const log = logger('kafka.consume');

/** Makes a member's consumer; `kafka.consumer` of a kafkajs client, or a caller's wrapper of it. */
export type ConsumerFactory = (config: ConsumerConfig) => Consumer;

export interface MembersOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Group session timeout in ms; the rebalance timeout and the heartbeat follow from it. */
  readonly sessionTimeoutMs: number;
}

interface Member {
  /** Replaced when kafkajs gives a consumer up (see restart). */
  consumer: Consumer;
  /** The member's partitions (tpKey) since its last join. */
  assigned: Set<string>;
  /** False once the ingest let the member go (shutdown): it is neither restarted nor asked to commit. */
  running: boolean;
}

/**
 * The members of the consumer group in this process: each one consumer, joined, subscribed and run
 * with `eachBatch`. On every assignment a member seeks each partition to where the offset tracker
 * says it continues. A consumer kafkajs gives up is replaced, with backoff, until the ingest stops.
 *
 * A consumer the factory's caller disconnects itself leaves the group as a dead member would: the
 * others take its partitions over at the rebalance, and it is not restarted (only a crash is).
 */
export class Members {
  private readonly members: Member[] = [];
  private readonly restarts = new Set<NodeJS.Timeout>();
  /** performance.now() of the first assignment of any member (--until-idle counts from there). */
  firstAssignmentAt: number | undefined;

  constructor(
    private readonly newConsumer: ConsumerFactory,
    private readonly options: MembersOptions,
    private readonly offsets: PartitionOffsets,
    private readonly run: RunState,
    private readonly eachBatch: (payload: EachBatchPayload) => Promise<void>,
  ) {}

  /** Starts `count` members, one after the other (each joins the group before the next). */
  async join(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const member: Member = { consumer: this.consumer(), assigned: new Set(), running: true };
      this.members.push(member);
      await this.runMember(member);
    }
  }

  /** The partitions (tpKey) assigned to any member. */
  assigned(): Set<string> {
    return new Set(this.members.flatMap((m) => [...m.assigned]));
  }

  /**
   * Commits offsets to Kafka through the members they are assigned to (a consumer may commit only
   * its own partitions). Best effort, for lag dashboards: DuckDB holds the truth.
   */
  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    for (const member of this.members) {
      const mine = offsets.filter((o) => member.assigned.has(tpKey(o.topic, o.partition)));
      if (!mine.length || !member.running) continue;
      await member.consumer
        .commitOffsets(mine.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.next) })))
        .catch((err: Error) => log.debug({ err: err.message }, 'offset mirror commit skipped'));
    }
  }

  /** No consumer is restarted from now on. */
  stopRestarts(): void {
    for (const t of this.restarts) clearTimeout(t);
    this.restarts.clear();
  }

  /** Leaves the group, so the partitions move on at once rather than after the session timeout. */
  async leave(): Promise<void> {
    for (const m of this.members) {
      m.running = false;
      await m.consumer.disconnect();
    }
  }

  /** Disconnects every consumer, whatever state it is in (after a failure, or after leave()). */
  async release(): Promise<void> {
    this.stopRestarts();
    for (const m of this.members)
      await m.consumer.disconnect().catch((err: Error) => log.debug({ err: err.message }, 'consumer disconnect failed while releasing'));
  }

  private consumer(): Consumer {
    const sessionTimeout = this.options.sessionTimeoutMs;
    return this.newConsumer({
      groupId: this.options.groupId,
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout * 2, 10_000),
      heartbeatInterval: Math.max(Math.floor(sessionTimeout / 10), 100),
      // Large fetches: the per-fetch cost is what limits throughput, and memory is bounded by the lander anyway.
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 50, restartOnFailure: async () => !this.run.failed },
    });
  }

  private async runMember(member: Member): Promise<void> {
    const consumer = member.consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssignment(member, e.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (e) => {
      log.warn({ err: e.payload.error.message, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart) this.restart(member);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: this.eachBatch,
    });
  }

  /** After every join: seek each assigned partition to where DuckDB (or what was taken since) ends. */
  private onAssignment(member: Member, assignment: Record<string, number[]>): void {
    member.assigned = new Set();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) {
        member.assigned.add(tpKey(topic, partition));
        const offset = this.offsets.seekTo(topic, partition);
        if (offset !== undefined) member.consumer.seek({ topic, partition, offset: String(offset) });
      }
    this.firstAssignmentAt ??= performance.now();
    log.info({ assigned: [...member.assigned] }, 'partitions assigned');
  }

  private halted(member: Member): boolean {
    return !member.running || this.run.stopping || this.run.failed;
  }

  /**
   * kafkajs gives a consumer up on an error it deems final (say, no group coordinator while a broker
   * restarts). A Kafka outage is not final for fundwatch: start a fresh consumer for the member,
   * with backoff, until it runs again or the ingest stops. Nothing is lost meanwhile: the new
   * consumer seeks to what DuckDB and the stage hold.
   */
  private restart(member: Member, attempt = 1): void {
    if (this.halted(member)) return;
    const again = async () => {
      if (this.halted(member)) return;
      // The old consumer is given up already; a failure to disconnect it changes nothing.
      await member.consumer.disconnect().catch((err: Error) => log.debug({ err: err.message }, 'disconnect of a crashed consumer failed'));
      member.assigned = new Set();
      member.consumer = this.consumer();
      try {
        await this.runMember(member);
        log.warn({ attempt }, 'consumer restarted');
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, 'consumer restart failed, retrying');
        this.restart(member, attempt + 1);
      }
    };
    const timer = setTimeout(
      () => {
        this.restarts.delete(timer);
        again().catch((err: unknown) => this.run.fail(err));
      },
      Math.min(1000 * attempt, 10_000),
    );
    this.restarts.add(timer);
  }
}
