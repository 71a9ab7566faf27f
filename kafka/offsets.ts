/**
 * Where each partition stands: the bookkeeping behind Kafka ingest's exactly-once effect, pure (no
 * Kafka, no DuckDB), so every case can be tested without a broker. An offset here is always Kafka's
 * "next offset to read". Per partition:
 *
 * - **landed**: what DuckDB holds. Loaded from `kafka_offset` at start; advanced once the
 *   transaction of a batch carrying the partition has committed (`land`).
 * - **staged**: where the batch being filled ends (`stage`); `seal` hands these to the batch's
 *   transaction, which stores them with the rows.
 * - **taken**: where what was accepted from Kafka ends, landed, staged or still decoding. Set as
 *   a fetch is accepted, before it is decoded, so a message delivered again (to another member after
 *   a rebalance, to a restarted consumer, before a seek takes effect) is skipped at once.
 *
 * landed ≤ staged ≤ taken. A member assigned a partition seeks to `taken`, or, for a partition the
 * database holds nothing of, to the partition's start (never to the group's committed offset, which
 * may come from another database). Kafka's committed offsets are a mirror of `landed` only, so they
 * are never ahead of DuckDB.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A partition and the offset of the next message to read in it. */
export interface PartitionOffset extends TopicPartition {
  readonly next: number;
}

/** What `take` made of a fetched batch. */
export interface Take<M> {
  /** The messages not taken before, in offset order: these go on to be decoded and staged. */
  readonly fresh: M[];
  /** Messages below the offset already taken: delivered again, dropped. */
  readonly skipped: number;
  /**
   * Set when the first fresh message is past the offset expected next on a partition DuckDB holds
   * offsets of: retention or compaction removed messages this database never saw.
   */
  readonly gap: { readonly expected: number; readonly got: number } | undefined;
}

export class PartitionOffsets {
  private readonly landed = new Map<string, number>();
  private readonly taken = new Map<string, number>();
  private readonly starts = new Map<string, number>();
  private staged = new Map<string, { readonly topic: string; readonly partition: number; next: number }>();

  /**
   * @param stored what DuckDB holds (`kafka_offset`): a crash lost whatever was taken or staged past it.
   * @param starts each partition's low watermark, where a partition DuckDB holds nothing of is read from.
   */
  constructor(stored: Iterable<PartitionOffset>, starts: Iterable<PartitionOffset> = []) {
    for (const o of stored) {
      const k = tpKey(o.topic, o.partition);
      this.landed.set(k, o.next);
      this.taken.set(k, o.next);
    }
    for (const o of starts) this.starts.set(tpKey(o.topic, o.partition), o.next);
  }

  /** Where a member newly assigned the partition seeks; undefined leaves the consumer where kafkajs puts it. */
  seekTo(topic: string, partition: number): number | undefined {
    const k = tpKey(topic, partition);
    return this.taken.get(k) ?? this.starts.get(k);
  }

  /**
   * Accepts a fetched batch of one partition (messages in offset order, as Kafka delivers them):
   * the ones at or past `taken` are fresh, and `taken` moves past the last of them.
   */
  take<M extends { readonly offset: string }>(topic: string, partition: number, messages: readonly M[]): Take<M> {
    const k = tpKey(topic, partition);
    const from = this.taken.get(k);
    const fresh = from === undefined ? messages.slice() : messages.filter((m) => Number(m.offset) >= from);
    const skipped = messages.length - fresh.length;
    const first = fresh[0];
    if (first === undefined) return { fresh, skipped, gap: undefined };
    const got = Number(first.offset);
    const gap = from !== undefined && got > from && this.landed.has(k) ? { expected: from, got } : undefined;
    this.taken.set(k, Number((fresh[fresh.length - 1] as M).offset) + 1);
    return { fresh, skipped, gap };
  }

  /** The batch being filled now holds the partition's messages up to `next` (exclusive). */
  stage(topic: string, partition: number, next: number): void {
    const k = tpKey(topic, partition);
    const s = this.staged.get(k);
    if (s) s.next = next;
    else this.staged.set(k, { topic, partition, next });
  }

  /** The offsets the batch being filled carries, for its transaction; the next batch starts with none. */
  seal(): PartitionOffset[] {
    const sealed = [...this.staged.values()];
    this.staged = new Map();
    return sealed;
  }

  /** A sealed batch's transaction committed: DuckDB now holds its offsets. */
  land(sealed: readonly PartitionOffset[]): void {
    for (const o of sealed) {
      const k = tpKey(o.topic, o.partition);
      this.landed.set(k, Math.max(this.landed.get(k) ?? 0, o.next));
    }
  }

  /** What DuckDB holds for the partition, if anything. */
  landedAt(topic: string, partition: number): number | undefined {
    return this.landed.get(tpKey(topic, partition));
  }

  /**
   * What Kafka's committed offsets may say, for the partitions given (all when none are): the
   * landed offsets, never what is only staged or taken. A partition nothing landed of is left out.
   */
  mirror(only?: Iterable<TopicPartition>): PartitionOffset[] {
    if (only === undefined) return [...this.landed].map(([k, next]) => ({ ...splitTpKey(k), next }));
    const out: PartitionOffset[] = [];
    for (const { topic, partition } of only) {
      const next = this.landed.get(tpKey(topic, partition));
      if (next !== undefined) out.push({ topic, partition, next });
    }
    return out;
  }
}

/** One key per partition, `topic:partition`, as logs and lag reports show it. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** The topic and partition of a tpKey (topic names may contain ':' only before the last one). */
export function splitTpKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
