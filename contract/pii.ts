import { createHmac } from 'node:crypto';

/**
 * Contract §5: personal data never lands in clear. Each value becomes a keyed hash (HMAC-SHA-256,
 * hex) and a masked display form. Pure functions; the key is passed in.
 */
export function piiHash(key: string, value: string): string {
  // Senders write a 身份证号's check character as `x` or `X`; hash one form so the same person joins.
  const canonical = ID_NUMBER.test(value) ? value.toUpperCase() : value;
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

/** `511802198001011234` → `5118**********1234`; `张伟` → `张*`; `欧阳娜娜` → `欧***`. */
export function piiMask(field: string, value: string): string {
  const chars = [...value];
  if (field === 'psn_name') return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${'*'.repeat(chars.length - 8)}${chars.slice(-4).join('')}`;
}

const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;

/** 身份证号-shaped runs: 17 digits then a digit or X, not inside a longer digit run. */
const ID_RUN = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;
/** A PII field's value in JSON text, quoted or bare, tolerant of broken JSON. */
const PII_VALUE = /("(?:certno|psn_name|prsc_dr_certno)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g;
/** Both in one pass: a second pass over the output would take an 18-digit run inside a hex hash for an ID number. */
const SCRUB = new RegExp(`${PII_VALUE.source}|${ID_RUN.source}`, 'g');

/**
 * Replaces the values of PII fields (quoted or bare, tolerant of broken JSON) and every
 * 身份证号-shaped run in a text by their hash. `decode` turns a matched value back into the
 * string that is hashed (identity for JS strings, latin1→UTF-8 for raw bytes).
 */
function scrub(key: string, s: string, decode: (v: string) => string): string {
  return s.replace(SCRUB, (m, prefix: string | undefined, value: string | undefined) => {
    if (prefix === undefined || value === undefined) return piiHash(key, m);
    // Absent personal data (null, "") stays absent (contract §8): a constant "hash of nothing"
    // would link every anonymous buyer to every other.
    if (value === 'null' || value === '""') return m;
    // A string cut off by a truncated line has no closing quote to drop.
    const inner = value.startsWith('"') ? value.slice(1, value.endsWith('"') ? -1 : undefined) : value;
    return `${prefix}"${piiHash(key, decode(inner))}"`;
  });
}

/**
 * Scrubs raw message bytes before they are kept (rejected messages, lineage). Works on the bytes
 * as latin1 so every other byte, valid UTF-8 or not, is kept exactly.
 */
export function scrubRaw(key: string, raw: Buffer): Buffer {
  const s = raw.toString('latin1');
  const out = scrub(key, s, (v) => Buffer.from(v, 'latin1').toString('utf8'));
  return out === s ? raw : Buffer.from(out, 'latin1');
}

/** Scrubs JSON or free text (an `extra` column, a rejection reason) the same way. */
export function scrubText(key: string, text: string): string {
  return scrub(key, text, (v) => v);
}
