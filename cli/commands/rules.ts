import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FundwatchError } from '../../core/errors.js';
import { invoke } from '../../api/index.js';
import type { RuleStats } from '../../cases/index.js';
import { formatIssue, formatSummary, hasErrors, issuesJson } from '../../core/diagnostics/index.js';
import {
  explainRule,
  tableVersion,
  knowledgeOrThrow,
  LIBRARY_DIR,
  lintPaths,
  loadRules,
  lockPaths,
  preview,
  readText,
  runRuleTest,
  testFileOf,
  type LoadedRule,
} from '../../rules/index.js';
import { contextOf, withStore } from '../context.js';
import { CheckFailed } from '../exit.js';
import { n, table } from '../format.js';

/**
 * `fundwatch rules lint|test|explain|preview|lock`: the rule author's tools. Wiring only; the work
 * is in rules/.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function parseDate(v: string): string {
  if (!DATE.test(v) || Number.isNaN(Date.parse(v))) throw new FundwatchError('usage', `日期应为 yyyy-MM-dd, 实际 ${JSON.stringify(v)}`);
  return v;
}

/** The compiled rule with id `id` in the library, or a usage error naming what is there. */
function ruleById(id: string, dir: string): LoadedRule {
  const { rules, issues } = loadRules([dir]);
  const r = rules.find((x) => x.compiled.rule.id === id);
  if (r) return r;
  const broken = issues.filter((i) => i.severity === 'error' && path.basename(i.at.file ?? '', '.yaml') === id);
  if (broken.length)
    throw new FundwatchError('config', `规则 ${id} 有错误, 先运行 fundwatch rules lint:\n${broken.map(formatIssue).join('\n')}`);
  throw new FundwatchError('usage', `规则库中没有 ${id}; 可用: ${rules.map((x) => x.compiled.rule.id).join(', ')}`);
}

export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('智能监控规则: 检查 (lint)、测试 (test)、解读 (explain)、预览 (preview)、锁定版本 (lock)、反馈统计 (stats)');

  rules
    .command('lint')
    .description('检查规则文件: 列出每个文件的全部问题 (文件:行:列, 代码, 严重性, 修改建议)')
    .argument('[paths...]', '规则文件或目录 (default: rules/library)')
    .option('--json', '每行一个问题 (JSON): code, severity, message, hint, expected, got, at {file, line, col, path}')
    .addHelpText('after', '\n退出码: 0 无错误 (可有警告), 1 有错误, 2 用法错误, 3 错误\n示例: fundwatch rules lint rules/library')
    .action((paths: string[], opts: { json?: boolean }) => {
      const issues = lintPaths(paths.length ? paths : [LIBRARY_DIR]);
      if (opts.json) process.stdout.write(issuesJson(issues));
      else {
        for (const i of issues) process.stdout.write(`${formatIssue(i)}\n`);
        process.stdout.write(`${formatSummary(issues)}\n`);
      }
      if (hasErrors(issues)) throw new CheckFailed();
    });

  rules
    .command('test')
    .description('运行规则测试 (<id>.test.yaml): 在全新的内存数据库中加载测试数据, 用生产相同的 SQL 运行规则, 打印 TP/FP/FN')
    .argument('[ids...]', '规则 id (default: 全部有测试文件的规则)')
    .option('--dir <dir>', '规则目录', LIBRARY_DIR)
    .option('--json', '以 JSON 输出结果')
    .addHelpText('after', '\n状态为 test 或 stable 的规则必须有测试 (rules lint 检查)。\n退出码: 0 全部通过, 1 有失败, 2 用法错误, 3 错误')
    .action(async (ids: string[], opts: { dir: string; json?: boolean }) => {
      const { rules: loaded, issues } = loadRules([opts.dir]);
      const knowledge = knowledgeOrThrow();
      const picked = ids.length
        ? ids.map((id) => ruleById(id, opts.dir))
        : loaded.filter((r) => existsSync(testFileOf(r.file, r.compiled.rule.id)));
      const outcomes = [];
      for (const r of picked) {
        const tf = testFileOf(r.file, r.compiled.rule.id);
        if (!existsSync(tf))
          throw new FundwatchError('usage', `规则 ${r.compiled.rule.id} 没有测试文件 ${path.relative(process.cwd(), tf)}`);
        outcomes.push(await runRuleTest(r.compiled, readText(tf), path.relative(process.cwd(), tf), knowledge));
      }
      const brokenRules = ids.length ? [] : issues.filter((i) => i.severity === 'error');
      if (opts.json) process.stdout.write(`${JSON.stringify(outcomes)}\n`);
      else {
        process.stdout.write(
          `${table(
            ['规则', 'TP', 'FP', 'FN', '结果'],
            outcomes.map((o) => [o.rule_id, String(o.tp), String(o.fp), String(o.fn), o.passed ? '通过' : '失败']),
          )}\n`,
        );
        for (const o of outcomes.filter((x) => !x.passed)) {
          process.stdout.write(`\n✗ ${o.rule_id} (${o.file})\n`);
          for (const i of o.issues) process.stdout.write(`  ${formatIssue(i)}\n`);
          for (const m of o.missing) process.stdout.write(`  应命中而未命中: ${m}\n`);
          for (const u of o.unexpected) process.stdout.write(`  不应命中却命中: ${u}\n`);
        }
        for (const i of brokenRules) process.stdout.write(`${formatIssue(i)}\n`);
        const failed = outcomes.filter((o) => !o.passed).length;
        process.stdout.write(`\n${failed || brokenRules.length ? '✗' : '✓'} ${outcomes.length - failed} 条规则通过, ${failed} 条失败\n`);
      }
      if (outcomes.some((o) => !o.passed) || brokenRules.length) throw new CheckFailed();
    });

  rules
    .command('explain')
    .description('解读一条规则: 中文逻辑说明、使用的知识库表及版本、编译后的 SQL')
    .argument('<id>', '规则 id')
    .option('--dir <dir>', '规则目录', LIBRARY_DIR)
    .addHelpText('after', '\n示例: fundwatch rules explain split-admission')
    .action((id: string, opts: { dir: string }) => {
      const r = ruleById(id, opts.dir);
      const k = knowledgeOrThrow();
      const versions = Object.fromEntries(r.compiled.knowledge.map((t) => [t, tableVersion(k, t)]));
      process.stdout.write(explainRule(r.compiled, versions));
    });

  rules
    .command('preview')
    .description('预览一条规则在当前数据上的命中: 按月命中数与金额, 命中最多的机构; 不写入命中表')
    .argument('<id>', '规则 id')
    .option('--since <date>', '起始日期 yyyy-MM-dd (含)', parseDate)
    .option('--until <date>', '截止日期 yyyy-MM-dd (含)', parseDate)
    .option('--top <n>', '列出前 n 个机构', (v) => Number(v), 10)
    .option('--dir <dir>', '规则目录', LIBRARY_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (id: string, opts: { since?: string; until?: string; top: number; dir: string; json?: boolean }, cmd: Command) => {
      const r = ruleById(id, opts.dir);
      const k = knowledgeOrThrow();
      const p = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await preview(conn, r.compiled, k, { since: opts.since, until: opts.until }, opts.top);
        } finally {
          conn.closeSync();
        }
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(p)}\n`);
        return;
      }
      process.stdout.write(`${r.compiled.rule.title} [${id}]: 命中 ${n(p.hits)} 条, 涉及金额 ${p.amount} 元 (未写入命中表)\n\n按月:\n`);
      process.stdout.write(
        `${table(
          ['月份', '命中', '金额'],
          p.byMonth.map((m) => [m.month, n(m.hits), m.amount]),
        )}\n\n命中最多的机构:\n`,
      );
      process.stdout.write(
        `${table(
          ['机构', '命中', '金额'],
          p.topSubjects.map((s) => [s.fixmedins_code, n(s.hits), s.amount]),
        )}\n`,
      );
    });

  rules
    .command('lock')
    .description('记录每条规则与每个知识库表的版本和内容哈希到 rules.lock.json (规则目录下)')
    .argument('[paths...]', '规则目录 (default: rules/library)')
    .addHelpText('after', '\n修改规则或知识库后: 提高 version, 运行本命令, 再提交。rules lint 检查内容变了而版本没变的文件。')
    .action((paths: string[]) => {
      const file = lockPaths(paths.length ? paths : [LIBRARY_DIR]);
      process.stdout.write(`已写入 ${path.relative(process.cwd(), file) || file}\n`);
    });

  rules
    .command('stats')
    .description('规则反馈: 每条规则与检测器 (按版本) 的命中、被白名单压制的命中、线索及其确认/驳回、驳回原因与实际精确率')
    .option('--rule <id>', '只看这一规则或检测器')
    .option('--json', '每行一个 JSON 对象')
    .addHelpText(
      'after',
      '\n实际精确率 = 确认 / (确认 + 驳回); 确认含整改、结案; 尚无裁定时为 -。\n示例: fundwatch rules stats --rule over-price',
    )
    .action(async (opts: { rule?: string; json?: boolean }, cmd: Command) => {
      const stats = await invoke<RuleStats[]>(contextOf(cmd).dbPath, 'rules.stats', { rule: opts.rule });
      if (opts.json) {
        for (const r of stats) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      if (!stats.length) {
        process.stdout.write(opts.rule !== undefined ? `没有规则或检测器 ${opts.rule} 的命中\n` : '还没有命中 (先运行 fundwatch detect)\n');
        return;
      }
      process.stdout.write(
        `${table(
          ['规则/检测器', '版本', '模式', '命中', '压制', '撤回', '线索', '确认', '驳回', '实际精确率', '最近检出', '最近发生', '驳回原因'],
          stats.map((r) => [
            r.rule_id,
            r.rule_version,
            r.pattern,
            n(r.hits),
            n(r.suppressed),
            n(r.withdrawn),
            n(r.cases),
            n(r.confirmed),
            n(r.dismissed),
            r.precision === null ? '-' : `${(r.precision * 100).toFixed(1)}%`,
            r.last_detected_at?.slice(0, 10) ?? '-',
            r.last_occurred_on ?? '-',
            r.dismiss_reasons.map((d) => `${d.reason || '未注明'} ×${d.count}`).join('; '),
          ]),
        )}\n共 ${n(stats.length)} 个规则/检测器版本\n`,
      );
    });
}
