import type { DuckDBConnection } from '@duckdb/node-api';
import chineseDays from 'chinese-days';

/**
 * The working-day calendar of mainland China (法定节假日 and 调休 working days), from the maintained
 * `chinese-days` package: one source for the detectors (volume baselines, night/holiday metrics)
 * and the case workflow (due dates in working days). `calendar` in the store holds the days a run
 * needs, so SQL can join it.
 */

export interface Day {
  readonly day: string;
  /** A working day: Monday–Friday unless a holiday, or a weekend 调休 working day. */
  readonly workday: boolean;
  /** A statutory holiday (not an ordinary weekend). */
  readonly holiday: boolean;
  /** The holiday's Chinese name, when one. */
  readonly name: string | null;
}

export function dayOf(day: string): Day {
  const d = chineseDays.getDayDetail(day);
  const holiday = chineseDays.isHoliday(day) && !/^(Saturday|Sunday)$/.test(d.name) && d.name.includes(',');
  const name = holiday ? (d.name.split(',')[1] ?? null) : null;
  return { day, workday: d.work, holiday, name };
}

/** Each date from `from` to `to` (yyyy-MM-dd, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Fills `calendar` (day, workday, holiday, name) for every date from `from` to `to`. */
export async function loadCalendar(conn: DuckDBConnection, from: string, to: string): Promise<void> {
  const days = daysBetween(from, to).map(dayOf);
  await conn.run(
    `INSERT OR REPLACE INTO calendar SELECT CAST(d.day AS DATE), d.workday, d.holiday, d.name
     FROM (SELECT unnest(from_json($doc, '[{"day":"VARCHAR","workday":"BOOLEAN","holiday":"BOOLEAN","name":"VARCHAR"}]')) AS d)`,
    { doc: JSON.stringify(days) },
  );
}

/** `n` working days after `day` (the case workflow's due dates). */
export function addWorkdays(day: string, n: number): string {
  return chineseDays.findWorkday(n, day);
}

/** China has kept UTC+8 all year since 1991: a fixed offset, no time-zone database needed. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** China's wall-clock time, 'YYYY-MM-DD HH:MM', of a UTC timestamp written 'YYYY-MM-DD HH:MM:SS'. */
export function chinaTime(utc: string): string {
  return new Date(Date.parse(`${utc.replace(' ', 'T')}Z`) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The date in China of a UTC timestamp written 'YYYY-MM-DD HH:MM:SS'. */
export function chinaDay(utc: string): string {
  return chinaTime(utc).slice(0, 10);
}

/** The calendar date `n` days after `day` (yyyy-MM-dd; calendar days, not working days). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
