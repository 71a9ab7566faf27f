import { FundwatchError } from '../core/errors.js';

/**
 * Canonical JSON of contract §9, the bytes every hash of a draw is taken over, so that anyone can
 * rebuild them in any language: object keys sorted by Unicode code point, no spaces, strings with
 * only `"`, `\` and characters below U+0020 escaped (everything else literal UTF-8), integers in
 * plain decimal. Only strings, integers, arrays and objects occur in a draw's inputs: a float, a
 * null, a boolean or anything else is a broken invariant, thrown rather than hashed some way.
 */

/** What canonical JSON holds. */
export type CanonicalValue = string | number | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

/**
 * Code point order. JavaScript's default string order compares UTF-16 code units, which puts
 * U+E000–U+FFFF after the astral planes (surrogates are D800–DFFF): code points, compared one by
 * one, give the order of the UTF-8 bytes the contract names.
 */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Sorted copy, by code point. */
export const sortedByCodePoint = (xs: Iterable<string>): string[] => [...xs].sort(compareCodePoints);

// The short forms JSON (and every JSON library) uses; the other control characters as \u00xx, lower case.
const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// With the u flag a pair is one code point, so this matches only a surrogate standing alone.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function quote(s: string): string {
  if (LONE_SURROGATE.test(s))
    throw new FundwatchError('invariant', 'canonical JSON: a string holds a lone surrogate (not encodable as UTF-8)');
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += SHORT[ch] ?? (c < 0x20 ? `\\u${c.toString(16).padStart(4, '0')}` : ch);
  }
  return `${out}"`;
}

function write(v: unknown, at: string): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new FundwatchError('invariant', `canonical JSON: ${at} is not an integer (${v})`);
    return Object.is(v, -0) ? '0' : v.toString(10);
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => write(x, `${at}[${i}]`)).join(',')}]`;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    // An absent optional key is left out, as JSON.stringify leaves out undefined.
    const keys = sortedByCodePoint(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined));
    return `{${keys.map((k) => `${quote(k)}:${write((v as Record<string, unknown>)[k], `${at}.${k}`)}`).join(',')}}`;
  }
  throw new FundwatchError('invariant', `canonical JSON: ${at} is ${v === null ? 'null' : typeof v}, which a draw's inputs never hold`);
}

/** The canonical JSON text of a value (contract §9). Throws `invariant` on a float, null, boolean or non-plain object. */
export function canonical(value: unknown): string {
  return write(value, '$');
}
