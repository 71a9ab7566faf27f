/**
 * Exact decimal text handling. A decimal never passes through a binary float on its way to DuckDB:
 * the text is normalised here and cast by DuckDB to DECIMAL.
 */
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export interface PlainDecimal {
  /** Plain decimal text without exponent, e.g. `-12.5`, `0.000001`. */
  readonly text: string;
  /** Digits after the point, trailing zeros removed. */
  readonly scale: number;
  /** Digits before the point, leading zeros removed. */
  readonly intDigits: number;
}

const SIMPLE_RE = /^-?\d+(?:\.\d+)?$/;

/** Parses `12`, `-0.50`, `1e-7`, `2.5E3` into plain text; undefined when it is not a number. */
export function plainDecimal(src: string): PlainDecimal | undefined {
  // Common case first (plain digits, optional fraction): no exponent to shift.
  if (SIMPLE_RE.test(src)) {
    const neg = src.charCodeAt(0) === 45;
    const dot = src.indexOf('.');
    let intPart = src.slice(neg ? 1 : 0, dot === -1 ? src.length : dot);
    let frac = dot === -1 ? '' : src.slice(dot + 1);
    if (intPart.charCodeAt(0) === 48 && intPart.length > 1) intPart = intPart.replace(/^0+/, '');
    if (frac.charCodeAt(frac.length - 1) === 48) frac = frac.replace(/0+$/, '');
    const isZero = (intPart === '' || intPart === '0') && frac === '';
    const text = `${neg && !isZero ? '-' : ''}${intPart || '0'}${frac ? `.${frac}` : ''}`;
    return { text, scale: frac.length, intDigits: intPart === '0' ? 0 : intPart.length };
  }
  const m = DECIMAL_RE.exec(src);
  if (!m) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  let intPart = m[2] ?? '';
  let frac = m[3] ?? '';
  if (intPart === '' && frac === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return undefined;
  if (exp > 0) {
    const shift = frac.slice(0, exp).padEnd(exp, '0');
    intPart += shift;
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const k = -exp;
    const padded = intPart.padStart(k, '0');
    frac = padded.slice(padded.length - k) + frac;
    intPart = padded.slice(0, padded.length - k);
  }
  intPart = intPart.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  const isZero = intPart === '' && frac === '';
  const text = `${isZero ? '' : sign}${intPart || '0'}${frac ? `.${frac}` : ''}`;
  return { text, scale: frac.length, intDigits: intPart.length };
}
