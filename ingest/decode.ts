import { contractIssues } from '../contract/diagnostics.js';
import { Envelope, ENVELOPE_COLUMNS } from '../contract/envelope.js';
import { MESSAGE_TYPES, type MessageType, type TableName } from '../contract/messages.js';
import { scrubRaw, scrubText } from '../contract/pii.js';
import { jsonText, LONG_NUMBER_PREFIX } from '../contract/scalars.js';
import { formatFinding, type Issue, type IssueCode } from '../core/diagnostics/index.js';
import { fastDecode } from './fast.js';
import { protectLongNumbers } from './numbers.js';
import { buildRows, unknownFields } from './rows.js';

/** Contract §1: a message over 1 MiB is rejected. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export { FIELD_SEP } from './rows.js';

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
   * contract counts "" as absent). Cheaper for DuckDB to split than JSON to parse (measured, see
   * bench/README.md).
   */
}

export interface Rejection {
  /** Code of the first issue. */
  readonly code: IssueCode;
  /** One line a person understands: every issue, formatted. */
  readonly reason: string;
  /** Located by field path only; the source position is the lander's. */
  readonly issues: readonly Issue[];
  /** Raw bytes with personal data replaced (contract §5). */
  readonly raw: Buffer;
  readonly msgid: string | null;
  readonly fixmedins_code: string | null;
  readonly infno: string | null;
}

export type Decoded = { readonly ok: true; readonly message: DecodedMessage } | { readonly ok: false; readonly rejection: Rejection };

const INFNOS = [...MESSAGE_TYPES.keys()].join('|');

/** A problem with the message as a whole (or its envelope's `path`), found before any schema ran. */
const messageIssue = (code: IssueCode, message: string, expected: string, got: string, path?: string): Issue => ({
  code,
  severity: 'error',
  message,
  expected,
  got,
  at: path === undefined ? {} : { path },
});
const ENVELOPE_KNOWN = new Set<string>([...ENVELOPE_COLUMNS, 'input']);

/**
 * Decodes one message (a replay line or a Kafka value). Pure: the only input besides the bytes is
 * the personal-data key. Never throws on bad input; a bad message becomes a Rejection.
 */
export function decodeMessage(raw: Buffer, piiKey: string): Decoded {
  if (raw.length > MAX_MESSAGE_BYTES)
    return reject(raw, piiKey, [messageIssue('message-too-large', '消息过大', `不超过 ${MAX_MESSAGE_BYTES} 字节`, `${raw.length} 字节`)]);

  let parsed: unknown;
  let text: string;
  try {
    text = protectLongNumbers(raw.toString('utf8'));
    parsed = JSON.parse(text);
  } catch (err) {
    // V8's message may quote the source text (and so personal data); keep only where it broke.
    const msg = (err as Error).message;
    const at = /at position (\d+)/.exec(msg)?.[1];
    const got = at === undefined ? (/end of JSON input/.test(msg) ? '内容不完整' : '语法错误') : `第 ${Number(at) + 1} 个字符处`;
    return reject(raw, piiKey, [messageIssue('invalid-json', '不是有效的 JSON', 'JSON 对象', got)]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return reject(raw, piiKey, [
      // JSON type names (typeof alone would call null an object).
      messageIssue(
        'not-an-object',
        '消息不是 JSON 对象',
        'JSON object',
        Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed,
      ),
    ]);
  const obj = parsed as Record<string, unknown>;

  // JSON text carries a separator U+001C–U+001F only as an escape (raw, JSON.parse refuses it).
  const fast = fastDecode(obj, !text.includes('\\u001'));
  if (fast) return { ok: true, message: buildMessage(fast.env, fast.type, fast.input, fast.lines, piiKey) };

  // Slow path: zod decides and explains.
  const env = Envelope.safeParse(obj);
  const infnoRaw = obj['infno'];
  const type = MESSAGE_TYPES.get(String(infnoRaw));
  const typeIssue: Issue[] =
    type || infnoRaw === undefined || infnoRaw === null || infnoRaw === ''
      ? []
      : [messageIssue('unknown-infno', '未知的交易编号', INFNOS, JSON.stringify(infnoRaw), 'infno')];
  if (!env.success)
    return reject(
      raw,
      piiKey,
      [...typeIssue, ...contractIssues(env.error.issues, obj).filter((d) => !(typeIssue.length && d.at.path === 'infno'))],
      obj,
    );
  if (!type) return reject(raw, piiKey, typeIssue, obj);
  const body = type.input.safeParse(env.data.input);
  if (!body.success) return reject(raw, piiKey, contractIssues(body.error.issues, obj['input'], ['input']), obj);
  const bodyValue = body.data[type.bodyKey];
  const lines = (type.many ? bodyValue : [bodyValue]) as Record<string, unknown>[];
  return { ok: true, message: buildMessage(env.data, type, body.data, lines, piiKey) };
}

function reject(raw: Buffer, piiKey: string, found: readonly Issue[], obj?: Record<string, unknown>): Decoded {
  // A value quoted in an issue (an ID number sent as mdtrt_id …) is kept like the reason: scrubbed (contract §5).
  const issues = found.map((d) => (d.got === undefined ? d : { ...d, got: scrubText(piiKey, d.got) }));
  const pick = (k: string) => {
    const v = obj?.[k];
    if (typeof v === 'string') return v.startsWith(LONG_NUMBER_PREFIX) ? v.slice(LONG_NUMBER_PREFIX.length) : v;
    return typeof v === 'number' ? String(v) : null;
  };
  return {
    ok: false,
    rejection: {
      code: issues[0]?.code ?? 'invalid',
      reason: scrubText(piiKey, issues.map(formatFinding).join('; ')),
      issues,
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
  const fixmedins = env['fixmedins_code'] as string;
  const rows = buildRows(type, lines, { fixmedins, piiKey });

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
  };
}
