import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import type { statusOf } from '../../api/status.js';
import { contextOf } from '../context.js';
import { deadlineOption } from '../options.js';
import { n, table } from '../format.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('数据库概况: 各表当前行数与版本数, 最近批次, 拒收数, Kafka 偏移量 (fundwatch serve 运行时经由它查询)')
    .option('--json', '以 JSON 输出')
    .option(...deadlineOption)
    .addHelpText('after', '\n示例: fundwatch status --deadline-days 15')
    .action(async (opts: { json?: boolean; deadlineDays?: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const out = await invoke<Awaited<ReturnType<typeof statusOf>>>(ctx.dbPath, 'status', { deadline_days: opts.deadlineDays });
      const pub = out.publications;
      const overdue = pub.unpublished.filter((u) => u.overdue);
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
          ...(overdue.length
            ? [
                `⚠ 抽查结果逾期未公开 ${n(overdue.length)} 个 (抽取后 ${n(pub.deadline_days)} 个工作日内须公开; fundwatch draw publish <抽取编号>):`,
                table(
                  ['抽取编号', '计划', '抽取日', '公开期限'],
                  overdue.map((u) => [u.draw_id, u.plan_id, u.drawn_on, u.deadline_on]),
                ),
              ]
            : []),
          ...(pub.unpublished.length > overdue.length
            ? [
                `待公开的抽取 ${n(pub.unpublished.length - overdue.length)} 个: ${pub.unpublished
                  .filter((u) => !u.overdue)
                  .map((u) => `${u.draw_id} (期限 ${u.deadline_on})`)
                  .join(', ')}`,
              ]
            : []),
          ...(pub.stale.length
            ? [`公开后又登记了检查结果的抽取 ${n(pub.stale.length)} 个, 请重新公开: ${pub.stale.map((x) => x.draw_id).join(', ')}`]
            : []),
        ].join('\n') + '\n',
      );
    });
}
