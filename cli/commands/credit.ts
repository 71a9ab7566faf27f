import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { STATES } from '../../cases/index.js';
import { PATTERNS } from '../../contract/patterns.js';
import { FundwatchError } from '../../core/errors.js';
import type { CreditRow, RecomputeSummary } from '../../credit/index.js';
import { contextOf } from '../context.js';
import { n, table } from '../format.js';
import { nameOf } from '../../contract/codes.js';

/** `fundwatch credit show|recompute`: institution credit and practitioners' 医保支付资格 记分. Wiring only; the work is in credit/. */

const parseYear = (v: string): number => {
  if (!/^\d{4}$/.test(v)) throw new FundwatchError('usage', `--year 应为四位年份, 实际 ${JSON.stringify(v)}`);
  return Number(v);
};

/** What each case added, from the row's detail (points for practitioners, the deduction for institutions). */
function contributions(r: CreditRow): Map<string, string> {
  const d = r.detail as { cases?: { case_id: string; points: number }[]; deductions?: { case_id: string; deduction: number }[] } | null;
  const out = new Map<string, string>();
  for (const c of d?.cases ?? []) out.set(c.case_id, `+${c.points} 分`);
  for (const c of d?.deductions ?? []) out.set(c.case_id, `-${c.deduction}`);
  return out;
}

function formatRows(rows: readonly CreditRow[]): string {
  if (!rows.length)
    return '没有信用记录 (没有已确认的线索时机构为 100 分 A 守信、医师记 0 分; 确认线索后运行 fundwatch credit recompute)\n';
  const head = table(
    ['年度', '主体', '机构', '得分/记分', '等级/处理', '线索'],
    rows.map((r) => [
      String(r.year),
      r.subject_kind === 'institution' ? `机构 ${r.subject_key}` : `医师 ${r.subject_key}`,
      r.fixmedins_name,
      r.subject_kind === 'institution' ? (r.score ?? 0).toFixed(1) : `${r.points ?? 0}/12`,
      r.level,
      String(r.case_ids.length),
    ]),
  );
  const lines = rows.flatMap((r) => {
    const add = contributions(r);
    return r.cases.map((c) => [
      String(r.year),
      r.subject_key,
      c.case_id,
      nameOf(PATTERNS, c.pattern),
      nameOf(STATES, c.state),
      c.amount.toFixed(2),
      c.confirmed_at ?? '',
      add.get(c.case_id) ?? '',
    ]);
  });
  return `${head}\n\n依据的已确认线索:\n${table(['年度', '主体', '线索', '模式', '状态', '金额(元)', '确认时间', '影响'], lines)}\n共 ${n(rows.length)} 条信用记录 (记分规则见 credit/README.md)\n`;
}

export function registerCredit(program: Command): void {
  const credit = program
    .command('credit')
    .description('信用: 定点机构信用分 (0–100) 与医师医保支付资格记分 (每自然年度 12 分), 依据已确认的线索');
  credit
    .command('show')
    .description('查看信用记录及其依据的线索')
    .option('--institution <code>', '只看这一定点机构 (含其医师)')
    .option('--practitioner <code>', '只看这一医师, 写作 <机构编码>:<医师编码>')
    .option('--year <yyyy>', '只看这一自然年度', parseYear)
    .option('--json', '每行一个 JSON 对象')
    .addHelpText(
      'after',
      '\n示例: fundwatch credit show --institution H001 --year 2026\n      fundwatch credit show --practitioner H001:D01',
    )
    .action(async (opts: { institution?: string; practitioner?: string; year?: number; json?: boolean }, cmd: Command) => {
      const rows = await invoke<CreditRow[]>(contextOf(cmd).dbPath, 'credit.show', {
        institution: opts.institution,
        practitioner: opts.practitioner,
        year: opts.year,
      });
      if (opts.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stdout.write(formatRows(rows));
    });
  credit
    .command('recompute')
    .description('按已确认 (确认、整改、结案) 的线索重算信用, 以确认时间的年度为记分年度; 替换该年度 (默认全部年度) 的记录')
    .option('--year <yyyy>', '只重算这一自然年度', parseYear)
    .addHelpText('after', '\n示例: fundwatch credit recompute --year 2026')
    .action(async (opts: { year?: number }, cmd: Command) => {
      const sum = await invoke<RecomputeSummary>(contextOf(cmd).dbPath, 'credit.recompute', { year: opts.year });
      process.stdout.write(
        `信用重算${opts.year !== undefined ? ` (${opts.year} 年)` : ''}: 依据已确认线索 ${n(sum.cases)} 件; 机构 ${n(sum.institutions)} 条, 医师 ${n(sum.practitioners)} 条 (暂停医保支付资格 ${n(sum.suspended)}, 终止 ${n(sum.terminated)}); 年度 ${sum.years.join(', ') || '-'} (查看: fundwatch credit show)\n`,
      );
    });
}
