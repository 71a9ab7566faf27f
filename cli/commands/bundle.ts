import path from 'node:path';
import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { DEFAULT_ROLE, formatVerify, type BundleResult, type VerifyResult } from '../../bundle/index.js';
import { FundwatchError } from '../../core/errors.js';
import { contextOf } from '../context.js';
import { CheckFailed } from '../exit.js';
import { n } from '../format.js';
import { actorOf } from '../options.js';

/** `fundwatch bundle`: the evidence bundle of one case for an on-site inspection, and its verification. */
export function registerBundle(program: Command): void {
  const bundle = program
    .command('bundle')
    .description(
      '飞行检查证据包: 把一条线索的摘要、违规明细、就诊、进销存、追溯码、来源 SQL、金额计算和现场清单打成 zip, 附 SHA-256 清单, 记入审计日志',
    )
    .argument('[case-id]', '线索号 (fundwatch cases list)')
    .option('--out <dir>', '输出目录 (default: 数据库文件所在目录下的 bundles/)')
    .option('--role <role>', `导出人的角色, 记入清单与审计日志 (default: ${DEFAULT_ROLE})`)
    .option('--as <who>', '导出人 (default: $FUNDWATCH_USER); 没有导出人时拒绝')
    .option('--json', '以 JSON 输出结果')
    .addHelpText(
      'after',
      '\n文件名: bundle-<线索>-<yyyyMMddHHmmss>.zip (UTC); 个人信息只以脱敏形式出现, 参保人以 psn_no 在国家平台核验\n退出码: 0 完成, 2 用法错误 (没有这条线索、没有导出人)\n示例: fundwatch bundle C0123456789ABCDEF --as 张三 --role 检查组长\n      fundwatch bundle verify bundles/bundle-C0123456789ABCDEF-20260305083000.zip',
    )
    .action(async (id: string | undefined, opts: { out?: string; role?: string; as?: string; json?: boolean }, cmd: Command) => {
      if (!id) throw new FundwatchError('usage', '需要线索号: fundwatch bundle <线索> (见 fundwatch bundle --help)');
      const actor = actorOf(opts);
      const r = await invoke<BundleResult>(
        contextOf(cmd).dbPath,
        'bundle.write',
        // The server may run in another folder: the CLI resolves the folder it was given.
        { case_id: id, outDir: opts.out ? path.resolve(opts.out) : undefined, role: opts.role },
        actor,
      );
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(r)}\n`
          : `证据包已写入 ${r.file}\n  线索 ${r.case_id} (版本 ${r.case_version}), ${r.files.length + 1} 个文件, 违规项 ${n(r.lines)} 条合计 ${r.amount} 元 (线索金额 ${r.case_amount.toFixed(2)} 元)\n  manifest SHA-256 ${r.manifest_sha256} 已记入审计日志 (核对: fundwatch bundle verify ${r.file})\n`,
      );
    });
  bundle
    .command('verify <zip>')
    .description('核对证据包: 每个文件的 SHA-256 与 manifest.json 一致, manifest 的 SHA-256 与审计日志一致')
    .option('--json', '以 JSON 输出结果')
    .addHelpText(
      'after',
      '\n退出码: 0 一致, 1 不一致 (文件被改动、增删, 或审计日志中没有此 manifest), 3 无法读取\n示例: fundwatch bundle verify bundles/bundle-C0123456789ABCDEF-20260305083000.zip',
    )
    .action(async (zip: string, opts: { json?: boolean }, cmd: Command) => {
      const v = await invoke<VerifyResult>(contextOf(cmd).dbPath, 'bundle.verify', { file: path.resolve(zip) });
      process.stdout.write(opts.json ? `${JSON.stringify(v)}\n` : formatVerify(v));
      if (!v.ok) throw new CheckFailed();
    });
}
