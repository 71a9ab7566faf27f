import type { z } from 'zod';
import { Envelope } from '../contract/envelope.js';
import { MESSAGE_TYPES, type MessageType } from '../contract/messages.js';
import { objectRules } from '../contract/refine.js';
import { Adjusted, type Check } from '../contract/scalars.js';
import { fieldMeta } from '../contract/tables.js';

/**
 * The compiled fast path of message validation. zod stays the definition and the arbiter; this runs
 * the very same registered check function of every field and the same object rules, without zod's
 * per-field machinery (measured several times faster on fee lines, see bench/README.md). It only
 * answers "valid, and here is the normalised value" or "not sure": anything it does not accept goes
 * through zod, which gives the diagnostics and the final word. test/fast.test.ts shows both agree
 * on valid and mutated messages.
 */
interface CompiledField {
  readonly name: string;
  readonly required: boolean;
  readonly check: Check;
}

/**
 * Where run() leaves a line's unknown fields (or undefined when it has none). A symbol: invisible
 * to for…in and JSON.stringify, and absent from zod's output, whose lines are walked instead.
 */
export const UNKNOWN_FIELDS: unique symbol = Symbol('unknown fields');

export interface FastResult {
  readonly env: Record<string, unknown>;
  readonly type: MessageType;
  readonly input: Record<string, unknown>;
  readonly lines: readonly Record<string, unknown>[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Run = (obj: unknown, separatorFree: boolean) => Record<string, unknown> | undefined;

/**
 * Compiles an object schema's fields into one straight-line function: the normalised object
 * (unknown keys kept as sent, absent fields left out), or undefined if anything is off. Constant
 * property names instead of a loop over field descriptors (measured: the loop was a sizeable share
 * of decoding, see bench/README.md); field names come from the contract's schemas only, embedded as
 * JSON string literals. Known fields are written first in schema order so lines share one object
 * shape.
 */
function compile(schema: z.ZodObject, exclude: readonly string[] = []): Run {
  const fields: CompiledField[] = Object.entries(schema.shape)
    .filter(([name]) => !exclude.includes(name))
    .map(([name, field]) => {
      const meta = fieldMeta(field as z.ZodType);
      return { name, required: meta.required, check: meta.check };
    });
  const known = new Set(fields.map((f) => f.name));
  const rules = objectRules(schema);
  const steps = fields.map((f, i) => {
    const name = JSON.stringify(f.name);
    const absent = `v === undefined || v === null || v === ''`;
    // An Adjusted value (a §8 variant) is accepted as it is; the row builder reads its note.
    const check = `r = checks[${i}](v, separatorFree); if (typeof r !== 'string' && !(r instanceof Adjusted)) return undefined; out[${name}] = r;`;
    return f.required ? `v = obj[${name}]; if (${absent}) return undefined; ${check}` : `v = obj[${name}]; if (!(${absent})) { ${check} }`;
  });
  const body = `return function run(obj, separatorFree) {
  if (!isPlainObject(obj)) return undefined;
  const out = {};
  let v, r;
  ${steps.join('\n  ')}
  let extra;
  for (const k in obj) {
    if (known.has(k)) continue;
    if (k === '__proto__') return undefined;
    out[k] = obj[k];
    if (obj[k] !== undefined) (extra ??= {})[k] = obj[k];
  }
  out[UNKNOWN] = extra;
  for (const rule of rules) if (rule(out)) return undefined;
  return out;
};`;
  // In the generated code: JSON.parse makes "__proto__" an own key; assigning it would set out's
  // prototype, whose fields would then pass for unchecked line fields. zod drops the key, so such
  // input is left to zod. The unknown fields found on the way are handed to the row builder.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the fast path is compiled from the schemas' own checks (no outside text in it): straight-line code is what makes it fast
  const make = new Function('checks', 'known', 'rules', 'isPlainObject', 'UNKNOWN', 'Adjusted', body) as (...a: unknown[]) => Run;
  return make(
    fields.map((f) => f.check),
    known,
    rules,
    isPlainObject,
    UNKNOWN_FIELDS,
    Adjusted,
  );
}

// `input` is checked on its own below (a plain object, as zod's record requires).
const ENVELOPE = compile(Envelope, ['input']);
const LINES = new Map<MessageType, Run>([...MESSAGE_TYPES.values()].map((t) => [t, compile(t.line)]));

/**
 * `separatorFree`: the message's JSON text has no `\u001` escape, so none of its strings holds a
 * separator U+001C–U+001F (see contract/scalars.ts); the field checks then skip that search.
 */
export function fastDecode(obj: unknown, separatorFree = false): FastResult | undefined {
  const env = ENVELOPE(obj, separatorFree);
  if (!env || !isPlainObject(env['input'])) return undefined;
  const type = MESSAGE_TYPES.get(env['infno'] as string);
  if (!type) return undefined;
  const input = env['input'];
  const line = LINES.get(type) as Run;
  const node = input[type.bodyKey];
  // One object where the contract has a list (3501–3506, contract §8) is a one-element list.
  const body = type.oneObject && isPlainObject(node) ? [node] : node;
  if (!type.many) {
    const l = line(body, separatorFree);
    return l ? { env, type, input, lines: [l] } : undefined;
  }
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const out = new Array<Record<string, unknown>>(body.length);
  const seen = new Set<unknown>();
  for (let i = 0; i < body.length; i++) {
    const l = line(body[i], separatorFree);
    if (!l) return undefined;
    const k = l[type.uniqueField as string];
    if (seen.has(k)) return undefined;
    seen.add(k);
    out[i] = l;
  }
  return { env, type, input, lines: out };
}
