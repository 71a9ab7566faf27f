import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { customIssue, describeValue, MISSING, type IssueCode } from '../core/diagnostics/index.js';
import { plainDecimal } from './decimal.js';

/**
 * Field types of the national interface (contract §2) as zod schemas.
 *
 * Every scalar outputs a string (or undefined when absent) in the canonical text form DuckDB casts
 * exactly: decimals stay decimal text, never a binary float. Each scalar is registered with the SQL
 * type of its column, so the table definitions and the ingest SQL are derived from these schemas.
 */
/** `child`: a list that becomes child rows (trace codes), not a column of its line. */
export type ScalarKind = 'text' | 'code' | 'decimal' | 'date' | 'datetime' | 'json' | 'child';

/** Why a value failed its check: a stable code and a short Chinese label. */
export interface CheckFailure {
  readonly code: IssueCode;
  readonly message: string;
}

/**
 * A value accepted in a form other than the textbook one (contract §8): its canonical text
 * (undefined: null in the typed column), the data-quality note it leaves, and the value as sent
 * when normalising lost information (kept in the row's `extra` under `as_sent`).
 */
export class Adjusted {
  constructor(
    readonly text: string | undefined,
    readonly note: IssueCode,
    readonly asSent?: string,
  ) {}
}

/**
 * A present value's check: its canonical text, an Adjusted value (a variant of §8), or why it
 * failed. Success is a bare string and failures are shared constants, so checking a textbook field
 * allocates nothing (ingest runs this per field of every line).
 */
export type Check = (v: unknown, separatorFree?: boolean) => string | Adjusted | CheckFailure;

/** The canonical text of a checked value (a field's output, on either path): undefined when absent or null. */
export function canonical(v: unknown): string | undefined {
  return typeof v === 'string' ? v : v instanceof Adjusted ? v.text : undefined;
}

const fail = (code: IssueCode, message: string): CheckFailure => Object.freeze({ code, message });
const INVALID_TYPE = fail('invalid-type', '类型错误');
const TEXT_TOO_LONG = fail('text-too-long', '文本过长');
const CODE_TOO_LONG = fail('text-too-long', '代码过长');
const CONTROL_CHARACTER = fail('control-character', '含有控制字符');
const INVALID_DECIMAL = fail('invalid-decimal', '不是有效数值');
const TOO_MANY_DECIMALS = fail('too-many-decimals', '小数位数超出');
const DECIMAL_OVERFLOW = fail('decimal-overflow', '数值超出范围');
const INVALID_DATE = fail('invalid-date', '日期格式错误');
const INVALID_DATETIME = fail('invalid-datetime', '时间格式错误');
const INVALID_INTEGER = fail('invalid-integer', '不是整数');
const INVALID_ENUM = fail('invalid-enum', '取值不在代码表中');
const INVALID_STRUCTURE = fail('invalid-structure', '结构不符');
const CODE_AS_NUMBER = fail('code-as-number', '编码以数字发送, 前导零已丢失');

export interface ColumnMeta {
  readonly kind: ScalarKind;
  readonly sql: string;
  readonly required: boolean;
  /** What a person should expect the value to look like, used in rejection reasons. */
  readonly expected: string;
  /**
   * The check zod runs for a present value. Registered so that ingest's compiled fast path
   * (ingest/fast.ts) runs the very same function; see there.
   */
  readonly check: Check;
  /** The check may return an Adjusted value (dates, date-times, code-table codes): the row builder looks for notes there. */
  readonly adjustable?: boolean;
}

export const columnMeta = z.registry<ColumnMeta>();

/**
 * Sentinel prefix the decoder puts on JSON number tokens too long for a binary float (see numbers.ts).
 * Its random part (per process) keeps a sender's string such as "\u001fN:5" from passing for a number.
 */
export const LONG_NUMBER_PREFIX = `\u001fN${randomBytes(6).toString('hex')}:`;

const LONG_NUMBER_IN_JSON = JSON.stringify(LONG_NUMBER_PREFIX).slice(1, -1);
/** Escaped backslashes (skipped), long-number sentinels, and lone surrogates, in JSON.stringify output. */
const JSON_FIXUPS = new RegExp(`\\\\\\\\|"${LONG_NUMBER_IN_JSON.replace(/\\/g, '\\\\')}([-+.\\deE]+)"|\\\\ud[89a-f][0-9a-f]{2}`, 'g');

/**
 * JSON text for a JSON column (unknown fields, nested lists). Long-number sentinels are written back
 * as the numbers that were sent, and lone surrogates become U+FFFD as they do in VARCHAR columns:
 * JSON.stringify escapes them and DuckDB's JSON type refuses the escape, which fails the whole batch.
 */
export function jsonText(v: unknown): string {
  const s = JSON.stringify(v);
  if (!s.includes('\\u')) return s;
  return s.replace(JSON_FIXUPS, (m, num: string | undefined) => (num !== undefined ? num : m === '\\\\' ? m : '\\ufffd'));
}

export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** How a rejection reason shows the value it got: a long number as its digits, else as any JSON value. */
export function describe(v: unknown): string {
  if (typeof v === 'string' && v.startsWith(LONG_NUMBER_PREFIX)) return `数字 ${v.slice(LONG_NUMBER_PREFIX.length)}`;
  return describeValue(v);
}

/** A checked field's output: canonical text, or an Adjusted value for a §8 variant. */
export type Checked = string | Adjusted;

function scalar<R extends boolean>(
  kind: ScalarKind,
  sql: string,
  expected: string,
  required: R,
  check: Check,
  adjustable = false,
): z.ZodType<R extends true ? Checked : Checked | undefined, unknown> {
  const schema = z.unknown().transform((v, ctx) => {
    if (isAbsent(v)) {
      if (!required) return undefined;
      customIssue(ctx, '必填字段缺失', { code: 'missing-field', expected, got: MISSING });
      return z.NEVER;
    }
    const r = check(v);
    if (typeof r === 'string' || r instanceof Adjusted) return r;
    customIssue(ctx, r.message, { code: r.code, expected, got: describe(v) });
    return z.NEVER;
  });
  // A missing key must not reach an object's "required key" check when the field is optional.
  const out = required ? schema : schema.optional();
  out.register(columnMeta, { kind, sql, required, expected, check, ...(adjustable ? { adjustable } : {}) });
  return out as unknown as z.ZodType<R extends true ? Checked : Checked | undefined, unknown>;
}

/**
 * The information separators U+001C–U+001F have no place in any text of the interface; ingest uses
 * two of them to frame staged rows, so text carrying them is rejected rather than escaped. A check
 * told `separatorFree` skips the search: ingest's fast path knows when the message's JSON text has
 * no `\u001` escape, the only way such a character gets into a JSON string (searching every field
 * was a measurable cost per fee line, see bench/README.md).
 */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what is looked for
const SEPARATORS = /[\u001c-\u001f]/;

/** C: text. Identifiers are text only; a number where an id belongs is rejected. */
export function text<R extends boolean = true>(maxLength: number, required: R = true as R) {
  const expected = `文本(最长${maxLength})`;
  return scalar('text', 'VARCHAR', expected, required, (v, separatorFree) => {
    if (typeof v !== 'string' || v.startsWith(LONG_NUMBER_PREFIX)) return INVALID_TYPE;
    if (v.length > maxLength) return TEXT_TOO_LONG;
    if (!separatorFree && SEPARATORS.test(v)) return CONTROL_CHARACTER;
    return v;
  });
}

/**
 * An id (`feedetl_sn`, `mdtrt_id`, `setl_id`, `fixmedins_bchno`, `rxno`, `msgid` …): text, or a JSON
 * integer as some provinces require (contract §8), taken as its decimal text exactly — from the
 * source text when it is too long for a binary float.
 */
export function id<R extends boolean = true>(maxLength: number, required: R = true as R) {
  const expected = `文本或整数(最长${maxLength})`;
  return scalar('text', 'VARCHAR', expected, required, (v, separatorFree) => {
    let s: string;
    if (typeof v === 'string') {
      if (!v.startsWith(LONG_NUMBER_PREFIX)) s = v;
      else {
        s = v.slice(LONG_NUMBER_PREFIX.length);
        if (!/^\d+$/.test(s)) return INVALID_TYPE;
      }
    } else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) s = String(v);
    else return INVALID_TYPE;
    if (s.length > maxLength) return TEXT_TOO_LONG;
    if (!separatorFree && SEPARATORS.test(s)) return CONTROL_CHARACTER;
    return s;
  });
}

/**
 * A code of the national list (`med_list_codg`): text only. A JSON number is refused with what was
 * found: its leading zeros are gone (contract §8), so the code it stood for cannot be known.
 */
export function listCode<R extends boolean = true>(maxLength: number, required: R = true as R) {
  const expected = `编码文本(最长${maxLength})`;
  return scalar('text', 'VARCHAR', expected, required, (v, separatorFree) => {
    if (typeof v === 'number' || (typeof v === 'string' && v.startsWith(LONG_NUMBER_PREFIX))) return CODE_AS_NUMBER;
    if (typeof v !== 'string') return INVALID_TYPE;
    if (v.length > maxLength) return TEXT_TOO_LONG;
    if (!separatorFree && SEPARATORS.test(v)) return CONTROL_CHARACTER;
    return v;
  });
}

/** A code (med_type, gend, insutype …): senders send it as a string or an integer; stored as text. */
export function code<R extends boolean = true>(maxLength: number, required: R = true as R) {
  const expected = `代码(文本或整数, 最长${maxLength})`;
  return scalar('code', 'VARCHAR', expected, required, (v, separatorFree) => {
    let s: string;
    if (typeof v === 'string') s = v.startsWith(LONG_NUMBER_PREFIX) ? v.slice(LONG_NUMBER_PREFIX.length) : v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) s = String(v);
    else return INVALID_TYPE;
    if (s.length > maxLength) return CODE_TOO_LONG;
    if (!separatorFree && SEPARATORS.test(s)) return CONTROL_CHARACTER;
    return s;
  });
}

/** N(precision, scale): a JSON number or a numeric string, kept as exact decimal text. */
export function decimal<R extends boolean = true>(precision: number, scale: number, required: R = true as R) {
  const expected = `数值(最多${scale}位小数)`;
  return scalar('decimal', `DECIMAL(${precision},${scale})`, expected, required, (v) => {
    let src: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return INVALID_DECIMAL;
      // Numbers with at most 15 significant digits round-trip exactly through a double (contract §2);
      // longer ones arrive as sentinel strings carrying their source text.
      src = String(v);
    } else if (typeof v === 'string') {
      src = v.startsWith(LONG_NUMBER_PREFIX) ? v.slice(LONG_NUMBER_PREFIX.length) : v.trim();
    } else return INVALID_TYPE;
    const d = plainDecimal(src);
    if (d === undefined) return INVALID_DECIMAL;
    if (d.scale > scale) return TOO_MANY_DECIMALS;
    if (d.intDigits > precision - scale) return DECIMAL_OVERFLOW;
    return d.text;
  });
}

/** `yyyy-MM-dd`, optionally with a time (` ` or `T` separator, optional fraction of a second, no offset). */
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[m - 1] ?? 0);
}

/** The parts of a date or date-time text, or undefined when it is neither (or names no real day or time). */
function dateParts(v: unknown): { day: string; time: string | undefined; fraction: string | undefined } | undefined {
  const m = typeof v === 'string' ? DATE_TIME_RE.exec(v) : null;
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return { day, time: undefined, fraction: undefined };
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  return { day, time: `${m[4]}:${m[5]}:${m[6]}`, fraction: m[7] };
}

/**
 * D: `yyyy-MM-dd`. A date-time sent in its place (`yyyy-MM-dd HH:mm:ss`, ISO `T`, a fraction of a
 * second: contract §8) gives its day; a time other than midnight is kept as sent (`as_sent`).
 */
export function date<R extends boolean = true>(required: R = true as R) {
  return scalar(
    'date',
    'DATE',
    '日期 yyyy-MM-dd',
    required,
    (v) => {
      const p = dateParts(v);
      if (!p) return INVALID_DATE;
      if (p.time === undefined) return p.day;
      if (p.time === '00:00:00' && !/[1-9]/.test(p.fraction ?? '')) return p.day;
      return new Adjusted(p.day, 'time-dropped', v as string);
    },
    true,
  );
}

/**
 * DT: `yyyy-MM-dd HH:mm:ss`, China Standard Time without offset, stored as a plain TIMESTAMP. The
 * ISO form (`T`, an optional fraction of a second, no offset) is the same instant, the fraction
 * kept (it orders `inf_time`); a bare date is midnight, flagged date-only (contract §8).
 */
export function datetime<R extends boolean = true>(required: R = true as R) {
  return scalar(
    'datetime',
    'TIMESTAMP',
    '时间 yyyy-MM-dd HH:mm:ss',
    required,
    (v) => {
      const p = dateParts(v);
      if (!p) return INVALID_DATETIME;
      if (p.time === undefined) return new Adjusted(`${p.day} 00:00:00`, 'bare-date');
      const text = `${p.day} ${p.time}${p.fraction === undefined ? '' : `.${p.fraction}`}`;
      return text === v ? v : text;
    },
    true,
  );
}

/** Contract §2 column types. */
export const amount = <R extends boolean = true>(required: R = true as R) => decimal(16, 2, required);
export const price = <R extends boolean = true>(required: R = true as R) => decimal(16, 6, required);
export const quantity = <R extends boolean = true>(required: R = true as R) => decimal(16, 4, required);

/** A whole number (beds, counts in reference files). */
export function integer<R extends boolean = true>(required: R = true as R) {
  return scalar('code', 'INTEGER', '整数', required, (v) => {
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^-?\d{1,9}$/.test(s)) return INVALID_INTEGER;
    return String(Number(s));
  });
}

/** A code from a closed code table (contract §4). */
export function oneOf<R extends boolean = true>(values: readonly string[], required: R = true as R) {
  const allowed = new Set(values);
  return scalar('code', 'VARCHAR', `代码 ${values.join('|')}`, required, (v) => {
    const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== 'string' || !allowed.has(s)) return INVALID_ENUM;
    return s;
  });
}

/**
 * A code of a code table (contract §4 and the national dictionaries): a known code as sent (string
 * or integer); a known display name (`"男"`, `"是"`) becomes its code; an unknown value lands as
 * null, never a rejection (contract §8). Both keep the value as sent and leave a note, so rules
 * never see an unknown code as a value.
 */
export function codeIn<R extends boolean = true>(
  table: Readonly<Record<string, string>>,
  names: ReadonlyMap<string, string>,
  required: R = true as R,
) {
  const codes = new Set(Object.keys(table));
  return scalar(
    'code',
    'VARCHAR',
    `代码 ${[...codes].join('|')}`,
    required,
    (v) => {
      let s: string;
      if (typeof v === 'string') s = v.startsWith(LONG_NUMBER_PREFIX) ? v.slice(LONG_NUMBER_PREFIX.length) : v;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) s = String(v);
      else if (v !== null && typeof v === 'object') return INVALID_TYPE;
      else return new Adjusted(undefined, 'unknown-code', String(v));
      if (codes.has(s)) return s;
      const code = names.get(s.trim());
      return code === undefined ? new Adjusted(undefined, 'unknown-code', s) : new Adjusted(code, 'display-name', s);
    },
    true,
  );
}

/** Between the codes of a checked trace list (a separator no checked text contains). */
export const TRACE_SEP = '\u001e';

/**
 * A list of trace codes (`drugtracinfo: [{ drug_trac_codg }]` on 3502/3505/3506, `drug_trac_info` on
 * 2207; contract §8): a list of objects, or one object, each with a `drug_trac_codg`. Not a column:
 * each code becomes a row of the trace-code table, keyed to its line. The other fields of an item
 * are left with the message.
 */
export function traceList<R extends boolean = true>(required: R = true as R) {
  const one = id(64);
  return scalar('child', '', '列表 [{ drug_trac_codg }]', required, (v, separatorFree) => {
    const items = Array.isArray(v) ? (v as unknown[]) : v !== null && typeof v === 'object' ? [v] : undefined;
    if (!items) return INVALID_STRUCTURE;
    const codes: string[] = [];
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return INVALID_STRUCTURE;
      const c = (item as Record<string, unknown>)['drug_trac_codg'];
      if (isAbsent(c)) continue;
      const r = (columnMeta.get(one) as ColumnMeta).check(c, separatorFree);
      if (typeof r !== 'string') return INVALID_STRUCTURE;
      codes.push(r);
    }
    return codes.join(TRACE_SEP);
  });
}

/**
 * A nested structure kept as a JSON column (e.g. 2402's `diseinfo` list). Its inner schema's issues
 * are reported at their own paths; the value lands as JSON text.
 */
export function jsonOf<R extends boolean = true>(inner: z.ZodType, required: R = true as R) {
  const expected = '结构化数据(见接口规范)';
  const check: Check = (v) => {
    const r = inner.safeParse(v);
    return r.success ? jsonText(r.data) : INVALID_STRUCTURE;
  };
  const schema = z.unknown().transform((v, ctx) => {
    if (isAbsent(v)) {
      if (!required) return undefined;
      customIssue(ctx, '必填字段缺失', { code: 'missing-field', expected, got: MISSING });
      return z.NEVER;
    }
    const r = inner.safeParse(v);
    if (r.success) return jsonText(r.data);
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: issue.path });
    return z.NEVER;
  });
  const out = required ? schema : schema.optional();
  out.register(columnMeta, { kind: 'json', sql: 'JSON', required, expected, check });
  return out as unknown as z.ZodType<R extends true ? string : string | undefined, unknown>;
}
