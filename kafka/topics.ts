import type { Admin } from 'kafkajs';
import { logger } from '../core/logger.js';
import { tpKey } from './offsets.js';

const log = logger('kafka.topics');

/**
 * Creates the topics that do not exist yet (a fresh cluster, or one with automatic topic creation
 * off) and returns their partition counts. Existing topics are left as they are.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], partitions: number): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length) {
    log.warn({ topics: missing, partitions }, 'creating missing topics');
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  }
  const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
  return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
}

/**
 * Low and high watermarks of every partition of the topics, keyed `topic:partition`. A retriable
 * broker error (a partition whose leader is still being elected, right after a topic is created or
 * a broker restarts: "This server is not the leader for that topic-partition") is retried a few
 * times with a short backoff, as kafkajs does not retry it on this admin call.
 */
export async function watermarks(admin: Admin, topics: readonly string[]): Promise<Map<string, { low: number; high: number }>> {
  const out = new Map<string, { low: number; high: number }>();
  for (const topic of topics)
    for (const p of await retrying(() => admin.fetchTopicOffsets(topic)))
      out.set(tpKey(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
  return out;
}

async function retrying<T>(call: () => Promise<T>, attempts = 6, delayMs = 250): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= attempts || (err as { retriable?: boolean }).retriable !== true) throw err;
      log.warn({ attempt: i, err: (err as Error).message }, 'retrying a retriable broker error');
      await new Promise((r) => setTimeout(r, delayMs * i));
    }
  }
}
