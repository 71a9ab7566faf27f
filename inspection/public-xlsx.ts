import writeExcelFile, { type CellObject, type Row, type Sheet } from 'write-excel-file/node';
import type { PublicRecord, PublicTarget } from './public.js';

/**
 * The public record as a workbook (pure: record in, bytes out) for whoever republishes it in a
 * spreadsheet: 检查对象 (random and directed in one list, told apart by 方式), 检查事项, 抽取信息
 * and, when the plan was drawn more than once, 其他抽取. Codes stay text.
 */

export const TARGET_SHEET = '检查对象';

const str = (value: string): CellObject => ({ value, type: String });
const code = (value: string): CellObject => ({ value, type: String, format: '@' });
const bold = (value: string): CellObject => ({ value, type: String, fontWeight: 'bold', backgroundColor: '#F5F7FA' });

const team = (t: PublicTarget): string =>
  t.mode === 'directed' ? '另行指派' : t.unstaffed ? '未配备' : t.orgs.map((o) => `${o.org} ${o.count} 名`).join('、');

const TARGET_COLUMNS: readonly { header: string; width: number; cell: (t: PublicTarget) => CellObject | null }[] = [
  { header: '方式', width: 6, cell: (t) => str(t.mode_name) },
  { header: '序号', width: 6, cell: (t) => ({ value: t.seq, type: Number, format: '0' }) },
  { header: '分层', width: 14, cell: (t) => (t.stratum === null ? null : str(t.stratum)) },
  { header: '机构编码', width: 16, cell: (t) => code(t.fixmedins_code) },
  { header: '机构名称', width: 28, cell: (t) => str(t.fixmedins_name) },
  { header: '机构类型', width: 10, cell: (t) => str(t.type_name) },
  { header: '等级', width: 8, cell: (t) => str(t.level_name) },
  { header: '区划', width: 10, cell: (t) => code(t.admdvs) },
  { header: '检查人员所属单位', width: 36, cell: (t) => str(team(t)) },
  { header: '检查日期', width: 12, cell: (t) => (t.inspected_on === null ? null : code(t.inspected_on)) },
  { header: '检查结果', width: 24, cell: (t) => str(t.outcome_name ?? '待检查') },
];

function table(name: string, head: readonly string[], widths: readonly number[], rows: readonly Row[]): Sheet<Buffer> {
  return { sheet: name, data: [head.map(bold), ...rows], columns: widths.map((width) => ({ width })), stickyRowsCount: 1 };
}

/** The sheets of the workbook. */
export function publicSheets(r: PublicRecord): Sheet<Buffer>[] {
  const sheets: Sheet<Buffer>[] = [
    table(
      TARGET_SHEET,
      TARGET_COLUMNS.map((c) => c.header),
      TARGET_COLUMNS.map((c) => c.width),
      r.targets.map((t) => TARGET_COLUMNS.map((c) => c.cell(t))),
    ),
    table(
      '检查事项',
      ['分层 (检查事项)', '范围', '抽取规则', '名录家数', '抽中家数', '检查期间'],
      [16, 30, 12, 10, 10, 24],
      r.items.map((i) => [
        str(i.stratum),
        str(i.scope),
        str(i.rule),
        { value: i.frame, type: Number, format: '0' },
        { value: i.drawn, type: Number, format: '0' },
        code(`${r.period.from} 至 ${r.period.to}`),
      ]),
    ),
    table(
      '抽取信息',
      ['项目', '内容'],
      [18, 70],
      [
        ['抽查计划', r.plan_id],
        ['抽取编号', r.draw_id],
        ['算法', r.algorithm],
        ['承诺时间 (UTC)', r.prepared_at],
        ['抽取时间 (UTC)', r.drawn_at],
        ['公开时间 (UTC)', r.published_at],
        ['公开期限', r.deadline_on],
        ['每家检查人员', `${r.inspectors_per_target} 名`],
        ['公开随机种子', r.public_seed],
        ['plan_hash', r.plan_hash],
        ['targets_hash', r.targets_hash],
        ['inspectors_hash', r.inspectors_hash],
        ['seed', r.seed],
        ['状态', r.superseded_by ? `已被 ${r.superseded_by} 取代, 理由: ${r.supersede_reason ?? ''}` : '现行'],
      ].map(([k, v]) => [str(k as string), code(v as string)]),
    ),
  ];
  if (r.others.length)
    sheets.push(
      table(
        '其他抽取',
        ['抽取编号', '抽取时间 (UTC)', '状态', '取代理由'],
        [18, 20, 24, 40],
        r.others.map((o) => [
          code(o.draw_id),
          code(o.drawn_at),
          str(o.superseded_by ? `已被 ${o.superseded_by} 取代` : '现行'),
          o.supersede_reason ? str(o.supersede_reason) : null,
        ]),
      ),
    );
  return sheets;
}

export async function renderPublicXlsx(r: PublicRecord): Promise<Buffer> {
  return writeExcelFile(publicSheets(r)).toBuffer();
}
