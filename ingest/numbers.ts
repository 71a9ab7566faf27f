import { LONG_NUMBER_PREFIX } from '../contract/scalars.js';

/**
 * JSON.parse turns every number into a binary double. That is exact for numbers of at most 15
 * significant digits (their shortest round-trip form is their value); longer ones would be rounded.
 * Before parsing, such number tokens are rewritten as strings carrying their source text behind a
 * sentinel prefix, which the decimal and code scalars understand and the text scalar rejects as a
 * number. The quick test keeps the common message free of the character walk.
 */
const QUICK = /[:,[]\s*-?\d[\d.eE+-]{15,}/;

export function protectLongNumbers(text: string): string {
  if (!QUICK.test(text)) return text;
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[\d.eE+-]/.test(text[j] as string)) j++;
      const token = text.slice(i, j);
      if (significantDigits(token) > 15) {
        // The sentinel starts with U+001F, which JSON text must escape.
        out += `${text.slice(last, i)}"\\u001f${LONG_NUMBER_PREFIX.slice(1)}${token}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

function significantDigits(token: string): number {
  const mantissa = token.replace(/^-/, '').split(/[eE]/)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}
