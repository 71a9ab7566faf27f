import { byPosition, hasErrors, type Issue } from '../core/diagnostics/index.js';
import { batchOf, type Batch, type DrugBatch, type ServiceBatch } from './batches.js';
import { keyOf, TABLES, type AnyEntry, type Src, type TableName } from './schema.js';
import { cellRef, Findings, headerIndex, RowReader, rowKind, type Columns, type SheetData } from './sheet.js';

/**
 * A national batch workbook → its table's entries. Pure: the sheets as the reader gave them in,
 * the entries or every issue located at `<file> <sheet>!<cell>` out. Nothing of a workbook with an
 * error is kept; warnings (footer rows, drugs without codes) do not stop it.
 */

export interface Workbook {
  /** The file as the user named it (issues are located there). */
  readonly file: string;
  /** Its base name, as provenance records it. */
  readonly name: string;
  readonly sheets: readonly SheetData[];
}

/** The rows of the sheet an import counts (Sheet2 for drug batches): raw rows under the header, and those skipped. */
export interface RowCount {
  readonly sheet: string;
  readonly rows: number;
  readonly footer: number;
  readonly empty: number;
}

export interface ParsedTable {
  readonly table: TableName;
  readonly entries: readonly AnyEntry[];
  /** The sheets read, in the order the entries come from them. */
  readonly sheets: readonly string[];
  readonly counted: RowCount;
}

export type WorkbookResult =
  | { readonly ok: true; readonly table: ParsedTable; readonly warnings: readonly Issue[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

interface Rows {
  readonly entries: { row: number; reader: RowReader<Columns> }[];
  readonly count: RowCount;
}

/** The entry rows of a sheet; footer and empty rows are reported and skipped. */
function entryRows(data: SheetData, index: Record<string, number>, codeColumns: readonly string[], found: Findings): Rows {
  const entries: Rows['entries'] = [];
  let footer = 0;
  let empty = 0;
  const codeCols = codeColumns.map((c) => index[c] ?? -1);
  for (let i = 1; i < data.rows.length; i++) {
    const row = i + 1;
    const kind = rowKind(data.rows[i] ?? [], codeCols);
    if (kind === 'footer') {
      footer++;
      const text = String((data.rows[i] ?? []).find((c) => c !== null) ?? '');
      found.at(
        data.sheet,
        cellRef(0, row),
        'footer-row',
        'warning',
        `表尾行 ${JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text)}: 已跳过`,
      );
    } else if (kind === 'empty') {
      empty++;
      found.at(data.sheet, cellRef(0, row), 'empty-row', 'warning', '空行: 已跳过');
    } else entries.push({ row, reader: new RowReader(data, row, index, found) });
  }
  return { entries, count: { sheet: data.sheet, rows: data.rows.length - 1, footer, empty } };
}

/** Builds one entry through its table's schema (which fixes its key order); a failure is an invariant of the batch definitions. */
function entryOf(
  table: TableName,
  typed: Readonly<Record<string, unknown>>,
  src: Src,
  data: SheetData,
  found: Findings,
): AnyEntry | undefined {
  const r = TABLES[table].entry.safeParse({ ...typed, src });
  if (r.success) return r.data;
  found.at(
    data.sheet,
    cellRef(0, src.row),
    'invalid',
    'error',
    `条目无效: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
  );
  return undefined;
}

/** Every key once; a second row with the same key is an error at its first key cell. */
function noDuplicates(table: TableName, entries: readonly { entry: AnyEntry; data: SheetData; cell: string }[], found: Findings): void {
  const first = new Map<string, number>();
  for (const { entry, data, cell } of entries) {
    const k = keyOf(table, entry);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, entry.src.row);
    else
      found.at(data.sheet, cell, 'duplicate-key', 'error', `条目重复: 与第 ${seen} 行相同 (${TABLES[table].key.join(', ')} = ${k})`, {
        hint: '删除重复的行',
      });
  }
}

function serviceTable(b: ServiceBatch, wb: Workbook, found: Findings): ParsedTable | undefined {
  const data = wb.sheets[0];
  if (!data) {
    found.at(undefined, undefined, 'missing-sheet', 'error', '工作簿没有工作表');
    return undefined;
  }
  const columns: Columns = b.limitType === undefined ? b.columns : { ...b.columns, type: ['限定类型'] };
  const index = headerIndex(data, columns, found);
  if (!index) return undefined;
  const rows = entryRows(data, index, b.codeColumns, found);
  const built: { entry: AnyEntry; data: SheetData; cell: string }[] = [];
  for (const { row, reader } of rows.entries) {
    const typeOk = b.limitType === undefined || reader.exactly('type', b.limitType, '限定类型');
    const typed = b.entry(reader);
    if (typed && typeOk) {
      const entry = entryOf(b.table, typed, { file: wb.name, sheet: data.sheet, row }, data, found);
      if (entry) built.push({ entry, data, cell: reader.cell(b.codeColumns[0] ?? 'code') });
    }
  }
  noDuplicates(b.table, built, found);
  return { table: b.table, entries: built.map((x) => x.entry), sheets: [data.sheet], counted: rows.count };
}

function drugTable(b: DrugBatch, wb: Workbook, found: Findings): ParsedTable | undefined {
  const s1 = wb.sheets.find((s) => s.sheet === 'Sheet1');
  const s2 = wb.sheets.find((s) => s.sheet === 'Sheet2');
  for (const [name, s] of [['Sheet1', s1] as const, ['Sheet2', s2] as const])
    if (!s)
      found.at(undefined, undefined, 'missing-sheet', 'error', `缺少工作表 ${name}`, {
        expected: 'Sheet1 (药品与限定), Sheet2 (药品代码)',
        got: wb.sheets.map((x) => x.sheet).join(', ') || '无',
      });
  if (!s1 || !s2) return undefined;
  const i1 = headerIndex(s1, b.sheet1, found);
  const i2 = headerIndex(s2, b.sheet2, found);
  if (!i1 || !i2) return undefined;

  // Sheet1: one row per generic drug, the limit every code of that drug carries.
  const drugs = new Map<
    string,
    { row: number; desc: string | undefined; typed: Readonly<Record<string, unknown>> | undefined; used: boolean }
  >();
  // A Sheet1 footer has no 限定类型 or 限定值: its first cell (合计 …) sits in the name column.
  for (const { row, reader } of entryRows(s1, i1, ['type', 'value'], found).entries) {
    const name = reader.text('name', '药品通用名');
    const desc = reader.text('desc', '药品说明');
    const typeOk = reader.exactly('type', b.limitType, '限定类型');
    const typed = b.typed(reader);
    if (name === undefined) continue;
    const seen = drugs.get(name);
    if (seen) {
      found.at(s1.sheet, reader.cell('name'), 'duplicate-key', 'error', `药品通用名重复: 与第 ${seen.row} 行相同`, {
        hint: '每个药品通用名在 Sheet1 中只写一行',
      });
      continue;
    }
    drugs.set(name, { row, desc, typed: typeOk ? typed : undefined, used: false });
  }

  // Sheet2: one row per national drug code, joined on 药品通用名.
  const rows2 = entryRows(s2, i2, ['code'], found);
  const built: { entry: AnyEntry; data: SheetData; cell: string }[] = [];
  for (const { row, reader } of rows2.entries) {
    const name = reader.text('name', '药品通用名');
    const code = reader.code('code', 'drug', '药品代码');
    const typeOk = reader.exactly('type', b.limitType, '限定类型');
    if (name === undefined) continue;
    const drug = drugs.get(name);
    if (!drug) {
      found.at(
        s2.sheet,
        reader.cell('name'),
        'unmatched-join',
        'error',
        `药品通用名 ${JSON.stringify(name)} 不在 Sheet1 中: 该代码没有限定`,
        {
          hint: '在 Sheet1 中补上该药品, 或改正 Sheet2 中的名称',
        },
      );
      continue;
    }
    drug.used = true;
    if (code === undefined || !typeOk || !drug.typed || drug.desc === undefined) continue;
    const src: Src = { file: wb.name, sheet: s2.sheet, row, joined: { sheet: s1.sheet, row: drug.row } };
    const entry = entryOf(b.table, { med_list_codg: code, name, ...drug.typed, desc: drug.desc }, src, s2, found);
    if (entry) built.push({ entry, data: s2, cell: reader.cell('code') });
  }
  for (const [name, d] of drugs)
    if (!d.used)
      found.at(
        s1.sheet,
        cellRef(i1.name, d.row),
        'unmatched-join',
        'warning',
        `药品 ${JSON.stringify(name)} 在 Sheet2 中没有药品代码: 不产生条目`,
      );
  noDuplicates(b.table, built, found);
  return { table: b.table, entries: built.map((x) => x.entry), sheets: [s1.sheet, s2.sheet], counted: rows2.count };
}

/** The batch of a workbook by its name, then its table; or every issue. */
export function parseWorkbook(wb: Workbook): WorkbookResult {
  const found = new Findings(wb.file);
  const batch: Batch | undefined = batchOf(wb.name);
  if (!batch) {
    found.at(undefined, undefined, 'unknown-workbook', 'error', '无法从文件名识别批次', {
      expected: '国家知识点文件名, 如 【第七批】项目规则库（重复收费）.xlsx',
      got: wb.name,
      hint: '保留国家医保局发布时的文件名',
    });
    return { ok: false, issues: found.issues };
  }
  const table = batch.layout === 'drug' ? drugTable(batch, wb, found) : serviceTable(batch, wb, found);
  const issues = found.issues.sort(byPosition);
  if (!table || hasErrors(issues)) return { ok: false, issues };
  return { ok: true, table, warnings: issues };
}
