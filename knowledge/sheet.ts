import type { Issue, IssueCode, Severity } from '../core/diagnostics/index.js';
import { DRUG_CODE, DRUG_CODE_TEXT, FOOTER, labels, lookup, SERVICE_CODE, SERVICE_CODE_TEXT } from './vocab.js';

/**
 * One sheet of a workbook as rows of cells, and the reading of its cells into typed values. Every
 * problem becomes an issue at `<file> <sheet>!<cell>`; a reader never throws and never stops at
 * the first problem of a sheet.
 */

/** A cell as the XLSX reader gives it. */
export type CellValue = string | number | boolean | Date | null;
export interface SheetData {
  readonly sheet: string;
  /** Row i is the sheet's row i + 1 (the reader keeps gaps as empty rows). */
  readonly rows: readonly (readonly CellValue[])[];
}

/** `A`, `B`, … `Z`, `AA` for a 0-based column. */
export function columnName(col: number): string {
  let out = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** The A1 reference of a 0-based column and a 1-based row. */
export const cellRef = (col: number, row: number): string => `${columnName(col)}${row}`;

const isEmpty = (v: CellValue | undefined): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

const show = (v: CellValue | undefined): string =>
  v === null || v === undefined
    ? '空'
    : typeof v === 'string'
      ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
      : `${typeof v} ${String(v)}`;

/** Collects the issues of one workbook, each at a cell of a sheet. */
export class Findings {
  readonly issues: Issue[] = [];
  constructor(readonly file: string) {}

  at(
    sheet: string | undefined,
    cell: string | undefined,
    code: IssueCode,
    severity: Severity,
    message: string,
    extra: { expected?: string; got?: string; hint?: string } = {},
  ): void {
    this.issues.push({
      code,
      severity,
      message,
      ...extra,
      at: { file: this.file, ...(sheet === undefined ? {} : { sheet }), ...(cell === undefined ? {} : { cell }) },
    });
  }

  get failed(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }
}

/** A logical column and the header texts it may have in the published files. */
export type Columns = Readonly<Record<string, readonly string[]>>;

/**
 * The 0-based index of each logical column in the sheet's header row (row 1), or undefined when a
 * required column is missing or appears twice (every such column is reported). Columns the batch does not use
 * are ignored: the publisher adds 序号 and 备注 columns at will.
 */
export function headerIndex<C extends Columns>(data: SheetData, columns: C, found: Findings): Record<keyof C, number> | undefined {
  const header = (data.rows[0] ?? []).map((v) => (typeof v === 'string' ? v.trim() : v));
  const index: Partial<Record<keyof C, number>> = {};
  let missing = false;
  for (const [field, names] of Object.entries(columns) as [keyof C & string, readonly string[]][]) {
    const at = header.findIndex((h) => typeof h === 'string' && names.includes(h));
    const again = header.findIndex((h, i) => i > at && typeof h === 'string' && names.includes(h));
    if (at >= 0 && again >= 0) {
      missing = true;
      found.at(
        data.sheet,
        cellRef(again, 1),
        'duplicate-column',
        'error',
        `列 ${String(header[again])} 出现两次 (另见 ${cellRef(at, 1)})`,
        {
          hint: '删除或改名其中一列',
        },
      );
    } else if (at >= 0) index[field] = at;
    else {
      missing = true;
      found.at(data.sheet, cellRef(header.length, 1), 'missing-column', 'error', `缺少列 ${names.join(' 或 ')}`, {
        expected: names.join('|'),
        got: header.filter((h) => !isEmpty(h)).join(', ') || '空表头',
        hint: '检查表头 (第 1 行) 的列名',
      });
    }
  }
  return missing ? undefined : (index as Record<keyof C, number>);
}

/** What a row is: entries, or a footer / empty row to skip (reported as a warning). */
export type RowKind = 'entry' | 'footer' | 'empty';

/** A footer row has no code and starts with 合计 / 备注 / … (batch 8-1 ends with two). */
export function rowKind(cells: readonly CellValue[], codeCols: readonly number[]): RowKind {
  if (cells.every(isEmpty)) return 'empty';
  const first = cells.find((c) => !isEmpty(c));
  if (codeCols.every((c) => isEmpty(cells[c])) && typeof first === 'string' && FOOTER.test(first.trim())) return 'footer';
  return 'entry';
}

/** Typed reads of the cells of one row; a bad cell is an issue at it and reads as undefined. */
export class RowReader<C extends Columns> {
  constructor(
    readonly data: SheetData,
    /** 1-based row of the sheet. */
    readonly row: number,
    private readonly index: Record<keyof C, number>,
    private readonly found: Findings,
  ) {}

  private get cells(): readonly CellValue[] {
    return this.data.rows[this.row - 1] ?? [];
  }

  cell(field: keyof C): string {
    return cellRef(this.index[field], this.row);
  }

  private raw(field: keyof C): CellValue | undefined {
    return this.cells[this.index[field]];
  }

  /** An error at this row's cell of `field`; reads as undefined. */
  fail(field: keyof C, code: IssueCode, message: string, extra: { expected?: string; got?: string; hint?: string } = {}): undefined {
    this.found.at(this.data.sheet, this.cell(field), code, 'error', message, extra);
    return undefined;
  }

  /** The cell as text (trimmed); a number is read as its digits; an empty cell is an issue unless optional. */
  text(field: keyof C, what: string, options: { optional?: boolean } = {}): string | undefined {
    const v = this.raw(field);
    if (isEmpty(v)) return options.optional ? undefined : this.fail(field, 'missing-field', `${what}为空`, { got: '空' });
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number') return String(v);
    return this.fail(field, 'invalid-type', `${what}应为文本`, { expected: '文本', got: show(v) });
  }

  /** A national code: a drug code or a 15-digit service code, always a text cell (a number has lost its leading zeros). */
  code(field: keyof C, kind: 'drug' | 'service', what: string): string | undefined {
    const v = this.raw(field);
    const expected = kind === 'drug' ? DRUG_CODE_TEXT : SERVICE_CODE_TEXT;
    if (isEmpty(v)) return this.fail(field, 'missing-field', `${what}为空`, { expected, got: '空' });
    if (typeof v === 'number')
      return this.fail(field, 'invalid-code', `${what}是数字单元格, 前导零已丢失`, {
        expected,
        got: show(v),
        hint: '把该列设为文本格式, 按原编码重新填写',
      });
    const text = typeof v === 'string' ? v.trim() : '';
    if (!(kind === 'drug' ? DRUG_CODE : SERVICE_CODE).test(text))
      return this.fail(field, 'invalid-code', `${what}格式不符`, { expected, got: show(v) });
    return text;
  }

  /** A label of a closed vocabulary, as its typed value. */
  label<V extends Readonly<Record<string, string>>>(field: keyof C, vocab: V, what: string): V[keyof V] | undefined {
    const text = this.text(field, what);
    if (text === undefined) return undefined;
    const value = lookup(vocab, text);
    if (value !== undefined) return value;
    return this.fail(field, 'invalid-enum', `未知的${what} ${JSON.stringify(text)}`, {
      expected: labels(vocab),
      got: show(text),
      hint: `可选值: ${Object.keys(vocab).join(', ')}; 新的取值须先在 knowledge/vocab.ts 中定义其含义`,
    });
  }

  /** The cell must hold exactly `value` (a batch's 限定类型). */
  exactly(field: keyof C, value: string, what: string): boolean {
    const text = this.text(field, what);
    if (text === undefined) return false;
    if (text === value) return true;
    this.fail(field, 'invalid-enum', `未知的${what} ${JSON.stringify(text)}: 本批次应为 ${value}`, { expected: value, got: show(text) });
    return false;
  }

  /** A positive integer (a number cell, or digits in a text cell). */
  positiveInt(field: keyof C, what: string): number | undefined {
    const v = this.raw(field);
    if (isEmpty(v)) return this.fail(field, 'missing-field', `${what}为空`, { got: '空' });
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n > 0) return n;
    return this.fail(field, 'invalid-integer', `${what}应为正整数`, { expected: '正整数', got: show(v) });
  }

  /** The text of a cell matched by `pattern`, its first group as a positive integer (`14天` → 14). */
  count(field: keyof C, pattern: RegExp, what: string, expected: string): number | undefined {
    const text = this.text(field, what);
    if (text === undefined) return undefined;
    const m = pattern.exec(text);
    if (m?.[1] !== undefined) return Number(m[1]);
    return this.fail(field, 'invalid-format', `${what}格式不符`, { expected, got: show(text) });
  }
}
