import { stringify } from 'csv-stringify/sync';
import writeExcelFile, { type CellObject, type Row, type Sheet } from 'write-excel-file/node';
import { checklistMarkdown } from './checklists.js';
import type { BundleData } from './gather.js';
import { renderSummary } from './summary.js';
import { amountsTable, ledgerTable, linesTable, tracesTable, visitsTable, type Table } from './tables.js';

/** Who exports and when, as the manifest and the summary page say it. */
export interface ExportMeta {
  readonly createdAt: string;
  readonly actor: string;
  readonly role: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** CSV with a BOM, so that a spreadsheet opened on site reads the Chinese headers as UTF-8. */
export const csvOf = (t: Table): Uint8Array =>
  utf8(stringify([[...t.header], ...t.rows.map((r) => [...r])], { bom: true, record_delimiter: '\r\n' }));

function sheetOf(name: string, t: Table): Sheet<Buffer> {
  const header: Row = t.header.map((h) => ({ value: h, type: String, fontWeight: 'bold', backgroundColor: '#F5F7FA' }));
  const cell = (v: string, i: number): CellObject | null => {
    if (v === '') return null;
    // Amounts and quantities as numbers; codes stay text ('@'), so a spreadsheet never reads a numeric-looking code as a number.
    if (t.numeric?.has(i) && Number.isFinite(Number(v))) return { value: Number(v), type: Number, format: '#,##0.00##' };
    return { value: v, type: String, format: '@' };
  };
  return {
    sheet: name,
    data: [header, ...t.rows.map((r): Row => r.map(cell))],
    columns: t.header.map((h) => ({ width: Math.max(8, Math.min(40, h.length * 2 + 4)) })),
    stickyRowsCount: 1,
  };
}

/** Every file of the bundle but the manifest, by name. The ledger and trace-code files only for stock patterns. */
export async function renderFiles(d: BundleData, meta: ExportMeta): Promise<Map<string, Uint8Array>> {
  const lines = linesTable(d);
  const amounts = amountsTable(d);
  const files = new Map<string, Uint8Array>();
  files.set('lines.csv', csvOf(lines));
  files.set('lines.xlsx', await writeExcelFile([sheetOf('明细', lines), sheetOf('金额计算', amounts)]).toBuffer());
  files.set('amounts.csv', csvOf(amounts));
  files.set('visits.csv', csvOf(visitsTable(d)));
  if (d.stock) {
    files.set('ledger.csv', csvOf(ledgerTable(d)));
    files.set('trace-codes.csv', csvOf(tracesTable(d)));
  }
  files.set(
    'provenance.json',
    utf8(
      `${JSON.stringify(
        {
          case_id: d.detail.case.case_id,
          note: '每条命中: 规则或检测器的 id 与版本、知识库版本; 规则附编译后的 SQL 与参数 (规则库当前版本, 全库运行: since/until 为 NULL), 检测器附其参数',
          hits: d.provenance,
        },
        null,
        2,
      )}\n`,
    ),
  );
  files.set('checklist.md', utf8(checklistMarkdown(d.detail.case.pattern, d.detail.case.case_id)));
  files.set('summary.html', utf8(renderSummary(d, { ...meta, files: [...files.keys(), 'summary.html', 'manifest.json'] })));
  return files;
}
