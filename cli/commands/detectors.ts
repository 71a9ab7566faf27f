import type { Command } from 'commander';
import { formatIssue, formatSummary, hasErrors, issuesJson } from '../../core/diagnostics/index.js';
import { CONFIG_DIR, DETECTORS, loadConfigs } from '../../detectors/index.js';
import { CheckFailed } from '../exit.js';
import { table } from '../format.js';

/** `fundwatch detectors list|lint`: the statistical detectors and their config files. Wiring only. */
export function registerDetectors(program: Command): void {
  const detectors = program.command('detectors').description('统计检测器: 列出 (list)、检查配置 (lint)');

  detectors
    .command('list')
    .description('列出每个检测器: id、版本、模式、状态与生效的参数 (配置文件中的值, 未写的取默认值)')
    .option('--dir <dir>', '检测器配置目录', CONFIG_DIR)
    .option('--json', '以 JSON 输出')
    .action((opts: { dir: string; json?: boolean }) => {
      const { loaded, issues } = loadConfigs(DETECTORS, opts.dir);
      const rows = loaded.map((l) => ({
        id: l.detector.id,
        version: l.version,
        pattern: l.detector.pattern,
        status: l.status,
        title: l.title,
        params: l.detector.params.parse(l.params),
      }));
      if (opts.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else
        process.stdout.write(
          `${table(
            ['检测器', '版本', '模式', '状态', '说明', '参数'],
            rows.map((r) => [r.id, String(r.version), r.pattern, r.status, r.title, JSON.stringify(r.params)]),
          )}\n`,
        );
      for (const i of issues) process.stderr.write(`${formatIssue(i)}\n`);
      if (hasErrors(issues)) throw new CheckFailed();
    });

  detectors
    .command('lint')
    .description('检查检测器配置文件: 每个问题给出 文件:行:列、代码与修改建议 (锁文件的版本检查见 fundwatch rules lint)')
    .option('--dir <dir>', '检测器配置目录', CONFIG_DIR)
    .option('--json', '每行一个问题 (JSON)')
    .addHelpText('after', '\n退出码: 0 无错误, 1 有错误, 2 用法错误, 3 错误')
    .action((opts: { dir: string; json?: boolean }) => {
      const { issues } = loadConfigs(DETECTORS, opts.dir);
      if (opts.json) process.stdout.write(issuesJson(issues));
      else {
        for (const i of issues) process.stdout.write(`${formatIssue(i)}\n`);
        process.stdout.write(`${formatSummary(issues)}\n`);
      }
      if (hasErrors(issues)) throw new CheckFailed();
    });
}
