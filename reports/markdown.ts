import { EXPIRY_DAYS, totalsOf, yuan, type InstitutionLine, type MorningData } from './model.js';

/** Cases the Markdown summary lists; the XLSX has them all. */
export const MARKDOWN_TOP_CASES = 20;

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string =>
  [line(head), `|${head.map((_, i) => (right.has(i) ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n');

const credit = (c: InstitutionLine['credit']): string =>
  c === null ? '-' : `${c.score === null ? '' : `${c.score.toFixed(1)} `}${c.level} (${c.year})`;

/** One Chinese line with the headline figures (the CLI prints it too). */
export function summaryLine(d: MorningData): string {
  const t = totalsOf(d);
  return `截至 ${d.date} 07:00, 在办线索 ${t.cases} 条 (新增 ${t.newCases} 条), 涉及金额 ${yuan(t.amount)} 元 (新增 ${yuan(t.newAmount)} 元)${
    d.expiring.length ? `; ⚠ ${d.expiring.length} 条白名单/例外将在 ${EXPIRY_DAYS} 日内到期` : ''
  }`;
}

/** The morning report's Markdown summary in Chinese (pure), for mail or chat; `xlsxName` is the full list. */
export function renderMarkdown(d: MorningData, xlsxName: string): string {
  const top = d.cases.slice(0, MARKDOWN_TOP_CASES);
  return [
    `# 医保基金智能监控晨报 ${d.date}`,
    '',
    `${summaryLine(d)}。`,
    ...(d.expiring.length
      ? [
          '',
          `> ⚠ 以下白名单/例外将在 ${EXPIRY_DAYS} 日内到期, 到期后相应命中将重新进入队列:`,
          ...d.expiring.map(
            (x) => `> - ${x.supp_id}: ${x.rule_id ?? '全部规则'}, ${x.expires_on} 到期, 审批人 ${x.approver}, 理由: ${x.reason}`,
          ),
        ]
      : []),
    '',
    '## 按模式',
    '',
    d.patterns.length
      ? table(
          ['模式', '新增', '在办', '涉及金额(元)'],
          d.patterns.map((p) => [p.name, String(p.new), String(p.open), yuan(p.amount)]),
          new Set([1, 2, 3]),
        )
      : '无在办线索。',
    '',
    '## 在办金额最多的机构',
    '',
    d.institutions.length
      ? table(
          ['机构', '机构编码', '在办线索', '涉及金额(元)', '信用'],
          d.institutions.map((i) => [i.name, i.code, String(i.cases), yuan(i.amount), credit(i.credit)]),
          new Set([2, 3]),
        )
      : '无。',
    '',
    `## 风险最高的线索 (前 ${MARKDOWN_TOP_CASES} 条)`,
    '',
    top.length
      ? table(
          ['线索号', '新增', '状态', '模式', '主体', '机构', '涉及金额(元)', '风险分'],
          top.map((c) => [
            c.case_id,
            c.is_new ? '新' : '',
            c.state_name,
            c.pattern_name,
            `${c.subject_name} ${c.subject_key}`,
            c.fixmedins_name,
            yuan(c.amount),
            c.risk.toFixed(1),
          ]),
          new Set([6, 7]),
        )
      : '无。',
    '',
    `完整清单 (${d.cases.length} 条): ${xlsxName}`,
    '',
  ].join('\n');
}
