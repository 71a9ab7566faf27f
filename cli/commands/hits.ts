import type { Command } from 'commander';
import { readHits } from '../../score/index.js';
import { contextOf, withStore } from '../context.js';
import { checkListOptions } from '../options.js';
import { n, table } from '../format.js';

/** `fundwatch hits list`: the hits in the store (not withdrawn), in the contract §6 shape. */
export function registerHits(program: Command): void {
  const hits = program.command('hits').description('命中 (线索): 规则与检测器的输出, 合同 §6 格式');
  hits
    .command('list')
    .description('列出命中 (不含已撤回的), 按涉及金额降序')
    .option('--pattern <p>', '只列出这一模式 (合同 §6 模式代码, 如 split-admission)')
    .option('--rule <id>', '只列出这条规则的命中')
    .option('--limit <n>', '最多列出 n 条 (default: 文本 50, JSON 全部)', (v) => Number(v))
    .option('--json', '每行一个 JSON 对象 (合同 §6 字段与 details)')
    .action(async (opts: { pattern?: string; rule?: string; limit?: number; json?: boolean }, cmd: Command) => {
      checkListOptions(opts);
      const all = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await readHits(conn);
        } finally {
          conn.closeSync();
        }
      });
      const picked = all
        .filter((h) => (opts.pattern === undefined || h.pattern === opts.pattern) && (opts.rule === undefined || h.rule_id === opts.rule))
        .sort((a, b) => b.vola_amt - a.vola_amt || a.jr_id.localeCompare(b.jr_id));
      const shown = picked.slice(0, opts.limit ?? (opts.json ? picked.length : 50));
      if (opts.json) {
        for (const h of shown) {
          const { score: _score, ...rest } = h;
          process.stdout.write(`${JSON.stringify(rest)}\n`);
        }
        return;
      }
      process.stdout.write(
        `${table(
          ['jr_id', '规则', '模式', '金额', '机构', '就诊', '违规内容'],
          shown.map((h) => [
            h.jr_id.slice(0, 12),
            `${h.rule_id}@${h.rule_version}`,
            h.pattern,
            h.vola_amt.toFixed(2),
            h.fixmedins_code,
            h.mdtrt_id,
            h.vola_cont,
          ]),
        )}\n共 ${n(picked.length)} 条${shown.length < picked.length ? `, 显示前 ${shown.length} 条` : ''}\n`,
      );
    });
}
