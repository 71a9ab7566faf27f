import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Labels } from '../../contract/labels.js';
import { FundwatchError } from '../../core/errors.js';
import { caseHitIds, listCases } from '../../cases/index.js';
import { caseScore, formatCaseScore, formatScorecard, readHits, scorecard, trueHitIds, type Scorecard } from '../../score/index.js';
import { contextOf, withStore } from '../context.js';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('检测评分: 将数据库中的命中 (hit 表) 与数据集的真实标签 labels.json 比对, 按模式给出精确率、召回率、F1、P@k')
    .option('--labels <file>', '真实标签文件 labels.json (fundwatch generate 的输出, 合同 §7)')
    .option('--k <list>', 'P@k 的 k, 逗号分隔 (default 10,100)', parseKs)
    .option('--cases', '为线索 (cases) 评分: 按风险分排序的队列的 P@k (线索中任一命中为真即为真线索)')
    .option('--json', '以 JSON 输出评分')
    .addHelpText(
      'after',
      '\n在任何规则或检测器运行之前也可使用 (此时各模式召回率为 0)。\n退出码: 0 完成, 2 用法错误, 3 错误\n示例: fundwatch score --labels ./data/town/labels.json',
    )
    .action(async (opts: { labels?: string; k?: number[]; json?: boolean; cases?: boolean }, cmd: Command) => {
      if (!opts.labels) throw new FundwatchError('usage', '需要 --labels <labels.json>');
      const labels = readLabels(opts.labels);
      const ctx = contextOf(cmd);
      const { hits, ranked } = await withStore(ctx.dbPath, async (store) => {
        const conn = await store.connect();
        try {
          if (!opts.cases) return { hits: await readHits(conn), ranked: [] };
          const ids = await caseHitIds(conn);
          const queue = await listCases(conn);
          return {
            hits: await readHits(conn),
            ranked: queue.map((c) => ({ case_id: c.case_id, pattern: c.pattern, jr_ids: ids.get(c.case_id) ?? [] })),
          };
        } finally {
          conn.closeSync();
        }
      });
      if (opts.cases) {
        const s = caseScore(ranked, trueHitIds(hits, labels), opts.k ?? [10, 20, 100]);
        process.stdout.write(opts.json ? `${JSON.stringify(s)}\n` : formatCaseScore(s));
        return;
      }
      const card: Scorecard = scorecard(hits, labels, opts.k ?? [10, 100]);
      if (opts.json) process.stdout.write(`${JSON.stringify(card)}\n`);
      else process.stdout.write(formatScorecard(card));
    });
}

/** Reads and validates labels.json (contract §7); a bad file is reported with every problem. */
export function readLabels(file: string): Labels {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FundwatchError('io', `无法读取标签文件 ${file}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FundwatchError('config', `标签文件 ${file} 不是有效的 JSON`);
  }
  const r = Labels.safeParse(json);
  if (!r.success)
    throw new FundwatchError(
      'config',
      `标签文件 ${file} 不符合合同 §7: ${r.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.join('.') || '(根)'}: ${i.message}`)
        .join('; ')}${r.error.issues.length > 10 ? ` … 共 ${r.error.issues.length} 处` : ''}`,
    );
  return r.data;
}

function parseKs(v: string): number[] {
  const ks = v.split(',').map((x) => Number(x.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k <= 0))
    throw new FundwatchError('usage', `--k 需要逗号分隔的正整数, 实际 ${JSON.stringify(v)}`);
  return [...new Set(ks)].sort((a, b) => a - b);
}
