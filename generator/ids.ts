/**
 * Well-formed identifiers: 18-character 居民身份证号 with a valid check digit (GB 11643), and the
 * display forms of other ids. Everything here is deterministic and made up.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK[s % 11] as string;
}

/**
 * 身份证号: address code, birth date, a 3-digit sequence whose last digit is odd for men and even
 * for women, and the check character.
 */
export function certno(admdvs: string, birthCompact: string, seq: number, male: boolean): string {
  // seq: 0 … 499 → the order number keeps its parity for the sex.
  const order = seq * 2 + (male ? 1 : 0);
  const first17 = `${admdvs}${birthCompact}${String(order % 1000).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

export function isValidCertno(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckDigit(id.slice(0, 17)) === id[17];
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
