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

/** Low and high watermarks of every partition of the topics, keyed `topic:partition`. */
export async function watermarks(admin: Admin, topics: readonly string[]): Promise<Map<string, { low: number; high: number }>> {
  const out = new Map<string, { low: number; high: number }>();
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(tpKey(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
  return out;
}
