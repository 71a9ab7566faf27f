import type { Command } from 'commander';
import { ISSUE_CODES, isIssueCode } from '../../core/diagnostics/index.js';
import { FundwatchError } from '../../core/errors.js';
import { qualitySummary, type QualityBy } from '../../ingest/index.js';
import { contextOf, withStore } from '../context.js';
import { n, table } from '../format.js';
import { parsePositive } from './ingest.js';

/** `fundwatch quality`: the data-quality notes of what landed, by sender, field or code. Wiring only. */

const HEADER: Record<QualityBy, string> = { sender: '机构', field: '字段', code: '代码' };

export function registerQuality(program: Command): void {
  program
    .command('quality')
    .description('数据质量备注: 以非标准形式发送但已接收的消息 (合同 §8), 按机构、字段或代码汇总')
    .option('--by <what>', 'sender (机构) | field (字段) | code (代码)', 'sender')
    .option('--limit <n>', '最多列出行数 (default 50)', parsePositive)
    .option('--json', '每行一个 JSON 对象')
    .addHelpText(
      'after',
      '\n备注不影响入库: 消息完整落库, 备注说明做了什么规范化 (如只有日期的时间字段、名称写在代码字段、使用省级字段名)。',
    )
    .action(async (opts: { by: string; limit?: number; json?: boolean }, cmd: Command) => {
      if (opts.by !== 'sender' && opts.by !== 'field' && opts.by !== 'code')
        throw new FundwatchError('usage', `--by 应为 sender、field 或 code, 实际 ${JSON.stringify(opts.by)}`);
      const by: QualityBy = opts.by;
      const rows = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await qualitySummary(conn, by, opts.limit ?? 50);
        } finally {
          conn.closeSync();
        }
      });
      if (opts.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify({ [by]: r.key, ...r, key: undefined })}\n`);
        return;
      }
      if (!rows.length) {
        process.stdout.write('没有数据质量备注\n');
        return;
      }
      const zh = (code: string) => (isIssueCode(code) ? `${code} (${ISSUE_CODES[code]})` : code);
      process.stdout.write(
        `${table(
          [HEADER[by], '备注', '消息', by === 'code' ? '字段' : '代码', '示例 (原值)'],
          rows.map((r) => [by === 'code' ? zh(r.key) : r.key, n(r.notes), n(r.messages), r.detail.slice(0, 3).join(', '), r.example ?? '']),
        )}\n`,
      );
    });
}
