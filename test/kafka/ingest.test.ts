/**
 * Kafka ingest against the real test broker: what lands equals a replay ingest of the same files,
 * a poison message goes to the rejected table and the dead-letter topic without stalling its
 * partition, two members of one group in one process share the database and survive one of them
 * dying, and a restart resumes from the offsets DuckDB holds.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConsumeOptions } from '../../kafka/consume.js';
import type { KafkaSettings } from '../../kafka/config.js';
import { openStore, type Store } from '../../store/open.js';
import { Kafka, logLevel } from 'kafkajs';
import { fixtureLines, MESSAGES_DIR } from '../support/fixtures.js';
import { FEE_LINE } from '../support/messages.js';
import {
  generatedCity,
  keepingConsumers,
  produce,
  readTopic,
  replayOracle,
  runIngest,
  SMALL_BATCHES,
  stateOf,
  tempDb,
  testSettings,
} from '../support/kafka-ingest.js';
import { one, rows } from '../support/store.js';
import { runRegistered } from '../support/cli.js';
import { registerStatus } from '../../cli/commands/status.js';

const bootstrap = inject('kafkaBootstrap');

/** Consumes until every partition has been caught up for a second, in this process. */
async function consume(store: Store, settings: KafkaSettings, options: ConsumeOptions = {}) {
  return runIngest(store, settings, { untilIdleSeconds: 1, workers: 0, sessionTimeoutMs: 6000, ...options });
}

describe.skipIf(!bootstrap)('Kafka ingest (real broker)', () => {
  const broker = bootstrap as string;
  let tiny: Awaited<ReturnType<typeof generatedCity>>;
  let oracle: Awaited<ReturnType<typeof replayOracle>>;

  beforeAll(async () => {
    tiny = await generatedCity('tiny', 11);
    oracle = await replayOracle(tiny.files);
  }, 120_000);
  afterAll(() => rmSync(tiny.dir, { recursive: true, force: true }));

  it('lands a produced generated city exactly as a replay ingest of the same files, rejections included', async () => {
    const settings = testSettings(broker);
    const produced = await produce(settings, tiny.files);
    const store = await openStore(':memory:');
    try {
      const s = await consume(store, settings);
      expect(s.stopReason).toBe('idle');
      expect(s.messagesRead).toBe(produced);
      expect(s.rejected).toBeGreaterThan(0); // the generator's malformed messages
      expect(s.deadLettered).toBe(s.rejected);
      const got = await stateOf(store);
      expect(got.sums).toEqual(oracle.sums);
      expect(got.state).toEqual(oracle.state);
      // Every partition's offset is stored, and equals the partition's end: the 16 of the data topics,
      // and those of the T1 topics the generator's real senders re-upload to (contract §8).
      const conn = await store.connect();
      try {
        const stored = await one(
          conn,
          `SELECT count(*) FILTER (WHERE NOT ends_with(topic, '.t1')) AS partitions, count(*) FILTER (WHERE ends_with(topic, '.t1')) > 0 AS t1,
                  sum(next_offset) AS messages FROM kafka_offset`,
        );
        expect(stored).toEqual({ partitions: '16', t1: true, messages: String(produced) });
      } finally {
        conn.closeSync();
      }
    } finally {
      await store.close();
    }
  });

  it('rejects a poison message in the middle of a partition to the rejected table and the dead-letter topic, and lands what follows', async () => {
    const settings = testSettings(broker);
    const fees = fixtureLines('02-fees.ndjson');
    const poison =
      '{"infno":"2204","msgid":"POISON-1","fixmedins_code":"H51180200123","inf_time":"2026-03-02 09:52:10","input":{"feedetail":[{';
    const lines = [...fees.slice(0, 7).map(String), poison, ...fees.slice(7).map(String)];
    const file = path.join(tiny.dir, 'poison.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await produce(settings, [file], 1);
    const store = await openStore(':memory:');
    try {
      const s = await consume(store, settings);
      expect(s).toMatchObject({ messagesRead: lines.length, accepted: fees.length, rejected: 1, deadLettered: 1 });
      const conn = await store.connect();
      try {
        const rejected = await rows(conn, `SELECT source_kind, source, "partition", "offset", line, code, msgid FROM rejected_message`);
        expect(rejected).toEqual([
          {
            source_kind: 'kafka',
            source: `${settings.topicPrefix}fee`,
            partition: 0,
            offset: '7',
            line: null,
            code: 'invalid-json',
            msgid: null,
          },
        ]);
        // The messages after the poison landed: the fee lines equal a replay of the fee fixture alone.
        const oracleFees = await replayOracle([path.join(MESSAGES_DIR, '02-fees.ndjson')]);
        expect((await stateOf(store)).state['fee_line_version']).toEqual(oracleFees.state['fee_line_version']);
        const maxOffset = await one(conn, `SELECT max("offset") AS o FROM message`);
        expect(maxOffset).toEqual({ o: String(lines.length - 1) });
      } finally {
        conn.closeSync();
      }
      const [dead, ...more] = await readTopic(broker, `${settings.topicPrefix}dlq`, 1);
      expect(more).toEqual([]);
      expect(dead?.key?.toString()).toBe('H51180200123');
      expect(dead?.value?.toString()).toBe(poison);
      const h = Object.fromEntries(Object.entries(dead?.headers ?? {}).map(([k, v]) => [k, String(v)]));
      expect(h).toMatchObject({
        'fundwatch-code': 'invalid-json',
        'fundwatch-source-topic': `${settings.topicPrefix}fee`,
        'fundwatch-source-partition': '0',
        'fundwatch-source-offset': '7',
      });
      expect(h['fundwatch-reason']).toContain('不是有效的 JSON');
    } finally {
      await store.close();
    }
  });

  it("takes the upload mode of a message that has none from its topic: a sender's T1 re-uploads on a topic of their own win", async () => {
    const base = testSettings(broker);
    const t1Topic = `${base.topicPrefix}fee.t1`;
    const settings: KafkaSettings = { ...base, topicModes: new Map([[t1Topic, 'T1' as const]]) };
    const line = (msgid: string, cnt: number, infTime: string) =>
      JSON.stringify({
        infno: '2204',
        msgid,
        fixmedins_code: 'H51180200123',
        inf_time: infTime,
        input: { feedetail: [{ ...FEE_LINE, cnt, det_item_fee_sumamt: `${cnt * 10}.00` }] },
      });
    // The T1 re-upload is older by inf_time and arrives first: T1 must still win over the later T0.
    const kafka = new Kafka({ clientId: 'fundwatch-test', brokers: [broker], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: t1Topic, messages: [{ key: 'H51180200123', value: line('T1-1', 3, '2026-03-02 08:00:00') }] });
    await producer.send({
      topic: `${base.topicPrefix}fee`,
      messages: [{ key: 'H51180200123', value: line('T0-1', 1, '2026-03-02 09:00:00') }],
    });
    await producer.disconnect();
    const store = await openStore(':memory:');
    try {
      await consume(store, settings);
      const conn = await store.connect();
      try {
        expect(await rows(conn, 'SELECT msgid, upload_mode, upload_mode_source FROM message ORDER BY msgid')).toEqual([
          { msgid: 'T0-1', upload_mode: 'T0', upload_mode_source: 'source' },
          { msgid: 'T1-1', upload_mode: 'T1', upload_mode_source: 'source' },
        ]);
        expect(await rows(conn, 'SELECT upload_mode, CAST(cnt AS INTEGER) AS cnt FROM fee_line')).toEqual([{ upload_mode: 'T1', cnt: 3 }]);
      } finally {
        conn.closeSync();
      }
    } finally {
      await store.close();
    }
  });

  it('shares one database between two members of a group; when one dies mid-stream the other takes its partitions over', async () => {
    const settings = testSettings(broker);
    await produce(settings, tiny.files);
    const store = await openStore(':memory:');
    let dropped: Promise<void> | undefined;
    let batchesAtDrop = 0;
    try {
      // Small batches, so the first member dies with batches landed and more to come.
      const { kafka, consumers } = keepingConsumers(settings);
      const s = await runIngest(
        store,
        settings,
        {
          members: 2,
          ...SMALL_BATCHES,
          onBatch: (_r, batches) => {
            if (batches === 2) {
              batchesAtDrop = batches;
              // The first member's consumer leaves without landing anything itself; what it staged is
              // in the shared lander and lands with the next batch, as a crashed consumer's would be re-read.
              dropped = consumers[0]?.disconnect();
            }
          },
        },
        kafka,
      );
      await expect(dropped).resolves.toBeUndefined();
      // Batches landed after the drop: the surviving member consumed the rest.
      expect(s.batches).toBeGreaterThan(batchesAtDrop);
      const got = await stateOf(store);
      expect(got.sums).toEqual(oracle.sums);
      expect(got.state).toEqual(oracle.state);
    } finally {
      await store.close();
    }
  });

  it('resumes from the offsets in DuckDB, whatever the group: a second run over the same topics lands nothing', async () => {
    const settings = testSettings(broker);
    const produced = await produce(settings, tiny.files);
    const db = tempDb('kafka-resume');
    let store = await openStore(db);
    try {
      const first = await consume(store, settings);
      expect(first.messagesRead).toBe(produced);
    } finally {
      await store.close();
    }
    // `fundwatch status` shows where consumption will resume: every partition, ending where the topics end.
    const status = JSON.parse(await runRegistered(registerStatus, ['status', '--db', db, '--json'])) as {
      kafka: { topic: string; partition: number; nextOffset: number }[];
    };
    expect(status.kafka.filter((k) => !k.topic.endsWith('.t1'))).toHaveLength(16);
    expect(status.kafka.some((k) => k.topic.endsWith('.t1'))).toBe(true);
    expect(status.kafka.every((k) => k.topic.startsWith(settings.topicPrefix))).toBe(true);
    expect(status.kafka.reduce((sum, k) => sum + k.nextOffset, 0)).toBe(produced);
    store = await openStore(db);
    try {
      // A new group has no committed offsets in Kafka: only DuckDB knows where this database ends.
      const again = await consume(store, { ...settings, groupId: `${settings.groupId}-new` });
      expect(again).toMatchObject({ messagesRead: 0, rowsLanded: 0, batches: 0 });
      const got = await stateOf(store);
      expect(got.state).toEqual(oracle.state);
    } finally {
      await store.close();
      rmSync(path.dirname(db), { recursive: true, force: true });
    }
  });
});
