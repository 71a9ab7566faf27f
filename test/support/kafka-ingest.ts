import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { dirWriter, generate, knowledgeTables, type GenerateSummary } from '../../generator/index.js';
import { createDecodePool, defaultDecodeWorkers } from '../../ingest/decode-pool.js';
import { replayFiles } from '../../ingest/index.js';
import { kafkaClient, resolveKafkaSettings, type KafkaSettings } from '../../kafka/config.js';
import { KafkaIngest, type ConsumeDeps, type ConsumeOptions, type ConsumeSummary } from '../../kafka/consume.js';
import { produceFiles } from '../../kafka/produce.js';
import { openStore, type Store } from '../../store/open.js';
import { PII_KEY } from './fixtures.js';
import { countsAndSums, orderFreeState } from './state.js';
import { ingest } from './store.js';

/** Settings for one test: its own topic prefix and group, so test files never see each other's data. */
export function testSettings(bootstrap: string): KafkaSettings {
  const id = randomUUID().slice(0, 8);
  return resolveKafkaSettings({ brokers: bootstrap, group: `g-${id}`, topicPrefix: `t-${id}.` }, {});
}

/** A generated city in a temporary directory; its message files, as replay and produce take them. */
export async function generatedCity(
  scale: 'tiny' | 'town',
  seed: number,
): Promise<{ dir: string; files: string[]; summary: GenerateSummary }> {
  const dir = mkdtempSync(path.join(tmpdir(), `fundwatch-kafka-${scale}-`));
  const summary = await generate({ seed, scale }, dirWriter(dir, { gzip: true }), { tables: knowledgeTables() });
  return { dir, files: replayFiles(path.join(dir, 'messages')), summary };
}

/**
 * Runs a Kafka ingest until it is done, made as the CLI makes it: a kafkajs client of the settings
 * (or the one given) and a decode pool of `workers` threads (default one per core) with the test
 * key, closed once the ingest is done.
 */
export async function runIngest(
  store: Pick<Store, 'connect'>,
  settings: KafkaSettings,
  options: ConsumeOptions & { readonly workers?: number },
  kafka: ConsumeDeps['kafka'] = kafkaClient(settings),
): Promise<ConsumeSummary> {
  const { workers, ...consume } = options;
  const pool = createDecodePool(PII_KEY, workers ?? defaultDecodeWorkers());
  try {
    const running = await KafkaIngest.start(store, settings, consume, { kafka, pool });
    return await running.done;
  } finally {
    await pool.close();
  }
}

/**
 * A kafkajs client of the settings that keeps every consumer it makes, in the order made (an
 * ingest's members make theirs in member order): a test disconnects one, as a member that dies.
 */
export function keepingConsumers(settings: KafkaSettings): { kafka: ConsumeDeps['kafka']; consumers: Consumer[] } {
  const client = kafkaClient(settings);
  const consumers: Consumer[] = [];
  return {
    consumers,
    kafka: {
      admin: (config) => client.admin(config),
      producer: (config) => client.producer(config),
      consumer: (config) => {
        const consumer = client.consumer(config);
        consumers.push(consumer);
        return consumer;
      },
    },
  };
}

export async function produce(settings: KafkaSettings, files: readonly string[], partitions = 4): Promise<number> {
  return (await produceFiles(settings, files, { partitions })).messages;
}

/** What a replay ingest of the files gives: the oracle every Kafka test compares with. */
export async function replayOracle(
  files: readonly string[],
): Promise<{ state: Record<string, string[]>; sums: Record<string, Record<string, unknown>> }> {
  const store = await openStore(':memory:');
  try {
    await ingest(store, files);
    return await stateOf(store);
  } finally {
    await store.close();
  }
}

export async function stateOf(
  store: Awaited<ReturnType<typeof openStore>>,
): Promise<{ state: Record<string, string[]>; sums: Record<string, Record<string, unknown>> }> {
  const conn = await store.connect();
  try {
    return { state: await orderFreeState(conn), sums: await countsAndSums(conn) };
  } finally {
    conn.closeSync();
  }
}

export async function stateOfFile(dbPath: string): ReturnType<typeof stateOf> {
  const store = await openStore(dbPath);
  try {
    return await stateOf(store);
  } finally {
    await store.close();
  }
}

/** Every message of a topic, read from the beginning with a throwaway group. */
export async function readTopic(bootstrap: string, topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'fundwatch-test-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, sessionTimeout: 6000, heartbeatInterval: 500 });
  const out: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length} of ${count} messages of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            out.push(message);
            if (out.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export function tempDb(prefix: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), `fundwatch-${prefix}-`)), 'fundwatch.duckdb');
}

/**
 * Small batches landed on every pause, decoding inline, a short session: a stream cut into many
 * transactions, so that a test can act (drop a member, restart the broker) between two of them.
 */
export const SMALL_BATCHES = { batchRows: 500, workers: 0, sessionTimeoutMs: 6000, untilIdleSeconds: 2 } as const;
