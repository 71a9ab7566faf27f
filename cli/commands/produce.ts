import type { Command } from 'commander';
import { FundwatchError } from '../../core/errors.js';
import { replayFiles } from '../../ingest/index.js';
import { resolveKafkaSettings } from '../../kafka/config.js';
import { produceFiles } from '../../kafka/produce.js';
import { n, table } from '../format.js';
import { parsePositive, SHARED_OPTION_HELP } from './ingest.js';

export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('把重放文件 (如 generate 的输出) 逐行发布到 Kafka 主题 (按 infno 分主题, key = fixmedins_code), 用于演示与压测')
    .requiredOption('--from <path>', SHARED_OPTION_HELP.from)
    .option('--brokers <list>', SHARED_OPTION_HELP.brokers)
    .option('--topic-prefix <p>', SHARED_OPTION_HELP.topicPrefix)
    .option('--partitions <n>', '新建主题的分区数 (default 4; 已有主题不变)', parsePositive)
    .option('--limit <n>', '最多发布多少条消息', parsePositive)
    .option('--json', '以 JSON 输出汇总')
    .option('-q, --quiet', '不显示进度')
    .addHelpText(
      'after',
      '\n退出码: 0 完成, 2 用法错误, 3 错误 (如 broker 不可达)\n示例: fundwatch produce --from ./city/messages --brokers 127.0.0.1:9092',
    )
    .action(
      async (opts: {
        from: string;
        brokers?: string;
        topicPrefix?: string;
        partitions?: number;
        limit?: number;
        json?: boolean;
        quiet?: boolean;
      }) => {
        const settings = resolveKafkaSettings(opts);
        const files = replayFiles(opts.from);
        if (!files.length) throw new FundwatchError('usage', `${opts.from} 下没有 .ndjson / .ndjson.gz 文件`);
        let last = Date.now();
        const quiet = Boolean(opts.quiet || opts.json);
        const summary = await produceFiles(settings, files, {
          ...(opts.partitions ? { partitions: opts.partitions } : {}),
          ...(opts.limit ? { maxMessages: opts.limit } : {}),
          onProgress: (p) => {
            if (quiet || Date.now() - last < 5000) return;
            last = Date.now();
            process.stderr.write(`发布进度 ${((100 * p.bytesRead) / Math.max(p.bytesTotal, 1)).toFixed(0)}% 已发布消息 ${n(p.messages)}\n`);
          },
        }).catch((err: unknown) => {
          throw err instanceof FundwatchError
            ? err
            : new FundwatchError('io', `发布到 Kafka 失败 (${settings.brokers.join(',')}): ${(err as Error).message}`, { cause: err });
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        const rate = summary.seconds > 0 ? Math.round(summary.messages / summary.seconds) : 0;
        process.stdout.write(
          `发布完成: ${summary.files} 个文件, ${n(summary.messages)} 条消息, ${(summary.bytes / 1024 / 1024).toFixed(1)} MB, 用时 ${summary.seconds.toFixed(1)} 秒 (${n(rate)} 条/秒) → ${settings.brokers.join(',')}\n` +
            `${table(
              ['主题', '消息数'],
              Object.entries(summary.byTopic).map(([t, c]) => [t, n(c)]),
            )}\n`,
        );
      },
    );
}
