/**
 * The test broker harness itself (test/support/kafka-broker.ts): a real Kafka answers kafkajs, keeps
 * exact payloads, and keeps its data across a restart on the same port and log dir.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startBroker, type Broker } from '../support/kafka-broker.js';
import { readTopic } from '../support/kafka-ingest.js';

const bootstrap = inject('kafkaBootstrap');

function client(brokers: string): Kafka {
  return new Kafka({ clientId: `fundwatch-test-${randomUUID()}`, brokers: [brokers], logLevel: logLevel.NOTHING });
}

/** Produces `values` to `topic` (keys k0..k2 spread them over partitions), acks from all replicas. */
async function produce(kafka: Kafka, topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i % 3}`, value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads `count` messages of `topic` from the beginning with a fresh random group; returns the values. */
async function consume(brokers: string, topic: string, count: number): Promise<string[]> {
  return (await readTopic(brokers, topic, count)).map((m) => m.value?.toString('utf8') ?? '<null>');
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

const payloads = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ seq: i, text: `消息 ${i} ✓`, id: randomUUID() }));

describe.skipIf(bootstrap === null)('test Kafka broker', () => {
  it('round-trips exact payloads through a random topic and group', async () => {
    const kafka = client(bootstrap!);
    const topic = `t-${randomUUID()}`;
    await createTopic(kafka, topic, 3);
    const sent = payloads(20);
    await produce(kafka, topic, sent);
    const got = await consume(bootstrap!, topic, sent.length);
    expect(got.sort()).toEqual([...sent].sort());
  });

  it('auto-creates topics on first produce with the configured partition count', async () => {
    const kafka = client(bootstrap!);
    const topic = `t-${randomUUID()}`;
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'first' }] });
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]?.partitions).toHaveLength(4); // num.partitions=4, the harness default
    } finally {
      await admin.disconnect();
    }
  });

  describe('a broker of its own', () => {
    let own: Broker | undefined;
    afterAll(async () => {
      await own?.close();
    });

    it('keeps data across stop/restart and kill/restart on the same port and log dir', async () => {
      own = await startBroker({ numPartitions: 2 });
      const { bootstrap: address, logDir } = own;
      const kafka = client(address);
      const topic = `t-${randomUUID()}`;
      await createTopic(kafka, topic, 2);
      const before = payloads(10);
      await produce(kafka, topic, before);

      await own.restart(); // graceful: SIGTERM, then start again
      expect(own.running).toBe(true);
      expect([own.bootstrap, own.logDir]).toEqual([address, logDir]);
      const between = payloads(5);
      await produce(kafka, topic, between);

      await own.kill(); // as a crash would
      expect(own.running).toBe(false);
      await own.restart();
      const all = [...before, ...between];
      expect((await consume(address, topic, all.length)).sort()).toEqual(all.sort());
    });
  });
});
