import { aliasTable, applyAliases, type AliasTable, type AliasUse } from '../contract/aliases.js';
import { contractIssues } from '../contract/diagnostics.js';
import { Envelope, ENVELOPE_COLUMNS } from '../contract/envelope.js';
import { bodyNodeIssue, MESSAGE_TYPES, type MessageType, type TableName } from '../contract/messages.js';
import { scrubRaw, scrubText } from '../contract/pii.js';
import { Adjusted, canonical, jsonText, LONG_NUMBER_PREFIX } from '../contract/scalars.js';
import { formatFinding, type Issue, type IssueCode } from '../core/diagnostics/index.js';
import { fastDecode } from './fast.js';
import { protectLongNumbers } from './numbers.js';
import { buildRows, unknownFields, type QualityNote } from './rows.js';

/** Contract §1: a message over 1 MiB is rejected. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export { FIELD_SEP, type QualityNote } from './rows.js';

export type UploadMode = 'T0' | 'T1';

/** What the source of a message says about it (contract §8), beside its bytes. */
export interface DecodeOptions {
  /** The mode of the source, for messages whose envelope has no `upload_mode` (default T0). */
  readonly uploadMode?: UploadMode;
  /** Provincial field names (default: the contract's table). */
  readonly aliases?: AliasTable;
}

/** An accepted message, normalised. */
export interface DecodedMessage {
  readonly infno: string;
  readonly msgid: string;
  readonly fixmedins_code: string;
  readonly inf_time: string;
  readonly upload_mode: UploadMode;
  /** Whether the envelope said `upload_mode` (`message`) or the source's setting stood in (`source`). */
  readonly upload_mode_source: 'message' | 'source';
  readonly mdtrtarea_admvs: string | null;
  readonly insuplc_admdvs: string | null;
  /** Unknown envelope and `input` fields (PII scrubbed), JSON text, or null when there are none. */
  readonly extra: string | null;
  /** The provincial field names used, JSON `[{ alias, field }]`, or null. */
  readonly aliases: string | null;
  readonly table: TableName;
  /**
   * One string per line: for versioned tables the natural key's hash (ingest/keyhash.ts) first,
   * then the table's line columns in order; fields separated by U+001F, empty for absent (the
   * contract counts "" as absent). Cheaper for DuckDB to split than JSON to parse (measured, see
   * bench/README.md).
   */
  readonly rows: readonly string[];
  /** Trace-code rows of its lines (ingest/rows.ts). */
  readonly traces: readonly string[];
  /** Data-quality notes: the §8 variants it was accepted in. */
  readonly notes: readonly QualityNote[];
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
const ENVELOPE_KNOWN = new Set<string>([...ENVELOPE_COLUMNS, 'input']);
const SHIPPED_ALIASES = aliasTable();

/** A problem with the message as a whole (or its envelope's `path`), found before any schema ran. */
const messageIssue = (code: IssueCode, message: string, expected: string, got: string, path?: string): Issue => ({
  code,
  severity: 'error',
  message,
  expected,
  got,
  at: path === undefined ? {} : { path },
});

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decodes one message (a replay line or a Kafka value). Pure: besides the bytes, only the
 * personal-data key and what the source says (its upload mode, the aliases in force). Never throws
 * on bad input; a bad message becomes a Rejection.
 */
export function decodeMessage(raw: Buffer, piiKey: string, options: DecodeOptions = {}): Decoded {
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
  if (!isPlainObject(parsed))
    return reject(raw, piiKey, [
      // JSON type names (typeof alone would call null an object).
      messageIssue(
        'not-an-object',
        '消息不是 JSON 对象',
        'JSON object',
        Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed,
      ),
    ]);
  const obj = parsed;
  const aliases = options.aliases ?? SHIPPED_ALIASES;
  const used = aliases.probe.test(text) ? renameAliases(obj, aliases) : [];
  const oneObject = oneObjectNode(obj);

  // JSON text carries a separator U+001C–U+001F only as an escape (raw, JSON.parse refuses it).
  const fast = fastDecode(obj, !text.includes('\\u001'));
  if (fast) return { ok: true, message: buildMessage(fast.env, fast.type, fast.input, fast.lines, piiKey, options, used, oneObject) };

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
  const input = obj['input'] as Record<string, unknown>;
  const node = bodyNodeIssue(type, input);
  if (node) return reject(raw, piiKey, [messageIssue(node.code, node.message, node.expected, node.got, node.path)], obj);
  const body = type.input.safeParse(input);
  if (!body.success) return reject(raw, piiKey, contractIssues(body.error.issues, input, ['input']), obj);
  const bodyValue = body.data[type.bodyKey];
  const lines = (type.many ? bodyValue : [bodyValue]) as Record<string, unknown>[];
  return { ok: true, message: buildMessage(env.data, type, body.data, lines, piiKey, options, used, oneObject) };
}

/** Aliases renamed in place: the envelope's, then the lines' of the message's type; each with where it was. */
function renameAliases(obj: Record<string, unknown>, aliases: AliasTable): (AliasUse & { path: string })[] {
  const out = applyAliases(obj, 'envelope', aliases).map((u) => ({ ...u, path: u.alias }));
  const type = MESSAGE_TYPES.get(String(obj['infno']));
  const input = obj['input'];
  if (!type || !isPlainObject(input)) return out;
  const node = input[type.bodyKey];
  const at = `input.${type.bodyKey}`;
  if (Array.isArray(node))
    node.forEach((line, i) => {
      if (isPlainObject(line)) out.push(...applyAliases(line, type.table, aliases).map((u) => ({ ...u, path: `${at}[${i}].${u.alias}` })));
    });
  else if (isPlainObject(node)) out.push(...applyAliases(node, type.table, aliases).map((u) => ({ ...u, path: `${at}.${u.alias}` })));
  return out;
}

/** The path of a body node that holds one object where the contract has a list (3501–3506), if so. */
function oneObjectNode(obj: Record<string, unknown>): string | undefined {
  const type = MESSAGE_TYPES.get(String(obj['infno']));
  const input = obj['input'];
  return type?.oneObject && isPlainObject(input) && isPlainObject(input[type.bodyKey]) ? `input.${type.bodyKey}` : undefined;
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
  options: DecodeOptions,
  aliases: readonly (AliasUse & { path: string })[],
  oneObject: string | undefined,
): DecodedMessage {
  const fixmedins = canonical(env['fixmedins_code']) as string;
  const built = buildRows(type, lines, { fixmedins, piiKey, infno: type.infno });
  const notes: QualityNote[] = [];
  const infTime = env['inf_time'];
  if (infTime instanceof Adjusted) notes.push({ path: 'inf_time', code: infTime.note, value: null });
  if (oneObject) notes.push({ path: oneObject, code: 'one-object-node', value: null });
  for (const a of aliases)
    notes.push(
      a.conflict === undefined
        ? { path: a.path, code: 'alias-used', value: null }
        : { path: a.path, code: 'alias-conflict', value: scrubText(piiKey, jsonText(a.conflict)) },
    );
  notes.push(...built.notes);

  const envExtra = unknownFields(env, ENVELOPE_KNOWN);
  const inputExtra = unknownFields(input, new Set([type.bodyKey]));
  const extra =
    envExtra || inputExtra
      ? scrubText(piiKey, jsonText({ ...(envExtra ? { envelope: envExtra } : {}), ...(inputExtra ? { input: inputExtra } : {}) }))
      : null;
  const mode = env['upload_mode'] as UploadMode | undefined;
  const renamed = aliases.filter((a) => a.conflict === undefined);
  return {
    infno: env['infno'] as string,
    msgid: canonical(env['msgid']) as string,
    fixmedins_code: fixmedins,
    inf_time: canonical(infTime) as string,
    upload_mode: mode ?? options.uploadMode ?? 'T0',
    upload_mode_source: mode === undefined ? 'source' : 'message',
    mdtrtarea_admvs: (env['mdtrtarea_admvs'] as string | undefined) ?? null,
    insuplc_admdvs: (env['insuplc_admdvs'] as string | undefined) ?? null,
    extra,
    aliases: renamed.length
      ? JSON.stringify([...new Map(renamed.map((a) => [a.alias, { alias: a.alias, field: a.field }])).values()])
      : null,
    table: type.table,
    rows: built.rows,
    traces: built.traces,
    notes,
  };
}
