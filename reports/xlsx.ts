import writeExcelFile, { type CellObject, type Row, type Sheet } from 'write-excel-file/node';
import { utcMs, type MorningData, type ReportCase } from './model.js';

/** The first sheet's name: the whole case list. */
export const LIST_SHEET = '线索清单';

interface Column {
  readonly header: string;
  readonly width: number;
  readonly cell: (c: ReportCase) => CellObject | null;
}

const str = (value: string): CellObject => ({ value, type: String });
/** Codes stay text ('@'), so a spreadsheet never reads a numeric-looking code as a number. */
const code = (value: string): CellObject => ({ value, type: String, format: '@' });
const day = (d: string): Date => new Date(`${d}T00:00:00Z`);
/** The serial number write-excel-file writes counts from a UTC date, so Beijing wall-clock time is given as UTC. */
const local = (t: string): Date => new Date(utcMs(t) + 8 * 3600_000);

/** Every column a supervisor filters on, in order. */
export const COLUMNS: readonly Column[] = [
  { header: '线索号', width: 20, cell: (c) => code(c.case_id) },
  { header: '新增', width: 6, cell: (c) => (c.is_new ? str('是') : null) },
  { header: '状态', width: 8, cell: (c) => str(c.state_name) },
  { header: '模式', width: 18, cell: (c) => str(c.pattern_name) },
  { header: '主体类型', width: 9, cell: (c) => str(c.subject_name) },
  { header: '主体', width: 24, cell: (c) => code(c.subject_key) },
  { header: '机构编码', width: 14, cell: (c) => code(c.fixmedins_code) },
  { header: '机构名称', width: 28, cell: (c) => str(c.fixmedins_name) },
  { header: '期间', width: 22, cell: (c) => code(c.period) },
  { header: '命中数', width: 8, cell: (c) => ({ value: c.hit_count, type: Number, format: '0' }) },
  { header: '涉及金额(元)', width: 14, cell: (c) => ({ value: c.amount, type: Number, format: '#,##0.00' }) },
  { header: '风险分', width: 8, cell: (c) => ({ value: c.risk, type: Number, format: '0.0' }) },
  { header: '严重程度', width: 10, cell: (c) => str(c.sev_name) },
  { header: '经办人', width: 12, cell: (c) => (c.assignee ? str(c.assignee) : null) },
  { header: '办理期限', width: 12, cell: (c) => (c.due_on ? { value: day(c.due_on), type: Date, format: 'yyyy-mm-dd' } : null) },
  { header: '创建时间', width: 17, cell: (c) => ({ value: local(c.created_at), type: Date, format: 'yyyy-mm-dd hh:mm' }) },
];

const HEADER: Row = COLUMNS.map((c) => ({ value: c.header, type: String, fontWeight: 'bold', backgroundColor: '#F5F7FA' }));

/** A sheet name Excel accepts: none of \ / ? * [ ] :, at most 31 characters. */
export const sheetName = (name: string): string => name.replace(/[\\/?*[\]:]/g, '、').slice(0, 31);

function sheet(name: string, cases: readonly ReportCase[]): Sheet<Buffer> {
  return {
    sheet: sheetName(name),
    data: [HEADER, ...cases.map((c): Row => COLUMNS.map((col) => col.cell(c)))],
    columns: COLUMNS.map((c) => ({ width: c.width })),
    stickyRowsCount: 1,
  };
}

/** The sheets: first the whole case list (LIST_SHEET), then one per pattern, in the report's pattern order. */
export function xlsxSheets(d: MorningData): Sheet<Buffer>[] {
  return [
    sheet(LIST_SHEET, d.cases),
    ...d.patterns.map((p) =>
      sheet(
        p.name,
        d.cases.filter((c) => c.pattern === p.pattern),
      ),
    ),
  ];
}

/**
 * The morning report's workbook (pure: data in, bytes out): a frozen header row, column widths,
 * amounts as numbers in '#,##0.00', dates and times as spreadsheet dates in Beijing time.
 */
export async function renderXlsx(d: MorningData): Promise<Buffer> {
  return writeExcelFile(xlsxSheets(d)).toBuffer();
}
