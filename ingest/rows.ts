import { medTypeClass } from '../contract/codes.js';
import { MESSAGE_TYPES, type MessageType } from '../contract/messages.js';
import { piiHash, piiMask, scrubText } from '../contract/pii.js';
import { jsonText } from '../contract/scalars.js';
import { lineColumnIndex, PII_FIELDS, TABLES } from '../contract/tables.js';
import { UNKNOWN_FIELDS } from './fast.js';
import { keyHash } from './keyhash.js';

/**
 * Normalised lines → staged row text. A row is the table's line columns in order, separated by
 * U+001F, empty for absent (the contract counts "" as absent); rows of versioned tables start with
 * their natural key's hash. DuckDB splits and casts this text on its own threads (measured cheaper
 * than re-parsing JSON, see bench/README.md).
 */
export const FIELD_SEP = '\u001f';

/** How one column of a row is filled. */
type Cell =
  | { readonly from: 'none' }
  | { readonly from: 'line'; readonly field: string }
  | { readonly from: 'pii-hash' | 'pii-mask'; readonly field: string }
  | { readonly from: 'med-type-class' | 'kind' | 'extra' };

/** What a compiled row builder gets besides the line. */
export interface RowContext {
  readonly fixmedins: string;
  readonly piiKey: string;
}

type RowBuilder = (line: Record<string, unknown>, ctx: RowContext) => string;

/**
 * Only the fields of the message type's own line schema fill columns: a table's other columns
 * (another 进销存 kind's quantity, say) stay empty, and a sender's field of that name is unchecked
 * for this type, so it goes to `extra` like any unknown field.
 */
function cellsOf(type: MessageType): Cell[] {
  const own = new Set(Object.keys(type.line.shape));
  return TABLES[type.table].lineColumns.map((c): Cell => {
    if (c.name === 'extra') return { from: 'extra' };
    if (c.name === 'kind') return { from: 'kind' };
    if (c.name === 'med_type_class') return own.has('med_type') ? { from: 'med-type-class' } : { from: 'none' };
    const pii = /^(.*)_(hash|mask)$/.exec(c.name);
    if (pii && PII_FIELDS.has(pii[1] as string))
      return own.has(pii[1] as string) ? { from: pii[2] === 'hash' ? 'pii-hash' : 'pii-mask', field: pii[1] as string } : { from: 'none' };
    return own.has(c.name) ? { from: 'line', field: c.name } : { from: 'none' };
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

/**
 * Compiles a message type's row into one straight-line function: constant property names and empty
 * columns folded into the separators, instead of a loop over a plan per line (measured: the loop
 * was a large share of decoding, see bench/README.md). Field names come from the contract's schemas
 * only, embedded as JSON string literals.
 */
function compile(type: MessageType): RowBuilder {
  const spec = TABLES[type.table];
  const cells = cellsOf(type);
  const known = new Set(Object.keys(type.line.shape));
  const kind = type.psiKind === undefined ? '' : String(type.psiKind);
  const helpers = {
    text,
    piiHash: (line: Record<string, unknown>, field: string, key: string) =>
      typeof line[field] === 'string' ? piiHash(key, line[field]) : '',
    piiMask: (line: Record<string, unknown>, field: string) => (typeof line[field] === 'string' ? piiMask(field, line[field]) : ''),
    medTypeClass: (line: Record<string, unknown>) => (typeof line['med_type'] === 'string' ? (medTypeClass(line['med_type']) ?? '') : ''),
    extra: (line: Record<string, unknown>, key: string) => {
      const extra = unknownOf(line, known);
      return extra ? scrubText(key, jsonText(extra)) : '';
    },
    keyHash,
  };
  const lit = (s: string) => JSON.stringify(s);
  const exprs = cells.map((c, i) => {
    switch (c.from) {
      case 'none':
        return lit('');
      case 'line':
        return `c${i}`;
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
  const decls = cells.map((c, i) => (c.from === 'line' ? `const c${i} = h.text(line[${lit(c.field)}]);` : '')).filter(Boolean);
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

/** The staged text of each line of a message of `type`. */
export function buildRows(type: MessageType, lines: readonly Record<string, unknown>[], ctx: RowContext): string[] {
  const build = BUILDERS.get(type) as RowBuilder;
  return lines.map((line) => build(line, ctx));
}
