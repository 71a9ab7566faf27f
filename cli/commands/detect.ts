import { Option, type Command } from 'commander';
import { formatGroupSummary, groupCases, type GroupSummary } from '../../cases/index.js';
import { CONFIG_DIR, runDetectors, runnableDetectors } from '../../detectors/index.js';
import { detect, detectableRules, knowledgeOrThrow, LIBRARY_DIR, type RuleRun, type ScanRun } from '../../rules/index.js';
import { nowText } from '../../core/clock.js';
import { contextOf, withStore } from '../context.js';
import { n, table } from '../format.js';
import { parseDate } from './rules.js';

/** `fundwatch detect`: runs the rule library and the statistical detectors over the store and writes hits (contract §6). */
export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description(
      '运行规则库 (状态 test 与 stable 的规则) 与统计检测器, 把命中写入命中表: 同样的事实得到同样的 jr_id, 重复运行不新增; 事实消失的命中标记为撤回',
    )
    .option('--since <date>', '起始日期 yyyy-MM-dd (含)', parseDate)
    .option('--until <date>', '截止日期 yyyy-MM-dd (含)', parseDate)
    .option('--rules <ids>', '只运行这些规则 (逗号分隔的 id; 点名的 experimental 规则也会运行, deprecated 的不会)', (v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .option('--include-experimental', '同时运行状态为 experimental 的规则')
    .addOption(new Option('--only <side>', '只运行一侧: rules 规则 或 detectors 检测器').choices(['rules', 'detectors']))
    .option('--detectors <ids>', '只运行这些检测器 (逗号分隔的 id)', (v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .option('--dir <dir>', '规则目录', LIBRARY_DIR)
    .option('--detector-dir <dir>', '检测器配置目录', CONFIG_DIR)
    .option('--no-cases', '不把命中归并为线索 (默认检测后即归并, 见 fundwatch cases)')
    .option('--json', '以 JSON 输出每条规则的运行结果')
    .addHelpText(
      'after',
      '\n退出码: 0 完成 (无论是否有命中), 2 用法错误, 3 错误 (规则有错误时不运行)\n示例: fundwatch detect --since 2026-01-01 --until 2026-01-31',
    )
    .action(
      async (
        opts: {
          since?: string;
          until?: string;
          rules?: string[];
          detectors?: string[];
          only?: 'rules' | 'detectors';
          includeExperimental?: boolean;
          dir: string;
          detectorDir: string;
          json?: boolean;
          cases: boolean;
        },
        cmd: Command,
      ) => {
        const rulesToo = opts.only !== 'detectors' && !(opts.detectors && !opts.rules);
        const detectorsToo = opts.only !== 'rules' && !(opts.rules && !opts.detectors);
        const picked = rulesToo
          ? detectableRules(opts.dir, {
              ...(opts.rules ? { ids: opts.rules } : {}),
              includeExperimental: opts.includeExperimental === true,
            })
          : [];
        const detectors = detectorsToo ? runnableDetectors(opts.detectorDir, opts.detectors) : [];
        const window = { since: opts.since, until: opts.until };
        const knowledge = knowledgeOrThrow();
        const t0 = performance.now();
        let scan: ScanRun | undefined;
        let grouped: GroupSummary | undefined;
        const runs = await withStore(contextOf(cmd).dbPath, async (store) => {
          const conn = await store.connect();
          try {
            const out: RuleRun[] = [];
            if (picked.length) out.push(...(await detect(conn, picked, knowledge, window, undefined, { onScan: (s) => (scan = s) })));
            if (detectors.length) out.push(...(await runDetectors(conn, detectors, window)));
            if (opts.cases) grouped = await groupCases(conn, nowText());
            return out;
          } finally {
            conn.closeSync();
          }
        });
        const seconds = (performance.now() - t0) / 1000;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(runs)}\n`);
          return;
        }
        process.stdout.write(
          `${table(
            ['规则/检测器', '版本', '命中', '新增', '撤回', '秒'],
            runs.map((r) => [r.rule_id, String(r.version), n(r.hits), n(r.added), n(r.withdrawn), r.seconds.toFixed(2)]),
          )}\n`,
        );
        if (scan)
          process.stdout.write(
            `\n共享扫描: ${scan.rules.length} 条规则共用一次读取的 ${n(scan.rows)} 条目录限定项目费用明细 (${scan.seconds.toFixed(2)} 秒, 不计入各规则)\n`,
          );
        const sum = (f: (r: (typeof runs)[number]) => number) => n(runs.reduce((s, r) => s + f(r), 0));
        process.stdout.write(
          `\n${picked.length} 条规则、${detectors.length} 个检测器: 命中 ${sum((r) => r.hits)} 条, 新增 ${sum((r) => r.added)}, 撤回 ${sum((r) => r.withdrawn)}; 用时 ${seconds.toFixed(1)} 秒\n`,
        );
        if (grouped) process.stdout.write(`${formatGroupSummary(grouped)}\n`);
      },
    );
}
