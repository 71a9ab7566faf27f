import { z } from 'zod';
import { ISSUE_CODES, type IssueCode } from './codes.js';

/**
 * The one shape of a located problem with an input (style item 3), whatever the input: a message,
 * a reference CSV row, a rule, a knowledge table, a rule test, a workbook cell. Data only; the
 * terminal and `--json` forms are in format.ts. Bad input never throws: it becomes issues, and every
 * issue of a file is collected, not only the first.
 */

export const Severity = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof Severity>;

const count = z.int().positive();

/**
 * Where a problem is. Which parts are set depends on the input: `file:line:col` for a text file,
 * `file` + `sheet` + `cell` for a workbook, `file` (the topic) + `partition` + `offset` for a Kafka
 * message, and `path` (the field inside the value, `input.feedetail[1].cnt`) for any of them.
 */
export const Location = z.strictObject({
  /** A file path, or the Kafka topic a message came from. */
  file: z.string().min(1).optional(),
  line: count.optional(),
  col: count.optional(),
  sheet: z.string().min(1).optional(),
  /** A1-style cell reference within `sheet`. */
  cell: z
    .string()
    .regex(/^[A-Z]+[1-9][0-9]*$/)
    .optional(),
  partition: z.int().nonnegative().optional(),
  offset: z.int().nonnegative().optional(),
  /** Field path inside the value, e.g. `input.feedetail[1].cnt`, `logic.conditions.other_sex`. */
  path: z.string().min(1).optional(),
});
export type Location = z.infer<typeof Location>;

export const IssueCodeSchema = z.enum(Object.keys(ISSUE_CODES) as [IssueCode, ...IssueCode[]]);

export const Issue = z.strictObject({
  code: IssueCodeSchema,
  severity: Severity,
  /** Chinese, for the person who fixes the input; never holds personal data. */
  message: z.string().min(1),
  /** One line on how to fix it. */
  hint: z.string().min(1).optional(),
  expected: z.string().optional(),
  got: z.string().optional(),
  at: Location,
});
export type Issue = z.infer<typeof Issue>;

/** A path inside a value: keys and array indices, as zod and the `yaml` package give them. */
export type FieldPath = readonly (string | number)[];

/**
 * An issue before it is located: its field path as segments (so a YAML file can be searched for the
 * node) and, for a problem inside a string (an expression), the offset in that string. A reader
 * turns findings into issues once it knows the file.
 */
export interface Finding extends Omit<Issue, 'at'> {
  readonly path: FieldPath;
  readonly offset?: number;
}

/** `input.feedetail[1].cnt` */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

/** A finding placed at `at`; its field path joins the location. */
export function locateFinding(f: Finding, at: Omit<Location, 'path'>): Issue {
  const { path, offset: _offset, ...rest } = f;
  const p = pathText(path);
  return { ...rest, at: { ...at, ...(p ? { path: p } : {}) } };
}

/** Reading order (file, line, column; sheet, cell), the order a person fixes them in. */
export function byPosition(a: Issue, b: Issue): number {
  return (
    (a.at.file ?? '').localeCompare(b.at.file ?? '') ||
    (a.at.line ?? 0) - (b.at.line ?? 0) ||
    (a.at.col ?? 0) - (b.at.col ?? 0) ||
    (a.at.sheet ?? '').localeCompare(b.at.sheet ?? '') ||
    cellOrder(a.at.cell) - cellOrder(b.at.cell)
  );
}

function cellOrder(cell: string | undefined): number {
  const m = cell === undefined ? null : /^([A-Z]+)([0-9]+)$/.exec(cell);
  if (!m) return 0;
  let col = 0;
  for (const ch of m[1] ?? '') col = col * 26 + ch.charCodeAt(0) - 64;
  return Number(m[2]) * 16384 + col;
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === 'error');
