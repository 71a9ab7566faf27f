import type { DuckDBBlobValue } from '@duckdb/node-api';
import type { Command } from 'commander';
import { contextOf, withStore } from '../context.js';
import { table } from '../format.js';
import { parsePositive } from './ingest.js';

export function registerRejected(program: Command): void {
  const rejected = program.command('rejected').description('拒收消息 (原始字节已脱敏保存)');
  rejected
    .command('list')
    .description('列出拒收消息: 来源位置, 代码, 原因')
    .option('--limit <n>', '最多列出条数 (default 50)', parsePositive)
    .option('--code <code>', '只看某个拒收代码, 如 missing-field')
    .option('--json', '每行一个 JSON 对象, 含脱敏后的原始消息')
    .action(async (opts: { limit?: number; code?: string; json?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const rows = await withStore(ctx.dbPath, async (store) => {
        const conn = await store.connect();
        try {
          const r = await conn.runAndReadAll(
            `SELECT source, line, "offset", code, reason, msgid, fixmedins_code, infno, raw
             FROM rejected_message WHERE $code IS NULL OR code = $code ORDER BY source, line, "offset" LIMIT $limit`,
            { code: opts.code ?? null, limit: opts.limit ?? 50 },
          );
          // Raw bytes may not be UTF-8 (that can be why they were rejected); show them leniently.
          return r.getRowObjects().map((row) => ({
            source: String(row['source']),
            line: row['line'] === null ? null : Number(row['line']),
            offset: row['offset'] === null ? null : Number(row['offset']),
            code: String(row['code']),
            reason: String(row['reason']),
            msgid: row['msgid'] === null ? null : String(row['msgid']),
            fixmedins_code: row['fixmedins_code'] === null ? null : String(row['fixmedins_code']),
            infno: row['infno'] === null ? null : String(row['infno']),
            raw: Buffer.from((row['raw'] as DuckDBBlobValue).bytes).toString('utf8'),
          }));
        } finally {
          conn.closeSync();
        }
      });
      if (opts.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      if (!rows.length) {
        process.stdout.write('没有拒收消息\n');
        return;
      }
      process.stdout.write(
        `${table(
          ['来源', '行', '代码', '原因'],
          rows.map((r) => [String(r['source']), String(r['line'] ?? ''), String(r['code']), String(r['reason'])]),
        )}\n`,
      );
    });
}
