/**
 * The partition-offset tracker behind Kafka ingest's exactly-once effect, without a broker: where a
 * member seeks, which messages of a fetch are fresh, staged → landed, and Kafka's mirror. Every
 * expected value is worked out by hand from the scenario, not computed.
 */
import { describe, expect, it } from 'vitest';
import { PartitionOffsets, splitTpKey, tpKey } from '../kafka/offsets.js';

const FEE = 'hi.fee';
const VISIT = 'hi.visit';

/** A fetched batch: messages at offsets `from` … `to` (inclusive), as kafkajs gives them (offsets are strings). */
function fetched(from: number, to: number): { offset: string }[] {
  const out: { offset: string }[] = [];
  for (let o = from; o <= to; o++) out.push({ offset: String(o) });
  return out;
}

const offsetsOf = (messages: readonly { offset: string }[]) => messages.map((m) => Number(m.offset));

describe('PartitionOffsets: where a member seeks', () => {
  it("seeks to the offset DuckDB holds, else to the partition's start; a partition it knows nothing of is left to kafkajs", () => {
    const t = new PartitionOffsets(
      [{ topic: FEE, partition: 0, next: 120 }],
      [
        { topic: FEE, partition: 0, next: 0 },
        { topic: FEE, partition: 1, next: 40 },
      ],
    );
    expect(t.seekTo(FEE, 0)).toBe(120);
    expect(t.seekTo(FEE, 1)).toBe(40);
    expect(t.seekTo(FEE, 2)).toBeUndefined();
    expect(t.seekTo(VISIT, 0)).toBeUndefined();
  });
});

describe('PartitionOffsets: which messages of a fetch are fresh', () => {
  it('skips the messages below the offset DuckDB holds and takes the rest; the next seek is past them', () => {
    const t = new PartitionOffsets([{ topic: FEE, partition: 0, next: 120 }]);
    const take = t.take(FEE, 0, fetched(115, 124));
    expect(offsetsOf(take.fresh)).toEqual([120, 121, 122, 123, 124]);
    expect(take.skipped).toBe(5);
    expect(take.gap).toBeUndefined();
    expect(t.seekTo(FEE, 0)).toBe(125);

    // A fetch wholly below: nothing taken, the position unchanged.
    const again = t.take(FEE, 0, fetched(100, 119));
    expect(again.fresh).toEqual([]);
    expect(again.skipped).toBe(20);
    expect(t.seekTo(FEE, 0)).toBe(125);
  });

  it('skips a message below the staged offset, and one below what is taken but still decoding', () => {
    const t = new PartitionOffsets([], [{ topic: FEE, partition: 0, next: 0 }]);
    expect(offsetsOf(t.take(FEE, 0, fetched(0, 9)).fresh)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    t.stage(FEE, 0, 10);
    const redelivered = t.take(FEE, 0, fetched(5, 14));
    expect(offsetsOf(redelivered.fresh)).toEqual([10, 11, 12, 13, 14]);
    expect(redelivered.skipped).toBe(5);
    // 10 … 14 are taken (decoding), not staged: delivered again, they are still skipped.
    const decoding = t.take(FEE, 0, fetched(10, 14));
    expect(decoding.fresh).toEqual([]);
    expect(decoding.skipped).toBe(5);
  });

  it('reports a gap when the first fresh message is past the offset DuckDB holds, and takes what is there', () => {
    const t = new PartitionOffsets([{ topic: FEE, partition: 0, next: 100 }]);
    const take = t.take(FEE, 0, fetched(105, 107));
    expect(take.gap).toEqual({ expected: 100, got: 105 });
    expect(offsetsOf(take.fresh)).toEqual([105, 106, 107]);
    expect(t.seekTo(FEE, 0)).toBe(108);
    // Contiguous from there on: no gap.
    expect(t.take(FEE, 0, fetched(108, 109)).gap).toBeUndefined();
  });

  it('reports no gap on a partition DuckDB holds nothing of until a batch of it has landed', () => {
    const t = new PartitionOffsets([], [{ topic: FEE, partition: 1, next: 40 }]);
    expect(t.take(FEE, 1, fetched(40, 44)).gap).toBeUndefined();
    expect(t.take(FEE, 1, fetched(47, 48)).gap).toBeUndefined();
    t.stage(FEE, 1, 49);
    t.land(t.seal());
    expect(t.take(FEE, 1, fetched(52, 53)).gap).toEqual({ expected: 49, got: 52 });
  });
});

describe('PartitionOffsets: rebalance and crash', () => {
  it('hands a partition over on a rebalance: the new member seeks past what the old one took, a re-delivery is taken once', () => {
    // One process, two members sharing one tracker (and one lander).
    const t = new PartitionOffsets([
      { topic: FEE, partition: 0, next: 100 },
      { topic: FEE, partition: 1, next: 200 },
    ]);
    // Member A holds both partitions: it takes fee:0 100 … 109 (staged) and fee:1 200 … 204 (still decoding).
    const a0 = t.take(FEE, 0, fetched(100, 109));
    t.stage(FEE, 0, 110);
    const a1 = t.take(FEE, 1, fetched(200, 204));
    // Rebalance: fee:1 moves to member B, fee:0 stays with A; both seek past what was taken.
    expect(t.seekTo(FEE, 1)).toBe(205);
    expect(t.seekTo(FEE, 0)).toBe(110);
    // Fetches started before the seeks took effect, from Kafka's committed offsets (nothing landed yet: 200 and 100).
    const b1 = t.take(FEE, 1, fetched(200, 209));
    const a0again = t.take(FEE, 0, fetched(100, 112));
    expect(b1.skipped).toBe(5);
    expect(a0again.skipped).toBe(10);
    // Each message taken exactly once, none lost.
    expect([...offsetsOf(a1.fresh), ...offsetsOf(b1.fresh)]).toEqual([200, 201, 202, 203, 204, 205, 206, 207, 208, 209]);
    expect([...offsetsOf(a0.fresh), ...offsetsOf(a0again.fresh)]).toEqual([
      100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112,
    ]);
  });

  it('after a crash between staging and landing, a tracker built from what DuckDB holds re-takes exactly the unlanded messages', () => {
    const before = new PartitionOffsets([{ topic: FEE, partition: 0, next: 100 }]);
    before.take(FEE, 0, fetched(100, 149));
    before.stage(FEE, 0, 150);
    before.take(FEE, 0, fetched(150, 159)); // decoding when the process dies
    expect(before.seal()).toEqual([{ topic: FEE, partition: 0, next: 150 }]);
    // Killed before the transaction committed: DuckDB still holds 100.
    const after = new PartitionOffsets([{ topic: FEE, partition: 0, next: 100 }], [{ topic: FEE, partition: 0, next: 0 }]);
    expect(after.seekTo(FEE, 0)).toBe(100);
    const retaken = after.take(FEE, 0, fetched(100, 159));
    expect(retaken.skipped).toBe(0);
    expect(retaken.fresh).toHaveLength(60);
    expect(retaken.fresh[0]).toEqual({ offset: '100' });
    expect(retaken.fresh[59]).toEqual({ offset: '159' });
  });

  it('after a crash just after the commit, the new tracker re-takes only what followed the landed batch', () => {
    // The transaction stored 150 with the rows of 100 … 149; Kafka (committed 100) re-delivers from 100.
    const after = new PartitionOffsets([{ topic: FEE, partition: 0, next: 150 }]);
    const retaken = after.take(FEE, 0, fetched(100, 159));
    expect(retaken.skipped).toBe(50);
    expect(offsetsOf(retaken.fresh)).toEqual([150, 151, 152, 153, 154, 155, 156, 157, 158, 159]);
  });
});

describe('PartitionOffsets: staged → landed, and the mirror', () => {
  it('seals each partition where its staged messages end, once; the next batch starts with none', () => {
    const t = new PartitionOffsets([]);
    t.stage(FEE, 0, 10);
    t.stage(FEE, 0, 20);
    t.stage(VISIT, 3, 5);
    expect(t.seal()).toEqual([
      { topic: FEE, partition: 0, next: 20 },
      { topic: VISIT, partition: 3, next: 5 },
    ]);
    expect(t.seal()).toEqual([]);
  });

  it("never lets Kafka's mirror run ahead of what landed in DuckDB", () => {
    const t = new PartitionOffsets([{ topic: FEE, partition: 0, next: 100 }]);
    expect(t.mirror()).toEqual([{ topic: FEE, partition: 0, next: 100 }]);
    t.take(FEE, 0, fetched(100, 109));
    t.stage(FEE, 0, 110);
    expect(t.mirror()).toEqual([{ topic: FEE, partition: 0, next: 100 }]);
    const sealed = t.seal();
    expect(t.mirror()).toEqual([{ topic: FEE, partition: 0, next: 100 }]);
    // The next batch fills while the sealed one lands.
    t.take(FEE, 0, fetched(110, 119));
    t.stage(FEE, 0, 120);
    t.take(FEE, 1, fetched(0, 4));
    t.stage(FEE, 1, 5);
    t.land(sealed);
    expect(t.mirror()).toEqual([{ topic: FEE, partition: 0, next: 110 }]);
    expect(t.landedAt(FEE, 0)).toBe(110);
    // fee:1 is staged, not landed: left out of the mirror.
    expect(
      t.mirror([
        { topic: FEE, partition: 0 },
        { topic: FEE, partition: 1 },
      ]),
    ).toEqual([{ topic: FEE, partition: 0, next: 110 }]);
    expect(t.landedAt(FEE, 1)).toBeUndefined();
    t.land(t.seal());
    expect(t.mirror()).toEqual([
      { topic: FEE, partition: 0, next: 120 },
      { topic: FEE, partition: 1, next: 5 },
    ]);
  });

  it('never moves a landed offset back (as the greatest() that stores it in DuckDB)', () => {
    const t = new PartitionOffsets([{ topic: FEE, partition: 0, next: 100 }]);
    t.land([{ topic: FEE, partition: 0, next: 90 }]);
    expect(t.landedAt(FEE, 0)).toBe(100);
  });
});

describe('tpKey', () => {
  it('keys a partition as topic:partition and splits it back', () => {
    expect(tpKey('t-1a2b.fee', 3)).toBe('t-1a2b.fee:3');
    expect(splitTpKey('t-1a2b.fee:3')).toEqual({ topic: 't-1a2b.fee', partition: 3 });
  });
});
