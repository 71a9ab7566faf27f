import path from 'node:path';
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../../core/errors.js';
import { replay, replayFiles, type ReplaySummary } from '../../ingest/index.js';
import { contextOf, warnDemoKey, withStore } from '../context.js';
import { n, table } from '../format.js';
import { ingestProgress } from '../progress.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('导入消息: 重放 NDJSON 文件 (.ndjson / .ndjson.gz) 到数据库 (replay ingest)')
    .option('--from <path>', '文件或目录 (目录下所有 .ndjson / .ndjson.gz, 按文件名顺序)')
    .option('--batch-rows <n>', '每个事务的行数 (default 250000)', parsePositive)
    .option('--workers <n>', '解码线程数 (default: 小输入 0, 否则每核一个)', parseNonNegative)
    .option('--json', '以 JSON 输出汇总')
    .option('-q, --quiet', '不显示进度')
    .addHelpText('after', '\n退出码: 0 完成 (含拒收消息), 2 用法错误, 3 错误\n示例: fundwatch ingest --from ./replay/2026-03-01/')
    .action(async (opts: { from?: string; batchRows?: number; workers?: number; json?: boolean; quiet?: boolean }, cmd: Command) => {
      if (!opts.from) throw new FundwatchError('usage', '需要 --from <文件或目录> (Kafka 导入见 --kafka, 尚未提供)');
      const ctx = contextOf(cmd);
      warnDemoKey(ctx.pii);
      const files = replayFiles(opts.from);
      if (!files.length) throw new FundwatchError('usage', `${opts.from} 下没有 .ndjson / .ndjson.gz 文件`);
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
  const lines = [
    `导入完成: ${s.files} 个文件, ${s.batches} 个批次, 用时 ${s.seconds.toFixed(1)} 秒 (${n(rate)} 行/秒) → ${db}`,
    table(
      ['项目', '数量'],
      [
        ['读取消息', n(s.messagesRead)],
        ['接收', n(s.accepted)],
        ['重复跳过 (已导入的 msgid)', n(s.duplicates)],
        ['拒收', n(s.rejected)],
        ['  其中新记录的拒收', n(s.rejectedNew)],
        ['落库行数', n(s.rowsLanded)],
        ...Object.entries(s.rowsByTable).map(([t, c]) => [`  ${t}`, n(c)]),
      ],
    ),
  ];
  if (rejected.length) {
    lines.push(`拒收消息 (共 ${rejected.length} 条, 详见 rejected_message 表或 fundwatch rejected list):`);
    for (const r of rejected.slice(0, 20)) lines.push(`  ${path.basename(r.source)}:${r.line ?? '?'}  [${r.code}]  ${r.reason}`);
    if (rejected.length > 20) lines.push(`  … 另有 ${rejected.length - 20} 条`);
  }
  return `${lines.join('\n')}\n`;
}

export function parsePositive(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x <= 0) throw new FundwatchError('usage', `需要正整数, 实际 ${JSON.stringify(v)}`);
  return x;
}

export function parseNonNegative(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new FundwatchError('usage', `需要非负整数, 实际 ${JSON.stringify(v)}`);
  return x;
}
