/**
 * Dates as day numbers (days since 1970-01-01), times as seconds of the day, China Standard Time
 * without offset (contract §2). Conversions are arithmetic (Howard Hinnant's civil-date algorithms),
 * never the host clock or time zone; formatted strings are cached because the hot path formats
 * millions of them.
 */
export interface Civil {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): Civil {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** `yyyy-MM-dd` → day number; undefined when not a valid date. */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = daysFromCivil(y, mo, d);
  const back = civilFromDays(day);
  return back.y === y && back.m === mo && back.d === d ? day : undefined;
}

export const TWO: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

const dateCache = new Map<number, string>();
const compactCache = new Map<number, string>();

/** `yyyy-MM-dd` */
export function dateStr(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    const c = civilFromDays(day);
    s = `${c.y}-${TWO[c.m]}-${TWO[c.d]}`;
    if (dateCache.size < 100_000) dateCache.set(day, s);
  }
  return s;
}

/** `yyyyMMdd` */
export function compactDate(day: number): string {
  let s = compactCache.get(day);
  if (s === undefined) {
    const c = civilFromDays(day);
    s = `${c.y}${TWO[c.m]}${TWO[c.d]}`;
    if (compactCache.size < 100_000) compactCache.set(day, s);
  }
  return s;
}

/** `HH:mm:ss` of a second of the day (0 … 86399). */
export function timeStr(sec: number): string {
  return `${TWO[Math.floor(sec / 3600)]}:${TWO[Math.floor(sec / 60) % 60]}:${TWO[sec % 60]}`;
}

/** Contract DT, `yyyy-MM-dd HH:mm:ss`. A second count past midnight rolls over to the next days. */
export function dt(day: number, sec: number): string {
  const extra = Math.floor(sec / 86400);
  return `${dateStr(day + extra)} ${timeStr(sec - extra * 86400)}`;
}

/** `yyyyMMddHHmmss`, as in message ids. */
export function compactDt(day: number, sec: number): string {
  const extra = Math.floor(sec / 86400);
  const s = sec - extra * 86400;
  return `${compactDate(day + extra)}${TWO[Math.floor(s / 3600)]}${TWO[Math.floor(s / 60) % 60]}${TWO[s % 60]}`;
}

/** 0 Sunday … 6 Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day of the year, 0-based. */
export function dayOfYear(day: number): number {
  const c = civilFromDays(day);
  return day - daysFromCivil(c.y, 1, 1);
}

/** Age in completed years on `day` of someone born on `birth`. */
export function ageYears(birth: number, day: number): number {
  const b = civilFromDays(birth);
  const t = civilFromDays(day);
  return t.y - b.y - (t.m < b.m || (t.m === b.m && t.d < b.d) ? 1 : 0);
}

/** A fast age for sampling (exact to within a day around birthdays). */
export function approxAge(birth: number, day: number): number {
  return Math.floor((day - birth) / 365.2425);
}
