import { statSync } from 'node:fs';
import { CompressionTypes, Partitioners, type Message } from 'kafkajs';
import { streamOf } from '../contract/messages.js';
import { readLines } from '../ingest/lines.js';
import { uploadModeOf } from '../ingest/index.js';
import { dataTopics, dlqTopic, kafkaClient, t1Topic, type KafkaSettings } from './config.js';
import { ensureTopics } from './topics.js';

/**
 * Publishes replay files (generator output, an export) to the platform topics, one message per
 * line, as the insurance platform does: key = `fixmedins_code` (one institution stays ordered in one
 * partition), topic by `infno` (contract §1). Lines go out byte for byte, broken ones included, so
 * a demo or benchmark sees exactly what a replay would. For demos, tests and benchmarks.
 */
export interface ProduceOptions {
  /** Partitions for topics that do not exist yet (default 4). */
  readonly partitions?: number;
  /**
   * Bytes per produce request (default 768 KiB): one request carries one record batch per
   * partition, and the broker refuses a batch over its message.max.bytes (1 MiB by default).
   */
  readonly batchBytes?: number;
  /** Stop after this many messages (for benchmarks). */
  readonly maxMessages?: number;
  readonly onProgress?: (p: ProduceProgress) => void;
}

export interface ProduceProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly messages: number;
}

export interface ProduceSummary {
  readonly files: number;
  readonly messages: number;
  readonly bytes: number;
  readonly byTopic: Record<string, number>;
  readonly seconds: number;
}

/** Envelope fields found in the raw text (a truncated line still has its leading fields). */
const INFNO = /"infno"\s*:\s*"?(\w+)/;
const SENDER = /"fixmedins_code"\s*:\s*"([^"\\]{1,64})"/;

/** `infno` and sender of a raw line: looked for in its first 4 KiB (where senders put them), else in all of it. */
function envelopeOf(bytes: Buffer): { infno: string | undefined; sender: string | undefined } {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 4096));
  let infno = INFNO.exec(head)?.[1];
  let sender = SENDER.exec(head)?.[1];
  if ((infno === undefined || sender === undefined) && bytes.length > 4096) {
    const text = bytes.toString('utf8');
    infno ??= INFNO.exec(text)?.[1];
    sender ??= SENDER.exec(text)?.[1];
  }
  return { infno, sender };
}

export async function produceFiles(
  settings: KafkaSettings,
  files: readonly string[],
  options: ProduceOptions = {},
): Promise<ProduceSummary> {
  const started = performance.now();
  // A producer for a demo or a benchmark should say soon that the broker is not there.
  const kafka = kafkaClient(settings, { retry: { initialRetryTime: 300, retries: 5 } });
  const admin = kafka.admin();
  // The Java client's murmur2 partitioner, so other tools agree on which partition a sender's messages are in.
  // Idempotent: a send retried after the broker had already appended it is not appended twice (seen
  // in the test suite: a retried batch put 204 messages on the topics twice). It retries until the
  // broker takes the batch; one request in flight, as idempotence requires.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const batchBytes = options.batchBytes ?? 768 * 1024;
  const bytesTotal = files.reduce((s, f) => s + statSync(f).size, 0);
  const byTopic: Record<string, number> = {};
  let messages = 0;
  let bytes = 0;
  let bytesRead = 0;
  await admin.connect();
  try {
    const data = dataTopics(settings.topicPrefix);
    await ensureTopics(admin, [...data, ...data.map(t1Topic), dlqTopic(settings.topicPrefix)], options.partitions ?? 4);
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  try {
    let pending = new Map<string, Message[]>();
    let pendingCount = 0;
    let pendingBytes = 0;
    const send = async () => {
      if (!pendingCount) return;
      const topicMessages = [...pending].map(([topic, msgs]) => ({ topic, messages: msgs }));
      pending = new Map();
      pendingCount = 0;
      pendingBytes = 0;
      // acks from all in-sync replicas: a published message survives a broker failover.
      await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      options.onProgress?.({ bytesRead, bytesTotal, messages });
    };
    outer: for (const file of files) {
      // A replay directory named T1 holds re-uploads whose envelope may not say so: their own topics (contract §8).
      const t1 = uploadModeOf(file) === 'T1';
      for await (const l of readLines(file, (n) => (bytesRead += n))) {
        const { infno, sender } = envelopeOf(l.bytes);
        const stream = `${settings.topicPrefix}${streamOf(infno)}`;
        const topic = t1 ? t1Topic(stream) : stream;
        const key = sender ?? null;
        if (pendingBytes + l.bytes.length > batchBytes) await send();
        let list = pending.get(topic);
        if (!list) pending.set(topic, (list = []));
        list.push({ key, value: l.bytes });
        pendingCount++;
        pendingBytes += l.bytes.length;
        messages++;
        bytes += l.bytes.length;
        byTopic[topic] = (byTopic[topic] ?? 0) + 1;
        if (options.maxMessages !== undefined && messages >= options.maxMessages) break outer;
      }
    }
    await send();
  } finally {
    await producer.disconnect();
  }
  return { files: files.length, messages, bytes, byTopic, seconds: (performance.now() - started) / 1000 };
}
