/**
 * How senders write numbers (contract §2: a decimal may arrive as a JSON number or a numeric
 * string, a code as a string or a number). Amounts are integer cents and prices integer
 * micro-yuan here, so formatting never goes through a binary fraction.
 */

function fixed(value: number, scale: number): string {
  const neg = value < 0;
  const v = Math.abs(value);
  const unit = 10 ** scale;
  const int = Math.floor(v / unit);
  const frac = String(v - int * unit).padStart(scale, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Amount from cents: `"12.30"` or `12.3`. */
export function amount(cents: number, asNumber: boolean): string | number {
  return asNumber ? cents / 100 : fixed(cents, 2);
}

/** Price from micro-yuan: `"0.350000"` or `0.35`. */
export function price(micro: number, asNumber: boolean): string | number {
  return asNumber ? micro / 1e6 : fixed(micro, 6);
}

/** Quantity (whole units here): `24` or `"24"`. */
export function quantity(cnt: number, asNumber: boolean): string | number {
  return asNumber ? cnt : String(cnt);
}

/** A code: as a JSON number when the sender does so and it has no leading zero. */
export function codeValue(code: string, asNumber: boolean): string | number {
  return asNumber && /^[1-9]\d{0,8}$/.test(code) ? Number(code) : code;
}

/** A scalar as JSON: numbers bare, strings quoted (generated strings never need escaping). */
export const json = (v: string | number): string => (typeof v === 'number' ? String(v) : `"${v}"`);

/** `det_item_fee_sumamt` = `cnt × pric` rounded half away from zero to 2 places, in cents. */
export function lineCents(cnt: number, priceMicro: number): number {
  const raw = Math.abs(cnt) * priceMicro;
  const cents = Math.floor((raw + 5000) / 10000);
  return cnt < 0 ? -cents : cents;
}
