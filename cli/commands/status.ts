import type { Command } from 'commander';
import { qualityCounts } from '../../ingest/index.js';
import { tableCounts } from '../../store/index.js';
import { contextOf, withStore } from '../context.js';
import { n, table } from '../format.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('数据库概况: 各表当前行数与版本数, 最近批次, 拒收数, Kafka 偏移量')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const out = await withStore(ctx.dbPath, async (store) => {
        const conn = await store.connect();
        try {
          const counts = await tableCounts(conn);
          const meta =
            (
              await conn.runAndReadAll(
                `SELECT (SELECT count(*) FROM message), (SELECT count(*) FROM rejected_message), (SELECT count(*) FROM ingest_batch)`,
              )
            ).getRows()[0] ?? [];
          const batches = (
            await conn.runAndReadAll(
              `SELECT batch_id, source, strftime(committed_at, '%Y-%m-%d %H:%M:%S'), messages_read, messages_accepted, messages_duplicate, messages_rejected, rows_landed
               FROM ingest_batch ORDER BY batch_id DESC LIMIT 5`,
            )
          ).getRows();
          // Where Kafka consumption resumes: the offsets DuckDB holds (Kafka's own are only a mirror).
          const kafka = (
            await conn.runAndReadAll(
              `SELECT topic, "partition", next_offset, group_id, strftime(updated_at, '%Y-%m-%d %H:%M:%S') FROM kafka_offset ORDER BY topic, "partition"`,
            )
          )
            .getRows()
            .map((r) => ({
              topic: String(r[0]),
              partition: Number(r[1]),
              nextOffset: Number(r[2]),
              group: String(r[3]),
              updatedAt: String(r[4]),
            }));
          const quality = await qualityCounts(conn);
          const traces = Number((await conn.runAndReadAll('SELECT count(*) FROM trace_code')).getRows()[0]?.[0] ?? 0);
          return {
            counts,
            kafka,
            quality,
            traceCodes: traces,
            messages: Number(meta[0]),
            rejected: Number(meta[1]),
            batches: Number(meta[2]),
            recent: batches.map((b) => b.map(String)),
          };
        } finally {
          conn.closeSync();
        }
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      process.stdout.write(
        [
          `数据库 ${ctx.dbPath}: 消息 ${n(out.messages)} 条, 拒收 ${n(out.rejected)} 条, 批次 ${n(out.batches)} 个`,
          `数据质量备注 ${n(out.quality.notes)} 条, 涉及 ${n(out.quality.messages)} 条消息 (fundwatch quality 查看); 药品追溯码 ${n(out.traceCodes)} 个`,
          table(
            ['表', '当前行', '全部版本'],
            out.counts.map((c) => [c.table, n(c.current), n(c.versions)]),
          ),
          out.recent.length ? '最近批次:' : '尚无导入批次',
          ...(out.recent.length ? [table(['批次', '来源', '提交时间(UTC)', '读取', '接收', '重复', '拒收', '落库行'], out.recent)] : []),
          ...(out.kafka.length
            ? [
                'Kafka 偏移量 (存于数据库, 下次从这里继续消费):',
                table(
                  ['主题', '分区', '下一偏移量', '消费组', '更新时间(UTC)'],
                  out.kafka.map((k) => [k.topic, String(k.partition), n(k.nextOffset), k.group, k.updatedAt]),
                ),
              ]
            : []),
        ].join('\n') + '\n',
      );
    });
}
