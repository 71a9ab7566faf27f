import { medTypeClass } from '../contract/codes.js';
import { MESSAGE_TYPES, type MessageType } from '../contract/messages.js';
import { piiHash, piiMask, scrubText } from '../contract/pii.js';
import { Adjusted, canonical, jsonText, TRACE_SEP } from '../contract/scalars.js';
import { DATE_ONLY_SUFFIX, fieldMeta, lineColumnIndex, PII_FIELDS, TABLES } from '../contract/tables.js';
import type { IssueCode } from '../core/diagnostics/index.js';
import { UNKNOWN_FIELDS } from './fast.js';
import { keyHash } from './keyhash.js';

/**
 * Normalised lines → staged row text. A row is the table's line columns in order, separated by
 * U+001F, empty for absent (the contract counts "" as absent); rows of versioned tables start with
 * their natural key's hash. DuckDB splits and casts this text on its own threads (measured cheaper
 * than re-parsing JSON, see bench/README.md). Beside the rows, a line leaves the data-quality notes
 * of its §8 variants and the rows of its trace codes.
 */
export const FIELD_SEP = '\u001f';

/** A data-quality note (contract §8): where in the message, what, and the value as sent (personal data replaced). */
export interface QualityNote {
  readonly path: string;
  readonly code: IssueCode;
  readonly value: string | null;
}

/** How one column of a row is filled. */
type Cell =
  | { readonly from: 'none' }
  | { readonly from: 'line' | 'adjustable' | 'date-only'; readonly field: string }
  | { readonly from: 'pii-hash' | 'pii-mask'; readonly field: string }
  | { readonly from: 'med-type-class' | 'kind' | 'extra' };

/** What a compiled row builder gets besides the line; notes and trace rows are collected into it. */
export interface RowContext {
  readonly fixmedins: string;
  readonly piiKey: string;
  /** The message's infno (a 3506 line's trace codes are returns). */
  readonly infno: string;
  /** Field path of the line being built, e.g. `input.feedetail[3]`. */
  at: string;
  readonly notes: QualityNote[];
  /** Trace-code rows: ref, position, code, is_return, origin (`line` | `list`), separated by U+001F. */
  readonly traces: string[];
}

type RowBuilder = (line: Record<string, unknown>, ctx: RowContext) => string;

/**
 * Only the fields of the message type's own line schema fill columns: a table's other columns
 * (another 进销存 kind's quantity, say) stay empty, and a sender's field of that name is unchecked
 * for this type, so it goes to `extra` like any unknown field.
 */
function cellsOf(type: MessageType): Cell[] {
  const shape = type.line.shape as Record<string, Parameters<typeof fieldMeta>[0]>;
  const own = new Set(Object.keys(shape));
  return TABLES[type.table].lineColumns.map((c): Cell => {
    if (c.name === 'extra') return { from: 'extra' };
    if (c.name === 'kind') return { from: 'kind' };
    if (c.name === 'med_type_class') return own.has('med_type') ? { from: 'med-type-class' } : { from: 'none' };
    if (c.name.endsWith(DATE_ONLY_SUFFIX)) {
      const field = c.name.slice(0, -DATE_ONLY_SUFFIX.length);
      return own.has(field) ? { from: 'date-only', field } : { from: 'none' };
    }
    const pii = /^(.*)_(hash|mask)$/.exec(c.name);
    if (pii && PII_FIELDS.has(pii[1] as string))
      return own.has(pii[1] as string) ? { from: pii[2] === 'hash' ? 'pii-hash' : 'pii-mask', field: pii[1] as string } : { from: 'none' };
    if (!own.has(c.name)) return { from: 'none' };
    return fieldMeta(shape[c.name] as Parameters<typeof fieldMeta>[0]).adjustable
      ? { from: 'adjustable', field: c.name }
      : { from: 'line', field: c.name };
  });
}

/** The fields of an object not in `known` (present ones only), or undefined when there are none. */
export function unknownFields(obj: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in obj) if (!known.has(k) && obj[k] !== undefined) (out ??= {})[k] = obj[k];
  return out;
}

/** The unknown fields of a line: handed over by the fast path, else found by walking its keys. */
function unknownOf(line: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  return UNKNOWN_FIELDS in line ? (line[UNKNOWN_FIELDS as never] as Record<string, unknown> | undefined) : unknownFields(line, known);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Splits a `drug_trac_codg` that holds several codes (one line for several boxes). */
const TRACE_LIST = /[\s,，;；]+/;

/** The trace-code sources of each table: a field on the line, and a list of objects. */
const TRACE_FIELDS: Partial<Record<MessageType['table'], { readonly one?: string; readonly list?: string }>> = {
  fee_line: { one: 'drug_trac_codg' },
  psi_line: { one: 'drug_trac_codg', list: 'drugtracinfo' },
  settlement: { list: 'drug_trac_info' },
};

/** The contract §6 ref of a line: what its trace rows are keyed to. */
function refOf(type: MessageType, line: Record<string, unknown>, fixmedins: string): string {
  const t = (f: string) => canonical(line[f]) ?? '';
  if (type.table === 'fee_line') return `fee:${fixmedins}:${t('mdtrt_id')}:${t('feedetl_sn')}`;
  if (type.table === 'settlement') return `setl:${fixmedins}:${t('setl_id')}`;
  return `psi:${fixmedins}:${type.psiKind ?? ''}:${t('fixmedins_bchno')}`;
}

/**
 * Compiles a message type's row into one straight-line function: constant property names and empty
 * columns folded into the separators, instead of a loop over a plan per line (measured: the loop
 * was a large share of decoding, see bench/README.md). Field names come from the contract's schemas
 * only, embedded as JSON string literals. Only fields whose check can return an Adjusted value (a
 * §8 variant) are looked at for notes; the others are read as the text they are.
 */
function compile(type: MessageType): RowBuilder {
  const spec = TABLES[type.table];
  const cells = cellsOf(type);
  const known = new Set(Object.keys(type.line.shape));
  const adjustable = cells.flatMap((c) => (c.from === 'adjustable' ? [c.field] : []));
  const kind = type.psiKind === undefined ? '' : String(type.psiKind);
  const traceFields = TRACE_FIELDS[type.table];
  const trace = traceFields && (known.has(traceFields.one ?? '') || known.has(traceFields.list ?? '')) ? traceFields : undefined;
  const helpers = {
    text,
    adjusted: (line: Record<string, unknown>, field: string, ctx: RowContext): string => {
      const v = line[field];
      if (typeof v === 'string') return v;
      if (!(v instanceof Adjusted)) return '';
      ctx.notes.push({ path: `${ctx.at}.${field}`, code: v.note, value: v.asSent === undefined ? null : scrubText(ctx.piiKey, v.asSent) });
      return v.text ?? '';
    },
    dateOnly: (line: Record<string, unknown>, field: string) => {
      const v = line[field];
      return v instanceof Adjusted && v.note === 'bare-date' ? 'true' : '';
    },
    // Absent personal data (null, "") has no hash and no mask (contract §8): a constant "hash of
    // nothing" would link unrelated anonymous buyers.
    piiHash: (line: Record<string, unknown>, field: string, key: string) => {
      const v = line[field];
      return typeof v === 'string' && v !== '' ? piiHash(key, v) : '';
    },
    piiMask: (line: Record<string, unknown>, field: string) => {
      const v = line[field];
      return typeof v === 'string' && v !== '' ? piiMask(field, v) : '';
    },
    medTypeClass: (line: Record<string, unknown>) => (typeof line['med_type'] === 'string' ? (medTypeClass(line['med_type']) ?? '') : ''),
    extra: (line: Record<string, unknown>, key: string) => {
      const extra = unknownOf(line, known);
      let asSent: Record<string, string> | undefined;
      for (const f of adjustable) {
        const v = line[f];
        if (v instanceof Adjusted && v.asSent !== undefined) (asSent ??= {})[f] = v.asSent;
      }
      if (!extra && !asSent) return '';
      return scrubText(key, jsonText(asSent ? { ...extra, as_sent: asSent } : extra));
    },
    traces: (line: Record<string, unknown>, ctx: RowContext) => {
      if (!trace) return;
      const one = trace.one === undefined ? undefined : canonical(line[trace.one]);
      const list = trace.list === undefined ? undefined : canonical(line[trace.list]);
      if (!one && !list) return;
      const ref = refOf(type, line, ctx.fixmedins);
      // A sale return (3506), or a fee line's reversal, gives a box back: the next sale of it is not a reuse.
      const isReturn = ctx.infno === '3506' || (typeof line['cnt'] === 'string' && line['cnt'].startsWith('-'));
      let seq = 0;
      const add = (code: string, origin: string) => {
        if (code) ctx.traces.push([ref, String(++seq), code, isReturn ? 'true' : 'false', origin].join(FIELD_SEP));
      };
      for (const code of one ? one.split(TRACE_LIST) : []) add(code, 'line');
      for (const code of list ? list.split(TRACE_SEP) : []) add(code, 'list');
    },
    keyHash,
  };
  const lit = (s: string) => JSON.stringify(s);
  const exprs = cells.map((c, i) => {
    switch (c.from) {
      case 'none':
        return lit('');
      case 'line':
      case 'adjustable':
        return `c${i}`;
      case 'date-only':
        return `h.dateOnly(line, ${lit(c.field)})`;
      case 'pii-hash':
        return `h.piiHash(line, ${lit(c.field)}, ctx.piiKey)`;
      case 'pii-mask':
        return `h.piiMask(line, ${lit(c.field)})`;
      case 'med-type-class':
        return 'h.medTypeClass(line)';
      case 'kind':
        return lit(kind);
      case 'extra':
        return 'h.extra(line, ctx.piiKey)';
    }
  });
  const decls = cells
    .map((c, i) =>
      c.from === 'line'
        ? `const c${i} = h.text(line[${lit(c.field)}]);`
        : c.from === 'adjustable'
          ? `const c${i} = h.adjusted(line, ${lit(c.field)}, ctx);`
          : '',
    )
    .filter(Boolean);
  if (trace) decls.push('h.traces(line, ctx);');
  const row = exprs.join(` + ${lit(FIELD_SEP)} + `);
  let body: string;
  if (spec.versioned) {
    const key = spec.key
      .map((k) => {
        if (k === 'fixmedins_code') return 'ctx.fixmedins';
        return exprs[lineColumnIndex(spec, k)] as string;
      })
      .join(` + ${lit(FIELD_SEP)} + `);
    body = `${decls.join('\n')}\nreturn h.keyHash(${key}) + ${lit(FIELD_SEP)} + ${row};`;
  } else body = `${decls.join('\n')}\nreturn ${row};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the row builder is compiled from the table layout (column names from the contract only), for speed
  const make = new Function('h', `return function row(line, ctx) {\n${body}\n};`) as (h: typeof helpers) => RowBuilder;
  return make(helpers);
}

const BUILDERS = new Map<MessageType, RowBuilder>([...MESSAGE_TYPES.values()].map((t) => [t, compile(t)]));

/** What the lines of one message give: their staged rows, and the notes and trace rows they leave. */
export interface BuiltRows {
  readonly rows: string[];
  readonly notes: QualityNote[];
  readonly traces: string[];
}

/** The staged text of each line of a message of `type`, with the notes and trace rows of its lines. */
export function buildRows(
  type: MessageType,
  lines: readonly Record<string, unknown>[],
  ctx: { readonly fixmedins: string; readonly piiKey: string; readonly infno?: string },
): BuiltRows {
  const build = BUILDERS.get(type) as RowBuilder;
  const c: RowContext = { fixmedins: ctx.fixmedins, piiKey: ctx.piiKey, infno: ctx.infno ?? type.infno, at: '', notes: [], traces: [] };
  const base = `input.${type.bodyKey}`;
  const rows = lines.map((line, i) => {
    c.at = type.many ? `${base}[${i}]` : base;
    return build(line, c);
  });
  return { rows, notes: c.notes, traces: c.traces };
}
