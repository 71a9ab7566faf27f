import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { DATA_STREAMS } from '../contract/messages.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';

/**
 * Where the platform's topics are and what they are called. Contract §1 names them `hi.visit`,
 * `hi.fee`, `hi.settlement`, `hi.psi` and `hi.dlq`; a deployment (or a test) may put them under
 * another prefix. The consumer routes by `infno`, never by topic, so the topic a message arrives on
 * only matters for ordering and position.
 */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly topicPrefix: string;
  readonly clientId: string;
  /**
   * Topics with a configured upload mode, for messages whose envelope has none (contract §8): a
   * sender that omits `upload_mode` sends its T1 re-uploads on a topic of its own. Consumed beside
   * the data topics; every other topic's messages default to T0.
   */
  readonly topicModes: ReadonlyMap<string, 'T0' | 'T1'>;
}

export const DEFAULT_BROKERS = '127.0.0.1:9092';
export const DEFAULT_GROUP = 'fundwatch';
export const DEFAULT_TOPIC_PREFIX = 'hi.';

/** The topics of contract §1's four data streams (`streamOf` in contract/messages.ts gives an infno's). */
export function dataTopics(prefix: string): string[] {
  return DATA_STREAMS.map((s) => `${prefix}${s}`);
}

export function dlqTopic(prefix: string): string {
  return `${prefix}dlq`;
}

/**
 * The T1 topic of a data topic (`hi.fee` → `hi.fee.t1`): where a sender that omits `upload_mode`
 * publishes its next-day re-uploads (contract §8). Consumed as T1 unless configured otherwise; a
 * replay directory named `T1` is published there.
 */
export function t1Topic(topic: string): string {
  return `${topic}.t1`;
}

/** What the consumer reads: the data topics, and the topics with an upload mode (the T1 topics by default). */
export function consumedTopics(s: KafkaSettings): string[] {
  return [...new Set([...dataTopics(s.topicPrefix), ...s.topicModes.keys()])];
}

/** Every data topic's T1 topic, as T1. */
function defaultTopicModes(prefix: string): Map<string, 'T0' | 'T1'> {
  return new Map(dataTopics(prefix).map((t) => [t1Topic(t), 'T1' as const]));
}

/** `hi.fee.t1=T1,hi.psi.t1=T1` → topic → mode; a usage error names what is wrong. */
export function parseTopicModes(text: string | undefined): Map<string, 'T0' | 'T1'> {
  const out = new Map<string, 'T0' | 'T1'>();
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([\w.-]+)=(T0|T1)$/.exec(part);
    if (!m) throw new FundwatchError('usage', `主题上传方式应为 topic=T0 或 topic=T1, 实际 ${JSON.stringify(part)}`);
    out.set(m[1] as string, m[2] as 'T0' | 'T1');
  }
  return out;
}

/** Settings from flags, then FUNDWATCH_KAFKA_* variables, then the defaults. */
export function resolveKafkaSettings(
  flags: { brokers?: string; group?: string; topicPrefix?: string; topicModes?: string },
  env: NodeJS.ProcessEnv = process.env,
): KafkaSettings {
  const brokers = (flags.brokers ?? env['FUNDWATCH_KAFKA_BROKERS'] ?? DEFAULT_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers)
    if (!/^[\w.-]+:\d{1,5}$/.test(b)) throw new FundwatchError('usage', `broker 地址应为 host:port, 实际 ${JSON.stringify(b)}`);
  if (!brokers.length) throw new FundwatchError('usage', '需要至少一个 broker (--brokers host:port,…)');
  const prefix = flags.topicPrefix ?? env['FUNDWATCH_KAFKA_TOPIC_PREFIX'] ?? DEFAULT_TOPIC_PREFIX;
  return {
    brokers,
    groupId: flags.group ?? env['FUNDWATCH_KAFKA_GROUP'] ?? DEFAULT_GROUP,
    topicPrefix: prefix,
    clientId: 'fundwatch',
    topicModes: new Map([...defaultTopicModes(prefix), ...parseTopicModes(flags.topicModes ?? env['FUNDWATCH_KAFKA_TOPIC_MODES'])]),
  };
}

/**
 * kafkajs logs a refused connection or a failed request as an error even while it retries; what is
 * an error for fundwatch (retries exhausted, a crash) surfaces through the consumer, so its errors
 * are our warnings.
 */
const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through our logger (JSON on stderr, level from FUNDWATCH_LOG_LEVEL), never to stdout. */
function logCreator() {
  const log = logger('kafkajs');
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    // A rebalance is routine (kafkajs logs each member's "rejoin needed" response as an error).
    const routine = /rebalanc/i.test(`${message} ${String(rest['error'] ?? '')}`);
    log[routine ? 'debug' : (LEVELS[level] ?? 'info')](rest, message);
  };
}

export function kafkaClient(s: KafkaSettings, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: s.clientId,
    brokers: [...s.brokers],
    logLevel: logLevel.WARN,
    logCreator,
    // A broker restart or a slow election must not end the run: keep retrying, with backoff up to 10 s.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 50 },
    ...extra,
  });
}
