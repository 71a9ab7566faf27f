import type { Command } from 'commander';
import { startApi } from '../../api/index.js';
import { FundwatchError } from '../../core/errors.js';
import { createScheduler, JOBS } from '../../jobs/index.js';
import { openStore } from '../../store/index.js';
import { contextOf, warnDemoKey } from '../context.js';
import { formatRun } from './jobs.js';
import { SHARED_OPTION_HELP, startKafkaIngest } from './ingest.js';

interface ServeOpts {
  port: number;
  host: string;
  jobs?: boolean;
  kafka?: boolean;
  brokers?: string;
  group?: string;
  topicPrefix?: string;
}

/**
 * `fundwatch serve`: the long-running process that owns the database. It serves the JSON API the
 * CLI goes through (cases, suppressions, credit, jobs, reports), and, as asked, runs the job
 * scheduler and the Kafka consumer on the same database.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('常驻服务: 持有数据库, 提供本机 JSON API (CLI 自动经由它操作), 可同时运行定时任务 (--jobs) 与 Kafka 消费 (--kafka)')
    .option('--port <n>', '端口 (0: 任选空闲端口)', (v) => Number(v), 7408)
    .option('--host <addr>', '监听地址 (只应是本机)', '127.0.0.1')
    .option('--jobs', `按时运行定时任务 (${JOBS.map((j) => `${j.name} ${j.cron}`).join('; ')}, 北京时间), 启动时补跑错过的一次`)
    .option('--kafka', '同时消费 Kafka (与 fundwatch ingest --kafka 相同的设置)')
    .option('--brokers <list>', SHARED_OPTION_HELP.brokers)
    .option('--group <id>', 'Kafka 消费组 (default: $FUNDWATCH_KAFKA_GROUP 或 fundwatch)')
    .option('--topic-prefix <p>', SHARED_OPTION_HELP.topicPrefix)
    .addHelpText(
      'after',
      `
令牌与地址写在数据库旁的 <数据库>.serve.json (权限 0600, 只有属主可读); 服务结束时删除。
示例: fundwatch serve --jobs
      fundwatch serve --jobs --kafka --brokers kafka1:9092`,
    )
    .action(async (opts: ServeOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (ctx.dbPath === ':memory:') throw new FundwatchError('usage', 'serve 需要数据库文件, 不能是 :memory:');
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65_535) throw new FundwatchError('usage', '--port 须为 0–65535');
      if (opts.kafka) warnDemoKey(ctx.pii);
      const store = await openStore(ctx.dbPath, opts.kafka ? { walAutocheckpoint: '1GB' } : {});
      const api = await startApi(store, { host: opts.host, port: opts.port });
      const scheduler = opts.jobs
        ? createScheduler(store, ctx.dbPath, { onRun: (r) => process.stderr.write(`${formatRun(r)}\n`) })
        : undefined;
      const kafka = opts.kafka ? await startKafkaIngest(store, opts, ctx.pii.key, true) : undefined;
      process.stderr.write(
        `fundwatch serve: API ${api.url} (令牌: ${api.file}) 数据库 ${ctx.dbPath}${scheduler ? '; 定时任务已启用' : ''}${kafka ? `; Kafka 消费 ${kafka.settings.brokers.join(',')}` : ''}; Ctrl-C 结束\n`,
      );
      let stopping: Promise<void> | undefined;
      const stop = () =>
        (stopping ??= (async () => {
          process.stderr.write('fundwatch serve: 正在结束…\n');
          await api.close();
          await scheduler?.stop();
          if (kafka) {
            await kafka.ingest.stop();
            await kafka.ingest.done.catch(() => undefined);
            await kafka.pool.close();
          }
          await store.close();
        })());
      const done = new Promise<void>((resolve, reject) => {
        const onSignal = () => {
          stop().then(resolve, reject);
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      if (scheduler) {
        const caught = await scheduler.catchUp();
        if (caught.length) process.stderr.write(`启动时补跑了 ${caught.length} 次错过的任务\n`);
      }
      await done;
    });
}
