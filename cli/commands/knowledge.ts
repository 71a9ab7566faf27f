import path from 'node:path';
import type { Command } from 'commander';
import { formatIssue, hasErrors } from '../../core/diagnostics/index.js';
import { diffKnowledge, importKnowledge, NATIONAL_DIR, TABLES, type FileOutcome, type RunReport } from '../../knowledge/index.js';
import { CheckFailed } from '../exit.js';
import { n, table } from '../format.js';

/**
 * `fundwatch knowledge import|diff`: the national knowledge points (国家知识点 xlsx) into the
 * versioned tables under rules/knowledge/national/. Wiring only; the work is in knowledge/.
 */

const rel = (f: string) => path.relative(process.cwd(), f) || f;

const STATUS = {
  import: { new: '新建', changed: '已更新', unchanged: '未变更', refused: '拒收' },
  diff: { new: '将新建', changed: '将更新', unchanged: '无变化', refused: '拒收' },
} as const;

function progress(json: boolean | undefined, mode: 'import' | 'diff') {
  return (i: number, total: number, o: FileOutcome, ms: number) => {
    if (json) return;
    const what =
      o.status === 'refused' ? '拒收 (有错误, 未写入)' : `${n(o.entries ?? 0)} 条, ${STATUS[mode][o.status]} v${o.version ?? '?'}`;
    process.stderr.write(`[${i}/${total}] ${path.basename(o.file)}${o.table ? ` → ${o.table}` : ''}: ${what} (${ms} ms)\n`);
  };
}

function printTable(r: RunReport, mode: 'import' | 'diff'): void {
  process.stdout.write(
    `${table(
      ['批次', '表', '计数工作表', '行', '表尾行', '条目', '版本', '状态'],
      r.files.map((o) => [
        o.table ? TABLES[o.table].batch : '-',
        o.table ?? path.basename(o.file),
        o.counted?.sheet ?? '-',
        o.counted ? n(o.counted.rows) : '-',
        o.counted ? n(o.counted.footer + o.counted.empty) : '-',
        o.entries === undefined ? '-' : n(o.entries),
        o.version === undefined
          ? '-'
          : o.previous !== undefined && o.previous !== o.version
            ? `${o.previous}→${o.version}`
            : String(o.version),
        STATUS[mode][o.status],
      ]),
    )}\n`,
  );
  const issues = r.files.flatMap((o) => o.issues);
  if (issues.length) process.stdout.write(`\n${issues.map((i) => `${formatIssue(i)}\n`).join('')}`);
}

function failed(r: RunReport): boolean {
  return r.files.some((o) => o.status === 'refused' || hasErrors(o.issues));
}

export function registerKnowledge(program: Command): void {
  const knowledge = program.command('knowledge').description('国家知识库: 导入国家医保局发布的智能监管知识点 (xlsx), 查看导入会带来的变化');

  knowledge
    .command('import')
    .description('导入知识点文件 (第一批至第八批): 每个批次一个按行的表 (<表>.ndjson) 及其表头 (<表>.yaml: 版本、来源、匹配方式、有效期)')
    .argument('<paths...>', '知识点 .xlsx 文件或目录 (目录: 其中全部 .xlsx)')
    .option('--out <dir>', '输出目录', rel(NATIONAL_DIR))
    .option('--json', '以一行 JSON 输出结果 (每个文件: 表、状态、版本、行数、条目数、问题)')
    .addHelpText(
      'after',
      `
同一文件再次导入不改动任何文件; 内容有变的表版本加 1 (之后运行 fundwatch rules lock)。
有错误的文件 (缺列、编码格式不符、未知的限定类型或频度 …) 整个拒收, 问题定位到 工作表!单元格, 其余文件照常导入。
退出码: 0 完成 (可有警告, 如跳过的表尾行), 1 有文件被拒收, 2 用法错误, 3 错误
示例: fundwatch knowledge import ../shared/knowledge/national`,
    )
    .action(async (paths: string[], opts: { out: string; json?: boolean }) => {
      const r = await importKnowledge(paths, { out: opts.out, onFile: progress(opts.json, 'import') });
      if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        process.stdout.write(`国家知识点 ${paths.join(' ')} → ${rel(r.out)}\n`);
        printTable(r, 'import');
        const written = r.files.filter((o) => o.status === 'new' || o.status === 'changed').length;
        const unchanged = r.files.filter((o) => o.status === 'unchanged').length;
        const refused = r.files.filter((o) => o.status === 'refused').length;
        const entries = r.files.reduce((s, o) => s + (o.entries ?? 0), 0);
        const what = written
          ? `写入 ${written} 个表${unchanged ? `, ${unchanged} 个未变更` : ''}; 运行 fundwatch rules lock 更新锁文件`
          : `没有写入任何文件${unchanged ? ` (${unchanged} 个表与已有的逐字节相同)` : ''}`;
        process.stdout.write(
          `\n${refused ? '✗' : '✓'} ${r.files.length} 个文件, ${n(entries)} 条: ${what}${refused ? `; ${refused} 个文件被拒收, 其内容未写入` : ''}\n`,
        );
      }
      if (failed(r)) throw new CheckFailed();
    });

  knowledge
    .command('diff')
    .description('对比知识点文件与已导入的表: 每个表新增、删除、修改的条目, 以及版本是否会升; 不写入任何文件')
    .argument('<paths...>', '知识点 .xlsx 文件或目录')
    .option('--out <dir>', '对比的表目录', rel(NATIONAL_DIR))
    .option('--json', '以一行 JSON 输出 (每个表: added, removed, changed, moved 的键, from, to, bump)')
    .addHelpText(
      'after',
      '\n修改: 同一键的条目内容不同; 仅位置: 内容相同, 只是来源行号变了。\n退出码: 0 完成, 1 有文件有错误, 2 用法错误, 3 错误',
    )
    .action(async (paths: string[], opts: { out: string; json?: boolean }) => {
      const r = await diffKnowledge(paths, { out: opts.out, onFile: progress(opts.json, 'diff') });
      if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        const rows = r.files.flatMap((o) => (o.diff ? [o.diff] : []));
        process.stdout.write(
          `${table(
            ['表', '新增', '删除', '修改', '仅位置', '版本'],
            rows.map((d) => [
              d.table,
              n(d.added.length),
              n(d.removed.length),
              n(d.changed.length),
              n(d.moved.length),
              d.bump ? `${d.from ?? '无'}→${d.to} (将升级)` : `${d.to} (不变)`,
            ]),
          )}\n`,
        );
        for (const d of rows)
          for (const [label, keys] of [
            ['新增', d.added],
            ['删除', d.removed],
            ['修改', d.changed],
          ] as const)
            if (keys.length)
              process.stdout.write(
                `  ${d.table} ${label}: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ` … 共 ${n(keys.length)} 条` : ''}\n`,
              );
        const issues = r.files.flatMap((o) => o.issues);
        if (issues.length) process.stdout.write(`\n${issues.map((i) => `${formatIssue(i)}\n`).join('')}`);
        const bumps = rows.filter((d) => d.bump).length;
        process.stdout.write(`\n${bumps ? `导入将改动 ${bumps} 个表` : '导入不会改动任何表'} (未写入任何文件)\n`);
      }
      if (failed(r)) throw new CheckFailed();
    });
}
