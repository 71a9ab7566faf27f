import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PATTERNS, type Pattern } from '../../contract/patterns.js';
import { FundwatchError } from '../../core/errors.js';
import {
  dirWriter,
  generate,
  GeneratorConfig,
  knowledgeTables,
  SCALE_NAMES,
  SCALES,
  type GenerateSummary,
  type GeneratorConfigInput,
} from '../../generator/index.js';
import { n, table } from '../format.js';
import { parseNonNegative, parsePositive } from './ingest.js';

interface GenerateOptions {
  seed?: number;
  scale?: string;
  start?: string;
  days?: number;
  out?: string;
  config?: string;
  knowledge?: string;
  gzip?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** What `generate` leaves in an output directory (and may replace with --force). */
const OUTPUTS = ['reference', 'messages', 'labels.json', 'manifest.json'];

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('生成合成城市数据: 参考数据 CSV, NDJSON 消息 (T0/T1, 进销存), 以及注入欺诈的真实标签 labels.json')
    .option('--seed <n>', '随机种子 (同一种子输出逐字节相同)', parseNonNegative)
    .option('--scale <scale>', `规模: ${SCALE_NAMES.join(' | ')} (tiny ≈ 2 万条费用明细/7 天, town ≈ 50 万/30 天, city ≥ 1000 万/30 天)`)
    .option('--start <date>', '第一天 yyyy-MM-dd (default 2026-01-01)')
    .option('--days <n>', '天数 (default: tiny 7, town 30, city 30)', parsePositive)
    .option('--out <dir>', '输出目录')
    .option('--config <file>', 'JSON 配置文件: 各欺诈模式与相似正常行为的注入率 (rates, lookalikes), 噪声 (noise)')
    .option('--knowledge <dir>', '知识库目录 (default rules/knowledge)')
    .option('--no-gzip', '不压缩 NDJSON (default: gzip 1 级)')
    .option('--force', '覆盖输出目录中已有的生成结果')
    .option('--json', '以 JSON 输出汇总')
    .option('-q, --quiet', '不显示进度')
    .addHelpText(
      'after',
      `
输出: <out>/reference/*.csv  <out>/messages/<日期>.ndjson.gz  <out>/labels.json  <out>/manifest.json
随后: fundwatch reference load <out>/reference && fundwatch ingest --from <out>/messages
退出码: 0 完成, 2 用法错误, 3 错误
示例: fundwatch generate --seed 42 --scale town --out ./data/town`,
    )
    .action(async (opts: GenerateOptions) => {
      const config = configOf(opts);
      const out = opts.out as string;
      prepareOut(out, Boolean(opts.force));
      const tables = knowledgeTables(...(opts.knowledge ? [opts.knowledge] : []));
      const quiet = Boolean(opts.quiet || opts.json);
      const started = performance.now();
      let last = 0;
      const summary = await generate(config, dirWriter(out, { gzip: config.gzip }), {
        tables,
        onProgress: (p) => {
          const now = performance.now();
          if (quiet || now - last < 3000) return;
          last = now;
          process.stderr.write(`生成中 ${p.date}  费用明细 ${n(p.feeLines)}  消息 ${n(p.messages)}\n`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds })}\n`);
      else process.stdout.write(formatGenerateSummary(summary, out, seconds));
    });
}

/** The configuration from the options (and the --config file), validated by the generator's schema. */
export function configOf(opts: GenerateOptions): GeneratorConfig {
  if (opts.seed === undefined) throw new FundwatchError('usage', '需要 --seed <n>');
  if (!opts.scale) throw new FundwatchError('usage', `需要 --scale <${SCALE_NAMES.join('|')}>`);
  if (!opts.out) throw new FundwatchError('usage', '需要 --out <目录>');
  let fromFile: Record<string, unknown> = {};
  if (opts.config) {
    try {
      fromFile = JSON.parse(readFileSync(opts.config, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new FundwatchError('usage', `无法读取配置文件 ${opts.config}: ${(err as Error).message}`, { cause: err });
    }
  }
  const input = {
    ...fromFile,
    seed: opts.seed,
    scale: opts.scale,
    ...(opts.start ? { start: opts.start } : {}),
    ...(opts.days ? { days: opts.days } : {}),
    ...(opts.gzip === false ? { gzip: false } : {}),
  } as GeneratorConfigInput;
  const r = GeneratorConfig.safeParse(input);
  if (!r.success)
    throw new FundwatchError('usage', `配置无效: ${r.error.issues.map((i) => `${i.path.join('.') || '(根)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

function prepareOut(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  const present = readdirSync(out).filter((f) => OUTPUTS.includes(f));
  if (present.length === 0) return;
  if (!force) throw new FundwatchError('usage', `${out} 中已有生成结果 (${present.join(', ')}); 如需覆盖请加 --force`);
  for (const f of present) rmSync(path.join(out, f), { recursive: true, force: true });
}

export function formatGenerateSummary(s: GenerateSummary, out: string, seconds: number): string {
  const st = s.stats;
  const scale = SCALES[s.config.scale];
  const labelRows = Object.keys(PATTERNS)
    .map((p) => [p, PATTERNS[p as Pattern], s.labels.frauds[p] ?? 0, s.labels.honest[p] ?? 0] as const)
    .filter(([, , f, h]) => f > 0 || h > 0)
    .map(([p, zh, f, h]) => [p, zh, n(f), n(h)]);
  return [
    `生成完成: 规模 ${s.config.scale} (参保人 ${n(s.persons)}, 机构 ${n(s.institutions)}), 种子 ${s.config.seed}, ${s.startDate} 起 ${s.days} 天, 用时 ${seconds.toFixed(1)} 秒 → ${out}`,
    `  默认规模参数: 参保人 ${n(scale.persons)}, ${scale.days} 天; 知识库 ${s.knowledgeVersion}`,
    table(
      ['项目', '数量'],
      [
        ['费用明细 (T0)', n(st.feeLines)],
        ['费用明细 (T1 对账重传)', n(st.t1FeeLines)],
        ['进销存明细', n(st.psiLines)],
        ['消息', n(st.messages)],
        ['  其中故意构造的错误消息', n(st.malformed)],
        ['门诊/购药就诊', n(st.visits)],
        ['住院', n(st.stays)],
        ['结算', n(st.settlements)],
        ['文件', n(s.files.length)],
        ['消息字节 (未压缩)', n(s.messageBytes)],
      ],
    ),
    '注入的欺诈与相似的正常行为 (labels.json):',
    table(['模式', '中文', '欺诈标签', '相似正常'], labelRows),
    `错误消息 ${n(s.labels.malformed)} 条 (labels.json malformed)`,
    `下一步: fundwatch reference load ${path.join(out, 'reference')} && fundwatch ingest --from ${path.join(out, 'messages')}`,
    '',
  ].join('\n');
}
