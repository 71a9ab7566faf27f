import type { Command } from 'commander';
import { formatIssue, formatLocation, issuesJson } from '../../core/diagnostics/index.js';
import { FundwatchError } from '../../core/errors.js';
import { listRejected, type RejectedMessage } from '../../ingest/index.js';
import { contextOf, withStore } from '../context.js';
import { table } from '../format.js';
import { parsePositive } from './ingest.js';

/** `fundwatch rejected list|show`: the messages ingest refused, as issues located at their source. Wiring only. */

async function read(dbPath: string, options: Parameters<typeof listRejected>[1]): Promise<RejectedMessage[]> {
  return withStore(dbPath, async (store) => {
    const conn = await store.connect();
    try {
      return await listRejected(conn, options);
    } finally {
      conn.closeSync();
    }
  });
}

export function registerRejected(program: Command): void {
  const rejected = program.command('rejected').description('拒收消息 (原始字节已脱敏保存)');
  rejected
    .command('list')
    .description('列出拒收消息: 编号, 来源位置, 代码, 原因')
    .option('--limit <n>', '最多列出条数 (default 50)', parsePositive)
    .option('--code <code>', '只看某个拒收代码, 如 missing-field')
    .option('--json', '每行一个问题 (JSON), 与 rules lint --json 同一格式, 位置为来源文件与行 (或 topic、分区与 offset)')
    .addHelpText('after', '\n看一条消息的原始内容 (已脱敏): fundwatch rejected show <编号或位置>')
    .action(async (opts: { limit?: number; code?: string; json?: boolean }, cmd: Command) => {
      const rows = await read(contextOf(cmd).dbPath, {
        ...(opts.code === undefined ? {} : { code: opts.code }),
        limit: opts.limit ?? 50,
      });
      if (opts.json) {
        process.stdout.write(issuesJson(rows.flatMap((r) => r.issues)));
        return;
      }
      if (!rows.length) {
        process.stdout.write('没有拒收消息\n');
        return;
      }
      process.stdout.write(
        `${table(
          ['编号', '位置', '代码', '原因'],
          rows.map((r) => [r.rejectId.slice(0, 12), formatLocation(r.at), r.code, r.reason]),
        )}\n`,
      );
    });
  rejected
    .command('show')
    .description('显示一条拒收消息: 每个问题, 以及脱敏后的原始消息')
    .argument('<which>', '编号 (rejected list 中的前几位即可) 或位置, 如 fixtures/messages/06-invalid.ndjson:4 或 hi.fee[2]@1500')
    .option('--json', '以 JSON 输出 (含 raw)')
    .action(async (which: string, opts: { json?: boolean }, cmd: Command) => {
      const byId = /^[0-9a-f]{4,64}$/.test(which);
      const rows = (await read(contextOf(cmd).dbPath, byId ? { idPrefix: which, limit: 2 } : { limit: 1_000_000 })).filter(
        (r) => byId || formatLocation(r.at) === which,
      );
      if (rows.length !== 1)
        throw new FundwatchError('usage', rows.length ? `${which} 对应多条拒收消息, 请给出更长的编号` : `没有拒收消息 ${which}`);
      const r = rows[0] as RejectedMessage;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(`${formatLocation(r.at)}  编号 ${r.rejectId}  infno ${r.infno ?? '-'}  msgid ${r.msgid ?? '-'}\n`);
      for (const i of r.issues) process.stdout.write(`  ${formatIssue(i)}\n`);
      process.stdout.write(`\n${r.raw}\n`);
    });
}
