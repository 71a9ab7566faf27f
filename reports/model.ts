import { FundwatchError } from '../core/errors.js';
import { chinaDay, chinaTime } from '../core/calendar.js';

/**
 * The morning report's data (pure: no DuckDB). scope.ts reads it from the store, html.ts,
 * markdown.ts and xlsx.ts render it; everything here is plain JSON.
 */

/** A case as the report lists it: state and figures as of the cutoff, names already in Chinese. */
export interface ReportCase {
  readonly case_id: string;
  /** Created, or reopened by new facts, in the 24 hours before the cutoff. */
  readonly is_new: boolean;
  readonly state: string;
  readonly state_name: string;
  readonly pattern: string;
  readonly pattern_name: string;
  readonly subject_kind: string;
  readonly subject_name: string;
  readonly subject_key: string;
  readonly fixmedins_code: string;
  readonly fixmedins_name: string;
  readonly period: string;
  readonly hit_count: number;
  readonly amount: number;
  readonly risk: number;
  readonly sev_deg: string;
  readonly sev_name: string;
  readonly assignee: string | null;
  /** yyyy-MM-dd */
  readonly due_on: string | null;
  /** UTC, 'YYYY-MM-DD HH:MM:SS' as the store writes it. */
  readonly created_at: string;
}

export interface PatternCount {
  readonly pattern: string;
  readonly name: string;
  readonly open: number;
  readonly new: number;
  readonly amount: number;
}

/** One 24-hour window ending at a morning's cutoff, named by that morning's date. */
export interface TrendPoint {
  readonly day: string;
  readonly cases: number;
  readonly amount: number;
}

export interface InstitutionLine {
  readonly code: string;
  readonly name: string;
  readonly cases: number;
  readonly amount: number;
  /** The latest credit row of the report's year or before; null when credit has not been computed. */
  readonly credit: { readonly year: number; readonly score: number | null; readonly level: string } | null;
}

export interface ExpiringSuppression {
  readonly supp_id: string;
  readonly rule_id: string | null;
  readonly reason: string;
  readonly approver: string;
  readonly expires_on: string;
}

export interface MorningData {
  /** The report's morning, yyyy-MM-dd in Asia/Shanghai. */
  readonly date: string;
  /** The cutoff, the morning's 07:00 in Asia/Shanghai, in UTC 'YYYY-MM-DD HH:MM:SS'. */
  readonly cutoff: string;
  /** When the report was made (UTC). */
  readonly generated_at: string;
  /** Cases in scope, in queue order: risk, then amount, then id. */
  readonly cases: readonly ReportCase[];
  /** Patterns with open cases, most new first. */
  readonly patterns: readonly PatternCount[];
  /** 30 points, oldest first, the last one ending at the cutoff. */
  readonly trend: readonly TrendPoint[];
  /** Institutions by open amount, at most TOP_INSTITUTIONS. */
  readonly institutions: readonly InstitutionLine[];
  readonly expiring: readonly ExpiringSuppression[];
}

export const TREND_DAYS = 30;
export const TOP_INSTITUTIONS = 10;
/** Days ahead in which an expiring suppression is warned about. */
export const EXPIRY_DAYS = 7;

/** China has kept UTC+8 all year since 1991: a fixed offset, no time-zone database needed. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const utcText = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const dateText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Milliseconds since the epoch of a store timestamp ('YYYY-MM-DD HH:MM:SS', UTC). */
export const utcMs = (t: string): number => Date.parse(`${t.replace(' ', 'T')}Z`);

/** A store timestamp (UTC) as Asia/Shanghai wall-clock text, 'YYYY-MM-DD HH:MM' (core/calendar.ts). */
export const shanghaiText = chinaTime;

/** The Asia/Shanghai date (yyyy-MM-dd) at a UTC store timestamp (core/calendar.ts). */
export const shanghaiDate = chinaDay;

/** The report's time window for morning `date`: all bounds in UTC store text. */
export interface MorningWindow {
  readonly date: string;
  /** date 07:00 Asia/Shanghai = the day before, 23:00 UTC. */
  readonly cutoff: string;
  /** 24 hours before the cutoff: cases created or reopened since are new. */
  readonly since: string;
  /** TREND_DAYS × 24 hours before the cutoff. */
  readonly trendFrom: string;
  /** date + EXPIRY_DAYS (yyyy-MM-dd). */
  readonly expiryUntil: string;
}

/** The window of a morning; a date that is not a real yyyy-MM-dd is a usage error. */
export function morningWindow(date: string): MorningWindow {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(day) || dateText(day) !== date) throw new FundwatchError('usage', `日期须为 yyyy-MM-dd 格式的有效日期: ${date}`);
  const cutoff = day + 7 * 3600_000 - SHANGHAI_OFFSET_MS;
  return {
    date,
    cutoff: utcText(cutoff),
    since: utcText(cutoff - DAY_MS),
    trendFrom: utcText(cutoff - TREND_DAYS * DAY_MS),
    expiryUntil: dateText(day + EXPIRY_DAYS * DAY_MS),
  };
}

/** The morning dates of the trend's windows, oldest first; the last is the report's own. */
export function trendDays(date: string): string[] {
  const day = Date.parse(`${date}T00:00:00Z`);
  return Array.from({ length: TREND_DAYS }, (_, i) => dateText(day - (TREND_DAYS - 1 - i) * DAY_MS));
}

/** The headline figures every rendering states. */
export interface Totals {
  readonly cases: number;
  readonly newCases: number;
  /** Yuan, rounded to the cent. */
  readonly amount: number;
  readonly newAmount: number;
}

export function totalsOf(d: Pick<MorningData, 'cases'>): Totals {
  // Summed in cents, so that the total does not depend on the order doubles are added in.
  let cents = 0;
  let newCents = 0;
  let newCases = 0;
  for (const c of d.cases) {
    const x = Math.round(c.amount * 100);
    cents += x;
    if (c.is_new) {
      newCases++;
      newCents += x;
    }
  }
  return { cases: d.cases.length, newCases, amount: cents / 100, newAmount: newCents / 100 };
}

/** Yuan as supervisors read it: thousands separated, two decimals. */
export const yuan = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
