import type { Command } from 'commander';
import { formatFinding } from '../../core/diagnostics/index.js';
import { loadReference } from '../../reference/index.js';
import { contextOf, warnDemoKey, withStore } from '../context.js';
import { n, table } from '../format.js';

export function registerReference(program: Command): void {
  const reference = program.command('reference').description('参考数据 (机构, 医师, 目录, 参保人, 检查人员)');
  reference
    .command('load <dir>')
    .description(
      '加载目录中的 institutions.csv, practitioners.csv, catalog.csv, insured.csv, inspectors.csv (按文件哈希版本化, 未变更的文件跳过)',
    )
    .option('--json', '以 JSON 输出汇总')
    .addHelpText('after', '\n退出码: 0 完成 (含被拒收的行), 2 用法错误, 3 错误')
    .action(async (dir: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      warnDemoKey(ctx.pii);
      const results = await withStore(ctx.dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await loadReference(conn, dir, { piiKey: ctx.pii.key });
        } finally {
          conn.closeSync();
        }
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(results)}\n`);
        return;
      }
      const status = { loaded: '已加载', refused: '拒收(保留原版本)', unchanged: '未变更(跳过)', missing: '缺少文件' } as const;
      process.stdout.write(
        `参考数据 ${dir} → ${ctx.dbPath}\n${table(
          ['文件', '状态', '加载行', '拒收行'],
          results.map((r) => [r.file, status[r.status], n(r.rowsLoaded), n(r.rowsRejected)]),
        )}\n`,
      );
      for (const r of results) {
        for (const d of r.headerIssues) process.stdout.write(`  ${r.file}:1  [${d.code}]  ${formatFinding(d)}\n`);
        for (const rej of r.rejected) process.stdout.write(`  ${r.file}:${rej.line}  [${rej.code}]  ${rej.reason}\n`);
      }
    });
}
