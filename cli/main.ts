import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT } from '../core/config.js';
import { FundwatchError } from '../core/errors.js';
import { registerBundle } from './commands/bundle.js';
import { registerCases } from './commands/cases.js';
import { registerJobs } from './commands/jobs.js';
import { registerServe } from './commands/serve.js';
import { registerCredit } from './commands/credit.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { registerDraw } from './commands/draw.js';
import { registerDetectors } from './commands/detectors.js';
import { registerGenerate } from './commands/generate.js';
import { registerHits } from './commands/hits.js';
import { registerIngest } from './commands/ingest.js';
import { registerKnowledge } from './commands/knowledge.js';
import { registerProduce } from './commands/produce.js';
import { registerReference } from './commands/reference.js';
import { registerQuality } from './commands/quality.js';
import { registerRejected } from './commands/rejected.js';
import { registerReport } from './commands/report.js';
import { registerRules } from './commands/rules.js';
import { registerScore } from './commands/score.js';
import { registerStatus } from './commands/status.js';
import { registerSuppress } from './commands/suppress.js';
import { CheckFailed, EXIT } from './exit.js';

/**
 * `fundwatch`: the entry point only wires (style item 9): parse arguments, call a stage, print,
 * exit with a documented code. Global --db is accepted before or after the subcommand.
 */
const packageVersion = () => (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('fundwatch')
    .description('fundwatch 医保基金智能监控: 消息导入 DuckDB, 规则与统计检测, 线索与检查')
    .option('--db <path>', '数据库文件 (default: $FUNDWATCH_DB 或 ./data/fundwatch.duckdb)')
    .showHelpAfterError('(用 --help 查看用法)')
    .exitOverride()
    .addHelpText(
      'after',
      `
-V, --version 作为第一个参数时显示版本号 (其后的 --version 属于子命令, 如 cases transition 的线索版本)

环境变量:
  FUNDWATCH_DB         数据库文件路径
  FUNDWATCH_PII_KEY    个人信息哈希密钥 (HMAC-SHA-256); 未设置时使用公开演示密钥并告警
  FUNDWATCH_KAFKA_BROKERS, FUNDWATCH_KAFKA_GROUP, FUNDWATCH_KAFKA_TOPIC_PREFIX
                       Kafka 连接 (见 ingest --kafka, produce)
  FUNDWATCH_LOG_LEVEL  日志级别 (default warn), 日志为 JSON, 写到 stderr
  FUNDWATCH_MEMORY_LIMIT  DuckDB 内存上限 (如 3GB; 超出时溢出到磁盘), 默认为 DuckDB 的 80% 内存

退出码: 0 完成, 1 用户要求的检查未通过, 2 用法错误, 3 错误`,
    );
  registerDemo(program);
  registerGenerate(program);
  registerIngest(program);
  registerProduce(program);
  registerReference(program);
  registerRejected(program);
  registerQuality(program);
  registerScore(program);
  registerStatus(program);
  registerRules(program);
  registerKnowledge(program);
  registerDetect(program);
  registerDetectors(program);
  registerHits(program);
  registerCases(program);
  registerJobs(program);
  registerServe(program);
  registerCredit(program);
  registerSuppress(program);
  registerReport(program);
  registerDraw(program);
  registerBundle(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // The version flag only as the first argument: after a subcommand, --version is the case version
  // a change names (cases transition --version 3), which a program-wide flag would swallow.
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CheckFailed) return EXIT.checkFailed;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof FundwatchError) {
      process.stderr.write(`错误: ${err.message}\n`);
      if (err.cause instanceof Error && process.env['FUNDWATCH_DEBUG']) process.stderr.write(`${err.cause.stack ?? err.cause.message}\n`);
      return err.code === 'usage' ? EXIT.usage : err.code === 'refused' ? EXIT.checkFailed : EXIT.error;
    }
    process.stderr.write(`错误: ${(err as Error).message ?? String(err)}\n`);
    if (process.env['FUNDWATCH_DEBUG']) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT.error;
  }
}
