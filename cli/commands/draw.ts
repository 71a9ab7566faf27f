import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { FundwatchError } from '../../core/errors.js';
import {
  OUTCOMES,
  type DrawListRow,
  type DrawRecord,
  type ExportedDraw,
  type Prepared,
  type Published,
  type RecordedResult,
  type RunResult,
  type TargetList,
  type Verified,
} from '../../inspection/index.js';
import { contextOf } from '../context.js';
import { CheckFailed } from '../exit.js';
import { n, table } from '../format.js';
import { actorOf, deadlineOption } from '../options.js';

/** The plan file's text and name, read here so that the op (and a server) never reads the caller's paths. */
function planArgs(file: string): { plan_text: string; plan_file: string } {
  try {
    return { plan_text: readFileSync(file, 'utf8'), plan_file: file };
  } catch (err) {
    throw new FundwatchError('io', `无法读取抽查计划 ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

const asOption = ['--as <who>', '操作人 (default: $FUNDWATCH_USER); 没有操作人时拒绝'] as const;

function formatPublished(p: Published): string {
  return [
    `已公开抽取 ${p.draw_id} (计划 ${p.plan_id}): 随机 ${n(p.targets)} 家, 定向 ${n(p.directed)} 家, 已登记结果 ${n(p.results)} 家`,
    `  ${p.files.html}`,
    `  ${p.files.xlsx}`,
    `公开期限 ${p.deadline_on}: ${p.on_time ? '按期公开' : '⚠ 已逾期公开'}${p.superseded_by ? `; 注意: 本抽取已被 ${p.superseded_by} 取代 (记录中注明)` : ''}`,
    '公开记录只含检查人员所属单位, 不含检查人员姓名、编号及回避关系',
    '',
  ].join('\n');
}

function formatPrepared(p: Prepared): string {
  return [
    `${p.existing ? '该承诺已在记录中 (未重复写入)' : '已承诺抽查计划'} ${p.plan_id}: ${p.prepared_at} UTC, 操作人 ${p.actor}`,
    `  plan_hash        ${p.plan_hash}`,
    `  targets_hash     ${p.targets_hash}`,
    `  inspectors_hash  ${p.inspectors_hash}`,
    `检查对象名录: ${p.frame_sizes.map((s) => `${s.stratum} ${n(s.targets)} 家`).join(', ')}; 检查人员名录: ${n(p.inspectors)} 名`,
    '请在公开随机种子确定之前公布以上三个哈希, 然后: fundwatch draw run --plan <计划> --public-seed "<种子>"',
    '',
  ].join('\n');
}

function formatDraw(d: DrawRecord, r?: RunResult): string {
  const doc = d.document;
  const lines = [
    r?.existing ? `这组输入已抽取过, 以下为记录中的抽取 (不重新抽取):` : `已抽取并记录:`,
    `  抽取编号 ${d.draw_id}  计划 ${d.plan_id}  算法 ${doc.algorithm}`,
    `  公开随机种子 ${JSON.stringify(d.public_seed)}  承诺于 ${d.prepared_at} UTC  抽取于 ${d.drawn_at} UTC  操作人 ${d.actor}`,
    `  seed ${doc.seed}`,
  ];
  if (r?.superseded) lines.push(`  取代了抽取 ${r.superseded} (原抽取保留并公开)`);
  if (d.superseded_by) lines.push(`  ⚠ 已被抽取 ${d.superseded_by} 取代, 理由: ${d.supersede_reason ?? ''}`);
  lines.push(
    '',
    '随机抽取 (双随机):',
    table(
      ['序号', '分层', '检查对象', '检查人员'],
      doc.random.map((t, i) => [
        String(i + 1),
        t.stratum,
        t.fixmedins_code,
        t.unstaffed ? '未配备 (可用人员不足, 规则不放宽)' : t.inspectors.join('、'),
      ]),
    ),
  );
  const unstaffed = doc.random.filter((t) => t.unstaffed).length;
  lines.push(`共 ${n(doc.random.length)} 家${unstaffed ? `, 其中 ${n(unstaffed)} 家未配备检查人员` : ''}`);
  lines.push(
    '',
    doc.directed.length
      ? `定向检查 (按线索风险选定, 不属于随机抽取):\n${table(
          ['检查对象', '线索', '风险'],
          doc.directed.map((t) => [t.fixmedins_code, t.case_id, t.risk.toFixed(1)]),
        )}`
      : '定向检查: 无',
    `复核: fundwatch draw verify ${d.draw_id}; 审计文件: fundwatch draw export ${d.draw_id} --audit`,
    '',
  );
  return lines.join('\n');
}

/** `fundwatch draw`: the 双随机 draw of contract §9, committed before its seed and re-computable by anyone. */
export function registerDraw(program: Command): void {
  const draw = program
    .command('draw')
    .description('双随机抽查 (合同 §9 算法 fundwatch-draw-1): 先承诺计划与名录哈希, 再以公开随机种子抽取, 任何人可复算')
    .addHelpText(
      'after',
      '\n流程: draw prepare (公布三个哈希) → 公开随机种子 (如某日彩票开奖号) → draw run → draw export 公布 / draw verify 复核',
    );
  draw
    .command('prepare')
    .description('承诺抽查计划: 按当前名录计算计划、检查对象、检查人员三个哈希并记录, 供在随机种子公布前公开')
    .requiredOption('--plan <file>', '抽查计划 YAML (合同 §9)')
    .option(...asOption)
    .addHelpText('after', '\n示例: fundwatch draw prepare --plan plans/2026Q4.yaml --as 张三')
    .action(async (opts: { plan: string; as?: string }, cmd: Command) => {
      const p = await invoke<Prepared>(contextOf(cmd).dbPath, 'draw.prepare', planArgs(opts.plan), actorOf(opts));
      process.stdout.write(formatPrepared(p));
    });
  draw
    .command('run')
    .description('以公开随机种子抽取: 名录须仍给出承诺的哈希; 同一输入返回记录中的抽取, 同一计划的第二次抽取须 --supersede --reason')
    .requiredOption('--plan <file>', '抽查计划 YAML (与 prepare 相同)')
    .requiredOption('--public-seed <s>', '公开随机种子, 原样使用 (如 "2026-09-30 福彩3D 417")')
    .option('--supersede', '取代本计划现有的抽取 (原抽取保留并公开)')
    .option('--reason <text>', '取代的理由 (与 --supersede 一起, 公开记录)')
    .option('--json', '以 JSON 输出')
    .option(...asOption)
    .addHelpText('after', '\n示例: fundwatch draw run --plan plans/2026Q4.yaml --public-seed "2026-09-30 福彩3D 417" --as 张三')
    .action(
      async (
        opts: { plan: string; publicSeed: string; supersede?: boolean; reason?: string; json?: boolean; as?: string },
        cmd: Command,
      ) => {
        const r = await invoke<RunResult>(
          contextOf(cmd).dbPath,
          'draw.run',
          { ...planArgs(opts.plan), public_seed: opts.publicSeed, supersede: opts.supersede, reason: opts.reason },
          actorOf(opts),
        );
        process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : formatDraw(r.draw, r));
      },
    );
  draw
    .command('verify <draw-id>')
    .description('按记录的输入 (计划、名录、公开随机种子) 重新计算一次抽取; 不一致时退出码 1')
    .addHelpText('after', '\n示例: fundwatch draw verify 32acb481b5a9382a')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const v = await invoke<Verified>(contextOf(cmd).dbPath, 'draw.verify', { draw_id: id });
      if (v.ok) {
        process.stdout.write(`✓ 抽取 ${v.draw_id} 复算一致: 哈希、seed、抽取编号、每个检查对象与检查人员均与记录相同\n`);
        return;
      }
      process.stdout.write(`✗ 抽取 ${v.draw_id} 复算不一致: ${v.mismatches.join('、')}\n`);
      throw new CheckFailed();
    });
  draw
    .command('export <draw-id>')
    .description('导出合同 §9 文件: --audit 为审计文件 (含检查人员名录及回避); 不加为公开记录 (不含检查人员名录)')
    .option('--audit', '审计文件 (含 frames.inspectors), 供审计人员复算检查人员分配')
    .option('--out <file>', '写到文件 (default: 标准输出)')
    .addHelpText('after', '\n示例: fundwatch draw export 32acb481b5a9382a --audit --out draw-audit.json')
    .action(async (id: string, opts: { audit?: boolean; out?: string }, cmd: Command) => {
      const doc = await invoke<ExportedDraw>(contextOf(cmd).dbPath, 'draw.export', { draw_id: id, audit: opts.audit === true });
      const body = `${JSON.stringify(doc, null, 2)}\n`;
      if (opts.out === undefined) {
        process.stdout.write(body);
        return;
      }
      try {
        writeFileSync(opts.out, body);
      } catch (err) {
        throw new FundwatchError('io', `无法写入 ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
          cause: err,
        });
      }
      process.stdout.write(`已写出${opts.audit ? '审计文件' : '公开记录'} ${opts.out} (抽取 ${id})\n`);
    });
  draw
    .command('publish <draw-id>')
    .description(
      '一公开: 把抽取结果写成公开记录 (HTML 与 XLSX, 中文): 检查事项、检查对象 (随机/定向分列)、检查人员所属单位、日期与检查结果',
    )
    .option('--out <dir>', '输出目录 (default: 数据库旁的 public/)')
    .option(...deadlineOption)
    .option('--json', '以 JSON 输出')
    .option(...asOption)
    .addHelpText(
      'after',
      '\n登记检查结果后再次 publish 即更新公开记录 (每次公开均有记录)。\n示例: fundwatch draw publish 32acb481b5a9382a --out public/ --as 张三',
    )
    .action(async (id: string, opts: { out?: string; deadlineDays?: number; json?: boolean; as?: string }, cmd: Command) => {
      const p = await invoke<Published>(
        contextOf(cmd).dbPath,
        'draw.publish',
        { draw_id: id, out_dir: opts.out === undefined ? undefined : path.resolve(opts.out), deadline_days: opts.deadlineDays },
        actorOf(opts),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(p)}\n` : formatPublished(p));
    });
  draw
    .command('result <draw-id> <fixmedins_code>')
    .description('登记抽中机构的检查结果: 更新其最近检查日期 (后续抽取的排除期据此计算), 可关联线索')
    .requiredOption('--inspected-on <date>', '检查日期 YYYY-MM-DD')
    .requiredOption(
      '--outcome <code>',
      `检查结果: ${Object.entries(OUTCOMES)
        .map(([c, name]) => `${c} (${name})`)
        .join(', ')}`,
    )
    .option('--case <case-id>', '关联的线索 (立案时必填), 在该线索的审计记录中登记')
    .option('--note <text>', '备注 (内部记录, 不公开)')
    .option('--json', '以 JSON 输出')
    .option(...asOption)
    .addHelpText(
      'after',
      '\n示例: fundwatch draw result 32acb481b5a9382a P51180250003 --inspected-on 2026-10-20 --outcome case-filed --case C-… --as 张三',
    )
    .action(
      async (
        id: string,
        code: string,
        opts: { inspectedOn: string; outcome: string; case?: string; note?: string; json?: boolean; as?: string },
        cmd: Command,
      ) => {
        const r = await invoke<RecordedResult>(
          contextOf(cmd).dbPath,
          'draw.result',
          { draw_id: id, fixmedins_code: code, inspected_on: opts.inspectedOn, outcome: opts.outcome, case_id: opts.case, note: opts.note },
          actorOf(opts),
        );
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(r)}\n`
            : `已登记 ${r.fixmedins_code} (${r.mode === 'random' ? '随机' : '定向'}) 的检查结果: ${r.inspected_on} ${r.outcome_name}${r.case_id ? `, 关联线索 ${r.case_id}` : ''}\n重新公开: fundwatch draw publish ${r.draw_id}\n`,
        );
      },
    );
  draw
    .command('targets')
    .description(
      '检查对象名录: 各机构的类型、等级、区划与最近检查日期 (名录 last_inspected 与已登记检查结果中较晚者); --code 另列该机构在各次名录导入中的历史版本',
    )
    .option('--code <fixmedins_code>', '只看一家机构, 并列出其历史版本')
    .option('--json', '以 JSON 输出')
    .addHelpText('after', '\n示例: fundwatch draw targets --code P51180200045')
    .action(async (opts: { code?: string; json?: boolean }, cmd: Command) => {
      const r = await invoke<TargetList>(contextOf(cmd).dbPath, 'draw.targets', { fixmedins_code: opts.code });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = [
        table(
          ['机构编码', '名称', '类型', '等级', '区划', '名录记载检查', '抽查结果检查', '最近检查'],
          r.targets.map((t) => [
            t.fixmedins_code,
            t.fixmedins_name ?? '',
            t.type_name ?? '',
            t.level_name ?? '',
            t.admdvs ?? '',
            t.registry_last ?? '',
            t.result_last ?? '',
            t.last_inspected ?? '从未',
          ]),
        ),
        `共 ${n(r.targets.length)} 家`,
      ];
      if (opts.code !== undefined)
        lines.push(
          '',
          `历史版本 (${n(r.history.length)} 次导入):`,
          table(
            ['导入编号', '导入时间(UTC)', '名称', '类型', '等级', '区划', 'last_inspected'],
            r.history.map((h) => [
              String(h.load_id),
              h.loaded_at,
              h.fixmedins_name ?? '',
              h.fixmedins_type ?? '',
              h.hosp_lv ?? '',
              h.admdvs ?? '',
              h.last_inspected ?? '',
            ]),
          ),
        );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  draw
    .command('list')
    .description('列出所有抽取 (含被取代的) 与尚未抽取的承诺')
    .option('--json', '每行一个 JSON 对象')
    .addHelpText('after', '\n示例: fundwatch draw list')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = await invoke<DrawListRow[]>(contextOf(cmd).dbPath, 'draw.list', {});
      if (opts.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['类别', '计划', '抽取编号', '时间(UTC)', '操作人', '对象', '未配备', '定向', '状态'],
          rows.map((r) => [
            r.kind === 'draw' ? '抽取' : '承诺',
            r.plan_id,
            r.draw_id ?? '',
            r.at,
            r.actor,
            r.targets === null ? '' : String(r.targets),
            r.unstaffed === null ? '' : String(r.unstaffed),
            r.directed === null ? '' : String(r.directed),
            r.kind === 'prepared' ? '待抽取' : r.superseded_by ? `已被 ${r.superseded_by} 取代` : '有效',
          ]),
        )}\n共 ${n(rows.length)} 条\n`,
      );
    });
}
