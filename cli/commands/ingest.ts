import path from 'node:path';
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../../core/errors.js';
import { aliasesInForce } from '../../ingest/aliases.js';
import { replay, replayFiles, type ReplaySummary } from '../../ingest/index.js';
import { createDecodePool, defaultDecodeWorkers } from '../../ingest/decode-pool.js';
import { KafkaIngest, type ConsumeSummary } from '../../kafka/consume.js';
import { dataTopics, kafkaClient, resolveKafkaSettings } from '../../kafka/config.js';
import type { Store } from '../../store/index.js';
import { contextOf, warnDemoKey, withStore } from '../context.js';
import { n, table } from '../format.js';
import { ingestProgress } from '../progress.js';

interface IngestOptions {
  from?: string;
  kafka?: boolean;
  brokers?: string;
  group?: string;
  topicPrefix?: string;
  untilIdle?: number;
  sessionTimeout?: number;
  batchRows?: number;
  workers?: number;
  uploadMode?: 'T0' | 'T1';
  topicMode?: string;
  aliases?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Help of the options `ingest` and `produce` share: one wording for both commands. */
export const SHARED_OPTION_HELP = {
  from: '文件或目录 (目录下所有 .ndjson / .ndjson.gz, 按文件名顺序)',
  brokers: 'Kafka broker 列表 host:port,… (default: $FUNDWATCH_KAFKA_BROKERS 或 127.0.0.1:9092)',
  topicPrefix: '主题前缀 (default: $FUNDWATCH_KAFKA_TOPIC_PREFIX 或 hi.)',
} as const;

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('导入消息: 重放 NDJSON 文件 (--from), 或消费 Kafka 主题 (--kafka)')
    .option('--from <path>', SHARED_OPTION_HELP.from)
    .option('--kafka', '从 Kafka 消费 (主题 hi.visit, hi.fee, hi.settlement, hi.psi; 拒收消息另发 hi.dlq)')
    .option('--brokers <list>', SHARED_OPTION_HELP.brokers)
    .option('--group <id>', '消费组 (default: $FUNDWATCH_KAFKA_GROUP 或 fundwatch)')
    .option('--topic-prefix <p>', SHARED_OPTION_HELP.topicPrefix)
    .option('--until-idle <s>', '分配到分区后, 所有分区积压为 0 持续 S 秒即退出 (批处理用); 不给则一直运行到 Ctrl-C', parsePositive)
    .option('--session-timeout <ms>', '消费组会话超时毫秒数 (default 30000)', parsePositive)
    .option('--batch-rows <n>', '每个事务的行数 (default 500000)', parsePositive)
    .option('--workers <n>', '解码线程数 (default: 文件小输入 0, 否则每核一个)', parseNonNegative)
    .option(
      '--upload-mode <mode>',
      '消息未带 upload_mode 时按此处理 (T0 或 T1); 不给: --from 下名为 T1 的目录里的文件为 T1, 其余 T0',
      parseUploadMode,
    )
    .option(
      '--topic-mode <list>',
      'Kafka: 各主题的上传方式, 如 hi.fee.t1=T1,hi.psi.t1=T1 (这些主题也会被消费; default: $FUNDWATCH_KAFKA_TOPIC_MODES)',
    )
    .option('--aliases <file>', '省级字段名别名表 (YAML/JSON), 补充合同自带的别名 (default: $FUNDWATCH_ALIASES)')
    .option('--json', '以 JSON 输出汇总')
    .option('-q, --quiet', '不显示进度')
    .addHelpText(
      'after',
      `
退出码: 0 完成 (含拒收消息), 2 用法错误, 3 错误
Kafka 消费: 偏移量与数据在同一个 DuckDB 事务中提交, 崩溃后从数据库中的偏移量继续, 不丢不重;
  Ctrl-C / SIGTERM 会处理完当前批次, 保存偏移量并离开消费组.
示例:
  fundwatch ingest --from ./replay/2026-03-01/
  fundwatch ingest --kafka --brokers kafka1:9092,kafka2:9092 --group fundwatch
  fundwatch ingest --kafka --until-idle 10`,
    )
    .action(async (opts: IngestOptions, cmd: Command) => {
      if (opts.kafka && opts.from) throw new FundwatchError('usage', '--from 与 --kafka 只能选一个');
      if (!opts.kafka && !opts.from) throw new FundwatchError('usage', '需要 --from <文件或目录> 或 --kafka');
      if (opts.kafka) return ingestKafka(opts, cmd);
      const from = opts.from as string;
      const ctx = contextOf(cmd);
      warnDemoKey(ctx.pii);
      const files = replayFiles(from);
      if (!files.length) throw new FundwatchError('usage', `${from} 下没有 .ndjson / .ndjson.gz 文件`);
      const aliases = aliasesInForce(opts.aliases);
      const progress = ingestProgress(Boolean(opts.quiet || opts.json));
      const { summary, rejected } = await withStore(
        ctx.dbPath,
        async (store) => {
          const conn = await store.connect();
          try {
            const summary = await replay(store, files, {
              piiKey: ctx.pii.key,
              onProgress: (p) => progress.update(p),
              ...(opts.batchRows ? { batchRows: opts.batchRows } : {}),
              ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
              ...(opts.uploadMode ? { uploadMode: opts.uploadMode } : {}),
              aliases,
            });
            return { summary, rejected: await rejectedOfRun(conn, summary.runId) };
          } finally {
            progress.stop();
            conn.closeSync();
          }
        },
        { walAutocheckpoint: '1GB' },
      );
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, rejectedMessages: rejected })}\n`);
      else process.stdout.write(formatSummary(summary, rejected, ctx.dbPath));
    });
}

/** Kafka options `ingest --kafka` and `serve --kafka` share. */
export type KafkaOptions = Pick<
  IngestOptions,
  'brokers' | 'group' | 'topicPrefix' | 'untilIdle' | 'sessionTimeout' | 'batchRows' | 'workers' | 'uploadMode' | 'topicMode' | 'aliases'
>;

/**
 * Starts the Kafka consumer on an open store: the settings from the options and the environment,
 * the decode pool, progress on stderr unless quiet. The caller awaits `ingest.done` and then closes the pool.
 */
export async function startKafkaIngest(store: Store, opts: KafkaOptions, piiKey: string, quiet: boolean) {
  const resolved = resolveKafkaSettings({ ...opts, ...(opts.topicMode ? { topicModes: opts.topicMode } : {}) });
  // --upload-mode stands for every data topic without a mode of its own.
  const topicModes = new Map(resolved.topicModes);
  if (opts.uploadMode) for (const t of dataTopics(resolved.topicPrefix)) if (!topicModes.has(t)) topicModes.set(t, opts.uploadMode);
  const settings = { ...resolved, topicModes };
  const pool = createDecodePool(piiKey, opts.workers ?? defaultDecodeWorkers(), { aliases: aliasesInForce(opts.aliases) });
  try {
    const ingest = await KafkaIngest.start(
      store,
      settings,
      {
        ...(opts.untilIdle !== undefined ? { untilIdleSeconds: opts.untilIdle } : {}),
        ...(opts.sessionTimeout !== undefined ? { sessionTimeoutMs: opts.sessionTimeout } : {}),
        ...(opts.batchRows ? { batchRows: opts.batchRows } : {}),
        onProgress: (p) => {
          if (quiet) return;
          const lag = Object.entries(p.lag)
            .map(([k, v]) => `${k}=${n(v)}`)
            .join(' ');
          process.stderr.write(
            `Kafka 导入: 消息 ${n(p.messages)} 已落库行 ${n(p.rows)} (${n(p.rowsPerSecond)} 行/秒) 拒收 ${n(p.rejected)} 批次 ${n(p.batches)} 积压 ${lag || '-'}\n`,
          );
        },
      },
      { kafka: kafkaClient(settings), pool },
    );
    return { ingest, pool, settings };
  } catch (err) {
    await pool.close();
    throw err;
  }
}

async function ingestKafka(opts: IngestOptions, cmd: Command): Promise<void> {
  const ctx = contextOf(cmd);
  warnDemoKey(ctx.pii);
  const quiet = Boolean(opts.quiet || opts.json);
  const { summary, rejected } = await withStore(
    ctx.dbPath,
    async (store: Store) => {
      // What the ingest runs on is made here: the Kafka client, and the decode pool (closed once the ingest is done).
      const { ingest, pool, settings } = await startKafkaIngest(store, opts, ctx.pii.key, quiet);
      try {
        if (!quiet)
          process.stderr.write(
            `Kafka 导入开始: ${settings.brokers.join(',')} 消费组 ${settings.groupId} 主题前缀 ${settings.topicPrefix} → ${ctx.dbPath}` +
              `${opts.untilIdle ? ` (积压为 0 持续 ${opts.untilIdle} 秒后退出)` : ' (Ctrl-C 结束)'}\n`,
          );
        let signals = 0;
        const onSignal = (sig: NodeJS.Signals) => {
          if (++signals > 1) {
            process.stderr.write('再次收到中断信号, 立即退出 (未落库的消息下次从数据库偏移量重新消费)\n');
            process.exit(130);
          }
          process.stderr.write(`收到 ${sig}, 处理完当前批次后退出…\n`);
          // A failure of the stop reaches the caller through ingest.done, which the command awaits.
          ingest.stop().catch(() => undefined);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const summary = await ingest.done;
          const conn = await store.connect();
          try {
            return { summary, rejected: await rejectedOfRun(conn, summary.runId) };
          } finally {
            conn.closeSync();
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      } finally {
        await pool.close();
      }
    },
    { walAutocheckpoint: '1GB' },
  );
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, rejectedMessages: rejected })}\n`);
  else process.stdout.write(formatKafkaSummary(summary, rejected, ctx.dbPath));
}

export function formatKafkaSummary(s: ConsumeSummary, rejected: readonly RejectedRow[], db: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rowsLanded / s.seconds) : 0;
  return formatReport(
    `Kafka 导入${s.stopReason === 'idle' ? '完成 (已无积压)' : '结束'}: ${s.batches} 个批次, 用时 ${s.seconds.toFixed(1)} 秒 (${n(rate)} 行/秒) → ${db}`,
    [
      ['读取消息', n(s.messagesRead)],
      ['接收', n(s.accepted)],
      ['重复跳过 (已导入的 msgid)', n(s.duplicates)],
      ['低于已存偏移量而跳过', n(s.skipped)],
      ['拒收', n(s.rejected)],
      ['  其中发往死信主题', n(s.deadLettered)],
      ['落库行数', n(s.rowsLanded)],
      ...Object.entries(s.rowsByTable).map(([t, c]) => [`  ${t}`, n(c)]),
    ],
    rejected,
    (r) => r.source,
  );
}

/** A headline, a two-column count table, and the first rejections with their position and reason. */
function formatReport(head: string, counts: string[][], rejected: readonly RejectedRow[], where: (r: RejectedRow) => string): string {
  const lines = [head, table(['项目', '数量'], counts)];
  if (rejected.length) {
    lines.push(`拒收消息 (共 ${rejected.length} 条, 详见 rejected_message 表或 fundwatch rejected list):`);
    for (const r of rejected.slice(0, 20)) lines.push(`  ${where(r)}${r.line === null ? '' : `:${r.line}`}  [${r.code}]  ${r.reason}`);
    if (rejected.length > 20) lines.push(`  … 另有 ${rejected.length - 20} 条`);
  }
  return `${lines.join('\n')}\n`;
}

export interface RejectedRow {
  readonly source: string;
  readonly line: number | null;
  readonly code: string;
  readonly reason: string;
}

/** The rejections first recorded by one run (a replayed rejection stays with the run that first saw it). */
export async function rejectedOfRun(conn: DuckDBConnection, runId: string): Promise<RejectedRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT r.source, r.line, r.code, r.reason FROM rejected_message r JOIN ingest_batch b USING (batch_id)
     WHERE b.run_id = $run ORDER BY r.source, r.line`,
    { run: runId },
  );
  return r.getRows().map((row) => ({
    source: String(row[0]),
    line: row[1] === null ? null : Number(row[1]),
    code: String(row[2]),
    reason: String(row[3]),
  }));
}

export function formatSummary(s: ReplaySummary, rejected: readonly RejectedRow[], db: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rowsLanded / s.seconds) : 0;
  return formatReport(
    `导入完成: ${s.files} 个文件, ${s.batches} 个批次, 用时 ${s.seconds.toFixed(1)} 秒 (${n(rate)} 行/秒) → ${db}`,
    [
      ['读取消息', n(s.messagesRead)],
      ['接收', n(s.accepted)],
      ['重复跳过 (已导入的 msgid)', n(s.duplicates)],
      ['拒收', n(s.rejected)],
      ['  其中新记录的拒收', n(s.rejectedNew)],
      ['落库行数', n(s.rowsLanded)],
      ...Object.entries(s.rowsByTable).map(([t, c]) => [`  ${t}`, n(c)]),
    ],
    rejected,
    (r) => path.basename(r.source),
  );
}

export function parsePositive(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x <= 0) throw new FundwatchError('usage', `需要正整数, 实际 ${JSON.stringify(v)}`);
  return x;
}

export function parseUploadMode(v: string): 'T0' | 'T1' {
  if (v !== 'T0' && v !== 'T1') throw new FundwatchError('usage', `上传方式应为 T0 或 T1, 实际 ${JSON.stringify(v)}`);
  return v;
}

export function parseNonNegative(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new FundwatchError('usage', `需要非负整数, 实际 ${JSON.stringify(v)}`);
  return x;
}
