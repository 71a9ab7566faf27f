import { medTypeClass } from '../contract/codes.js';
import { fromZodIssues, formatDiagnostic, type Diagnostic } from '../contract/diagnostics.js';
import { Envelope, ENVELOPE_COLUMNS } from '../contract/envelope.js';
import { MESSAGE_TYPES, type MessageType, type TableName } from '../contract/messages.js';
import { piiHash, piiMask, scrubRaw, scrubText } from '../contract/pii.js';
import { jsonText, LONG_NUMBER_PREFIX } from '../contract/scalars.js';
import { PII_FIELDS, TABLES, type TableSpec } from '../contract/tables.js';
import { fastDecode, UNKNOWN_FIELDS } from './fast.js';
import { keyHash } from './keyhash.js';
import { protectLongNumbers } from './numbers.js';

/** Contract §1: a message over 1 MiB is rejected. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Separators of staged rows (see rows in DecodedMessage); text containing them is rejected by the contract. */
export const FIELD_SEP = '\u001f';

/** An accepted message, normalised. */
export interface DecodedMessage {
  readonly infno: string;
  readonly msgid: string;
  readonly fixmedins_code: string;
  readonly inf_time: string;
  readonly upload_mode: 'T0' | 'T1';
  readonly mdtrtarea_admvs: string | null;
  readonly insuplc_admdvs: string | null;
  /** Unknown envelope and `input` fields (PII scrubbed), JSON text, or null when there are none. */
  readonly extra: string | null;
  readonly table: TableName;
  readonly rows: readonly string[];
  /**
   * One string per line: for versioned tables the natural key's hash (ingest/keyhash.ts) first,
   * then the table's line columns in order; fields separated by U+001F, empty for absent (the
   * contract counts "" as absent). Cheaper for DuckDB to split than JSON to parse (measured 3×).
   */
  /** Version rank (contract §1): T1 over T0, then later inf_time, then larger msgid; compared as text. */
  readonly rank: string;
}

export interface Rejection {
  /** Code of the first diagnostic. */
  readonly code: string;
  /** One line a person understands: every diagnostic, formatted. */
  readonly reason: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Raw bytes with personal data replaced (contract §5). */
  readonly raw: Buffer;
  readonly msgid: string | null;
  readonly fixmedins_code: string | null;
  readonly infno: string | null;
}

export type Decoded = { readonly ok: true; readonly message: DecodedMessage } | { readonly ok: false; readonly rejection: Rejection };

const INFNOS = [...MESSAGE_TYPES.keys()].join('|');
const ENVELOPE_KNOWN = new Set<string>([...ENVELOPE_COLUMNS, 'input']);

/** How each column of a table's row is filled, worked out once per message type rather than per line. */
type Cell =
  | { readonly from: 'none' }
  | { readonly from: 'line'; readonly field: string }
  | { readonly from: 'pii-hash' | 'pii-mask'; readonly field: string }
  | { readonly from: 'med-type-class' | 'kind' | 'extra' };

interface RowPlan {
  readonly spec: TableSpec;
  readonly cells: readonly Cell[];
  /** Fields of this type's line schema: the rest of a line goes to `extra`. */
  readonly known: ReadonlySet<string>;
  /** Natural key (versioned tables): -1 for the envelope's fixmedins_code, else the index of its cell. */
  readonly keyCells: readonly number[];
}

/**
 * Only the fields of the message type's own line schema fill columns: a table's other columns
 * (another 进销存 kind's quantity, say) stay empty, and a sender's field of that name is unchecked
 * for this type, so it goes to `extra` like any unknown field.
 */
function planOf(type: MessageType): RowPlan {
  const spec = TABLES[type.table];
  const own = new Set(Object.keys(type.line.shape));
  const cells = spec.lineColumns.map((c): Cell => {
    if (c.name === 'extra') return { from: 'extra' };
    if (c.name === 'kind') return { from: 'kind' };
    if (c.name === 'med_type_class') return own.has('med_type') ? { from: 'med-type-class' } : { from: 'none' };
    const pii = /^(.*)_(hash|mask)$/.exec(c.name);
    if (pii && PII_FIELDS.has(pii[1] as string))
      return own.has(pii[1] as string) ? { from: pii[2] === 'hash' ? 'pii-hash' : 'pii-mask', field: pii[1] as string } : { from: 'none' };
    return own.has(c.name) ? { from: 'line', field: c.name } : { from: 'none' };
  });
  const keyCells = spec.versioned
    ? spec.key.map((k) => (k === 'fixmedins_code' ? -1 : spec.lineColumns.findIndex((c) => c.name === k)))
    : [];
  if (keyCells.some((i, n) => i === -1 && spec.key[n] !== 'fixmedins_code'))
    throw new Error(`decode: key of ${spec.name} is not among its columns`);
  return { spec, cells, known: own, keyCells };
}

const PLANS = new Map<MessageType, RowPlan>([...MESSAGE_TYPES.values()].map((t) => [t, planOf(t)]));

/**
 * Decodes one message (a replay line or a Kafka value). Pure: the only input besides the bytes is
 * the personal-data key. Never throws on bad input; a bad message becomes a Rejection.
 */
export function decodeMessage(raw: Buffer, piiKey: string): Decoded {
  if (raw.length > MAX_MESSAGE_BYTES)
    return reject(raw, piiKey, [
      { code: 'message-too-large', path: '', message: '消息过大', expected: `不超过 ${MAX_MESSAGE_BYTES} 字节`, got: `${raw.length} 字节` },
    ]);

  let parsed: unknown;
  try {
    parsed = JSON.parse(protectLongNumbers(raw.toString('utf8')));
  } catch (err) {
    // V8's message may quote the source text (and so personal data); keep only where it broke.
    const msg = (err as Error).message;
    const at = /at position (\d+)/.exec(msg)?.[1];
    const got = at === undefined ? (/end of JSON input/.test(msg) ? '内容不完整' : '语法错误') : `第 ${Number(at) + 1} 个字符处`;
    return reject(raw, piiKey, [{ code: 'invalid-json', path: '', message: '不是有效的 JSON', expected: 'JSON 对象', got }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return reject(raw, piiKey, [
      {
        code: 'not-an-object',
        path: '',
        message: '消息不是 JSON 对象',
        // JSON type names (typeof alone would call null an object).
        expected: 'JSON object',
        got: Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed,
      },
    ]);
  const obj = parsed as Record<string, unknown>;

  const fast = fastDecode(obj);
  if (fast) return { ok: true, message: buildMessage(fast.env, fast.type, fast.input, fast.lines, piiKey) };

  // Slow path: zod decides and explains.
  const env = Envelope.safeParse(obj);
  const infnoRaw = obj['infno'];
  const type = MESSAGE_TYPES.get(String(infnoRaw));
  const typeIssue: Diagnostic[] =
    type || infnoRaw === undefined || infnoRaw === null || infnoRaw === ''
      ? []
      : [{ code: 'unknown-infno', path: 'infno', message: '未知的交易编号', expected: INFNOS, got: JSON.stringify(infnoRaw) }];
  if (!env.success)
    return reject(
      raw,
      piiKey,
      [...typeIssue, ...fromZodIssues(env.error.issues).filter((d) => !(typeIssue.length && d.path === 'infno'))],
      obj,
    );
  if (!type) return reject(raw, piiKey, typeIssue, obj);
  const body = type.input.safeParse(env.data.input);
  if (!body.success) return reject(raw, piiKey, fromZodIssues(body.error.issues, ['input']), obj);
  const bodyValue = body.data[type.bodyKey];
  const lines = (type.many ? bodyValue : [bodyValue]) as Record<string, unknown>[];
  return { ok: true, message: buildMessage(env.data, type, body.data, lines, piiKey) };
}

function reject(raw: Buffer, piiKey: string, found: Diagnostic[], obj?: Record<string, unknown>): Decoded {
  // A value quoted in a diagnostic (an ID number sent as mdtrt_id …) is kept like the reason: scrubbed (contract §5).
  const diagnostics = found.map((d) => (d.got === undefined ? d : { ...d, got: scrubText(piiKey, d.got) }));
  const first = diagnostics[0] ?? { code: 'invalid', path: '', message: '无效' };
  const pick = (k: string) => {
    const v = obj?.[k];
    if (typeof v === 'string') return v.startsWith(LONG_NUMBER_PREFIX) ? v.slice(LONG_NUMBER_PREFIX.length) : v;
    return typeof v === 'number' ? String(v) : null;
  };
  return {
    ok: false,
    rejection: {
      code: first.code,
      reason: scrubText(piiKey, diagnostics.map(formatDiagnostic).join('; ')),
      diagnostics,
      raw: scrubRaw(piiKey, raw),
      msgid: pick('msgid'),
      fixmedins_code: pick('fixmedins_code'),
      infno: pick('infno'),
    },
  };
}

function buildMessage(
  env: Record<string, unknown>,
  type: MessageType,
  input: Record<string, unknown>,
  lines: readonly Record<string, unknown>[],
  piiKey: string,
): DecodedMessage {
  const plan = PLANS.get(type) as RowPlan;
  const spec = plan.spec;
  const fixmedins = env['fixmedins_code'] as string;
  const kind = type.psiKind === undefined ? '' : String(type.psiKind);
  const rows: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Record<string, unknown>;
    const cells: string[] = new Array(plan.cells.length);
    for (let c = 0; c < plan.cells.length; c++) {
      const cell = plan.cells[c] as Cell;
      let v: unknown;
      switch (cell.from) {
        case 'none':
          break;
        case 'line':
          v = line[cell.field];
          break;
        case 'pii-hash':
          v = typeof line[cell.field] === 'string' ? piiHash(piiKey, line[cell.field] as string) : undefined;
          break;
        case 'pii-mask':
          v = typeof line[cell.field] === 'string' ? piiMask(cell.field, line[cell.field] as string) : undefined;
          break;
        case 'med-type-class':
          v = typeof line['med_type'] === 'string' ? medTypeClass(line['med_type']) : undefined;
          break;
        case 'kind':
          v = kind;
          break;
        case 'extra': {
          const extra =
            UNKNOWN_FIELDS in line
              ? (line[UNKNOWN_FIELDS as never] as Record<string, unknown> | undefined)
              : unknownFields(line, plan.known);
          v = extra ? scrubText(piiKey, jsonText(extra)) : undefined;
        }
      }
      cells[c] = typeof v === 'string' ? v : '';
    }
    const row = cells.join(FIELD_SEP);
    if (spec.versioned) {
      let key = '';
      for (let k = 0; k < plan.keyCells.length; k++) {
        const at = plan.keyCells[k] as number;
        key += `${k ? FIELD_SEP : ''}${at === -1 ? fixmedins : cells[at]}`;
      }
      rows[i] = `${keyHash(key)}${FIELD_SEP}${row}`;
    } else rows[i] = row;
  }

  const envExtra = unknownFields(env, ENVELOPE_KNOWN);
  const inputExtra = unknownFields(input, new Set([type.bodyKey]));
  const extra =
    envExtra || inputExtra
      ? scrubText(piiKey, jsonText({ ...(envExtra ? { envelope: envExtra } : {}), ...(inputExtra ? { input: inputExtra } : {}) }))
      : null;
  const infTime = env['inf_time'] as string;
  const mode = env['upload_mode'] as 'T0' | 'T1';
  const msgid = env['msgid'] as string;
  return {
    infno: env['infno'] as string,
    msgid,
    fixmedins_code: fixmedins,
    inf_time: infTime,
    upload_mode: mode,
    mdtrtarea_admvs: (env['mdtrtarea_admvs'] as string | undefined) ?? null,
    insuplc_admdvs: (env['insuplc_admdvs'] as string | undefined) ?? null,
    extra,
    table: type.table,
    rows,
    rank: `${mode === 'T1' ? '1' : '0'}${infTime}${msgid}`,
  };
}

function unknownFields(obj: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in obj) if (!known.has(k) && obj[k] !== undefined) (out ??= {})[k] = obj[k];
  return out;
}
