import type { z } from 'zod';
import { contractIssues } from '../contract/diagnostics.js';
import { piiHash, piiMask, scrubText } from '../contract/pii.js';
import type { ReferenceFile } from '../contract/reference.js';
import { canonical } from '../contract/scalars.js';
import { columnsOfSchemas, fieldMeta, PII_FIELDS, type ColumnSpec } from '../contract/tables.js';
import { formatFinding, type Issue, type IssueCode } from '../core/diagnostics/index.js';
import { readCsv, type CsvFailure, type CsvRecord } from './csv.js';

/** A row that passed its schema, in the layout of `<table>_version` (without `load_id`). */
export interface NormalisedRow {
  /** 1-based physical line in the file, the header being line 1. */
  readonly line: number;
  /** Canonical text per column (DuckDB casts it to the column type), null when absent. */
  readonly values: Readonly<Record<string, string | null>>;
}

/** A row that did not land, and why. Holds no personal data in clear. */
export interface RejectedRow {
  readonly line: number;
  /** Code of the first issue. */
  readonly code: IssueCode;
  /** Every issue of the row, formatted, in one line. */
  readonly reason: string;
  /** Located by column (`at.path`); the row is at `line`. */
  readonly issues: readonly Issue[];
}

export interface ParsedReference {
  /** Columns of `<table>_version` after `load_id`, in order: the schema's, PII as hash and mask, then `extra`. */
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly NormalisedRow[];
  readonly rejected: readonly RejectedRow[];
  /** Problems of the header itself, each reported once; every row is also rejected for them. */
  readonly headerIssues: readonly Issue[];
}

/** What a decoder puts where bytes were not UTF-8: the file is most likely GBK, not UTF-8. */
const REPLACEMENT_CHAR = '\uFFFD';

const PII_COLUMN = /^(.*)_(hash|mask)$/;

function shapeOf(ref: ReferenceFile): Record<string, z.ZodType> {
  return ref.schema.shape;
}

/** The header's problems: a required column missing, or a name given twice (which value is meant?). */
/** A problem of a row or of the header, at column `path` (none for the whole row). */
const rowIssue = (code: IssueCode, path: string, message: string, expected: string, got: string): Issue => ({
  code,
  severity: 'error',
  message,
  expected,
  got,
  at: path ? { path } : {},
});

function headerIssuesOf(ref: ReferenceFile, names: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  for (const [name, field] of Object.entries(shapeOf(ref))) {
    if (fieldMeta(field).required && !names.includes(name))
      issues.push(rowIssue('missing-column', name, '缺少必需列', `表头含 ${name}`, '缺失'));
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) issues.push(rowIssue('duplicate-column', name, '列名重复', '每列名称唯一', '出现多次'));
    seen.add(name);
  }
  return issues;
}

/** Values shown in diagnostics may still hold an ID number (e.g. in a non-PII field): scrub them. */
function rejection(line: number, issues: readonly Issue[], piiKey: string): RejectedRow {
  const clean = issues.map((d) => (d.got === undefined ? d : { ...d, got: scrubText(piiKey, d.got) }));
  return { line, code: clean[0]?.code ?? 'invalid', reason: scrubText(piiKey, clean.map(formatFinding).join('; ')), issues: clean };
}

function failureRejection(f: CsvFailure, piiKey: string): RejectedRow {
  const range = f.lastLine > f.line ? `第 ${f.line}–${f.lastLine} 行未能读取` : `第 ${f.line} 行未能读取`;
  return rejection(f.line, [rowIssue('csv-syntax', '', f.message, '合法的 CSV', range)], piiKey);
}

/** One valid row in table layout: PII fields become hash and mask, unknown non-empty cells go to `extra`. */
function normalise(
  columns: readonly ColumnSpec[],
  data: Record<string, unknown>,
  unknown: Record<string, string> | undefined,
  piiKey: string,
): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const { name } of columns) {
    const pii = PII_COLUMN.exec(name);
    const field = pii?.[1];
    if (pii && field !== undefined && PII_FIELDS.has(field)) {
      const v = data[field];
      // Hashed as sent, exactly as ingest does, so reference and message hashes join.
      values[name] = typeof v === 'string' ? (pii[2] === 'hash' ? piiHash(piiKey, v) : piiMask(field, v)) : null;
    } else if (name === 'extra') {
      // A province's extra column may itself be personal data (a psn_name column): scrubbed like ingest's extra.
      values[name] = unknown ? scrubText(piiKey, JSON.stringify(unknown)) : null;
    } else {
      values[name] = canonical(data[name]) ?? null;
    }
  }
  return values;
}

/** What the header tells every row: its names, which the schema knows, and its own problems. */
interface HeaderPlan {
  readonly names: readonly string[];
  readonly known: readonly boolean[];
  readonly issues: readonly Issue[];
  readonly missing: ReadonlySet<string>;
}

type RowCheck =
  | { readonly ok: true; readonly data: Record<string, unknown>; readonly unknown: Record<string, string> | undefined }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Every problem of one data row (style item 3: collect them all), or its parsed values. */
function checkRow(
  ref: ReferenceFile,
  plan: HeaderPlan,
  fields: readonly string[],
  line: number,
  firstLineOfKey: Map<string, number>,
): RowCheck {
  const issues: Issue[] = [...plan.issues];
  if (fields.length !== plan.names.length) {
    // Cells no longer line up with the header: checking their values would report nonsense.
    issues.push(rowIssue('field-count', '', '字段数与表头不符', `${plan.names.length} 个字段`, `${fields.length} 个字段`));
    return { ok: false, issues };
  }
  const input: Record<string, string> = {};
  let unknown: [string, string][] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const name = plan.names[i] as string;
    const v = fields[i] as string;
    if (v.includes(REPLACEMENT_CHAR))
      issues.push(rowIssue('invalid-encoding', name, '含有无法识别的字符', 'UTF-8 编码文本', '非 UTF-8 字节'));
    if (plan.known[i]) input[name] = v;
    else if (v !== '') (unknown ??= []).push([name, v]);
  }

  const key = input[ref.key];
  if (key) {
    const first = firstLineOfKey.get(key);
    if (first === undefined) firstLineOfKey.set(key, line);
    // Right after the header's issues, so a repeated key is the row's code whatever else is wrong.
    else
      issues.splice(
        plan.issues.length,
        0,
        rowIssue('duplicate-key', ref.key, '主键重复', '文件内唯一', `${JSON.stringify(key)}, 首次出现于第 ${first} 行`),
      );
  }
  const parsed = ref.schema.safeParse(input);
  if (!parsed.success)
    // A missing column was already reported as such; its cells' "missing field" would only repeat it.
    issues.push(
      ...contractIssues(parsed.error.issues, input).filter((d) => !(d.code === 'missing-field' && plan.missing.has(d.at.path ?? ''))),
    );
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  // fromEntries defines own keys, so a header cell named `__proto__` stays a plain key.
  return { ok: true, data: parsed.data, unknown: unknown && Object.fromEntries(unknown) };
}

/**
 * Parses and validates one reference CSV file (contract §3). Pure: besides the text, the only
 * input is the key for personal data. Never throws on bad input: every problem becomes a
 * rejected row with its physical line.
 *
 * - An empty cell counts as absent. Cells of columns the schema does not know are kept in
 *   `extra` (JSON, personal data scrubbed); empty ones are left out.
 * - A missing required column (or a repeated column name) is reported once in `headerIssues`, and
 *   every row is rejected for it.
 * - A key seen on an earlier line rejects the later row (`duplicate-key`, naming the first line),
 *   even when the earlier row was itself rejected: which of two versions is right is not for the
 *   loader to guess.
 * - Text that was not UTF-8 (replacement characters) rejects the row: most likely a GBK export.
 */
export function parseReference(ref: ReferenceFile, text: string, piiKey: string): ParsedReference {
  const { records, failure } = readCsv(text);
  const parsed = parseRecords(ref, records, piiKey);
  return failure ? { ...parsed, rejected: [...parsed.rejected, failureRejection(failure, piiKey)] } : parsed;
}

/**
 * The records of a reference file (the first is the header), already split into cells: what
 * parseReference does after reading the CSV. Rule tests give their reference rows this way.
 */
export function parseRecords(ref: ReferenceFile, records: readonly CsvRecord[], piiKey: string): ParsedReference {
  const shape = shapeOf(ref);
  const columns = [...columnsOfSchemas([ref.schema]), { name: 'extra', sql: 'JSON' }];
  const [header, ...body] = records;
  const rejected: RejectedRow[] = [];
  const rows: NormalisedRow[] = [];
  let headerIssues: readonly Issue[];

  if (!header) {
    headerIssues = [rowIssue('empty-file', '', '文件为空', '表头行', '没有内容')];
  } else {
    const issues = headerIssuesOf(ref, header.fields);
    const plan: HeaderPlan = {
      names: header.fields,
      known: header.fields.map((n) => Object.hasOwn(shape, n)),
      issues,
      missing: new Set(issues.filter((d) => d.code === 'missing-column').map((d) => d.at.path ?? '')),
    };
    headerIssues = issues;
    const firstLineOfKey = new Map<string, number>();
    for (const { line, fields } of body) {
      const r = checkRow(ref, plan, fields, line, firstLineOfKey);
      if (r.ok) rows.push({ line, values: normalise(columns, r.data, r.unknown, piiKey) });
      else rejected.push(rejection(line, r.issues, piiKey));
    }
  }
  return { columns, rows, rejected, headerIssues };
}
