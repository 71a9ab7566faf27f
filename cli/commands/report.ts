import path from 'node:path';
import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { formatMorningSummary, type MorningResult } from '../../reports/index.js';
import { contextOf } from '../context.js';

/** `fundwatch report`: reports for supervisors; `report morning` writes the morning report. */
export function registerReport(program: Command): void {
  const report = program.command('report').description('报告: 供监管人员阅读的晨报等');
  report
    .command('morning')
    .description('生成晨报 (HTML 图表与线索表、Markdown 摘要、XLSX 线索清单), 统计截至当日 07:00 (北京时间)')
    .option('--date <yyyy-MM-dd>', '晨报日期 (北京时间; default: 今天)')
    .option('--out <dir>', '输出目录 (default: 数据库文件所在目录下的 reports/)')
    .option('--json', '以 JSON 输出结果')
    .addHelpText('after', '\n示例: fundwatch report morning --date 2026-03-02 --out ./reports')
    .action(async (opts: { date?: string; out?: string; json?: boolean }, cmd: Command) => {
      const { dbPath } = contextOf(cmd);
      // The server may run in another folder: the CLI resolves the folder it was given.
      const result = await invoke<MorningResult>(dbPath, 'report.morning', {
        date: opts.date,
        outDir: opts.out ? path.resolve(opts.out) : undefined,
      });
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatMorningSummary(result)}\n`);
    });
}
