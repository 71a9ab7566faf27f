import { createHash } from 'node:crypto';
import type { Pattern } from '../contract/patterns.js';

/**
 * What a case is about (issue 14): the hits of one pattern on one subject in one period. Each
 * pattern declares the subjects it works on, most specific first, and its period. Pure.
 */
export type SubjectKind = 'doctor' | 'person' | 'institution';
/** visit: the stay or visit; month: the calendar month; quarter: the calendar quarter. */
export type PeriodKind = 'visit' | 'month' | 'quarter';

export interface CaseShape {
  readonly subjects: readonly SubjectKind[];
  readonly period: PeriodKind;
}

const line = (subjects: readonly SubjectKind[] = ['institution']): CaseShape => ({ subjects, period: 'month' });
const stay: CaseShape = { subjects: ['person'], period: 'visit' };

/**
 * Per pattern: visit-level patterns (a stay that did not happen as billed) are the patient's stay;
 * line- and pharmacy-level ones the institution's month, or the prescriber's where the doctor is
 * the one who decides (超量开药); peer comparisons the quarter they compare.
 */
export const CASE_SHAPES: Record<Pattern, CaseShape> = {
  'drug-substitution': line(),
  'phantom-bed': stay,
  'phantom-admission': stay,
  'unbundled-charges': line(),
  'split-admission': stay,
  'duplicate-charge': line(),
  'over-price': line(),
  'excess-quantity': line(['doctor', 'institution']),
  'gender-restricted': line(),
  'age-restricted': line(),
  'scope-restricted': line(),
  'inventory-mismatch': line(),
  'trace-code-reuse': line(),
  resale: line(['person']),
  'peer-outlier': { subjects: ['doctor', 'institution'], period: 'quarter' },
  'volume-spike': line(['doctor', 'institution']),
  collusion: line(),
};

/** The fields of a hit a case key is made of. */
export interface HitSubject {
  readonly pattern: string;
  readonly fixmedins_code: string;
  readonly psn_no: string;
  readonly mdtrt_id: string;
  readonly dr_codg: string;
  /** The day of the hit's earliest fact (YYYY-MM-DD). */
  readonly occurred_on: string;
}

export interface CaseKey {
  readonly case_id: string;
  readonly case_key: string;
  readonly pattern: string;
  readonly subject_kind: SubjectKind;
  readonly subject_key: string;
  readonly fixmedins_code: string;
  readonly psn_no: string;
  readonly dr_codg: string;
  readonly period: string;
  readonly period_start: string;
  readonly period_end: string;
}

/** The stable case id of a case key: the same key, the same case, on every run. */
export const caseIdOf = (caseKey: string): string => `C${createHash('sha256').update(caseKey).digest('hex').slice(0, 16).toUpperCase()}`;

/**
 * The case a hit belongs to. A subject the hit lacks falls through to the next one; an institution
 * is always there (every hit names one). A visit period needs the 就诊ID; without it the month.
 */
export function caseKeyOf(h: HitSubject): CaseKey {
  const shape: CaseShape = (CASE_SHAPES as Record<string, CaseShape | undefined>)[h.pattern] ?? line();
  const kind = shape.subjects.find((s) => (s === 'doctor' ? h.dr_codg !== '' : s === 'person' ? h.psn_no !== '' : true)) ?? 'institution';
  const subject_key = kind === 'doctor' ? `${h.fixmedins_code}:${h.dr_codg}` : kind === 'person' ? h.psn_no : h.fixmedins_code;
  const p = periodOf(shape.period === 'visit' && h.mdtrt_id === '' ? 'month' : shape.period, h);
  const case_key = [h.pattern, kind, subject_key, p.period].join('|');
  return {
    case_id: caseIdOf(case_key),
    case_key,
    pattern: h.pattern,
    subject_kind: kind,
    subject_key,
    fixmedins_code: h.fixmedins_code,
    psn_no: kind === 'person' ? h.psn_no : '',
    dr_codg: kind === 'doctor' ? h.dr_codg : '',
    ...p,
  };
}

function periodOf(kind: PeriodKind, h: HitSubject): { period: string; period_start: string; period_end: string } {
  const [y, m] = h.occurred_on.split('-').map(Number) as [number, number];
  const day = (yy: number, mm: number, dd: number) => new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
  if (kind === 'visit')
    return { period: `visit:${h.fixmedins_code}:${h.mdtrt_id}`, period_start: h.occurred_on, period_end: h.occurred_on };
  if (kind === 'month') return { period: h.occurred_on.slice(0, 7), period_start: day(y, m, 1), period_end: day(y, m + 1, 0) };
  const q = Math.floor((m - 1) / 3);
  return { period: `${y}-Q${q + 1}`, period_start: day(y, q * 3 + 1, 1), period_end: day(y, q * 3 + 4, 0) };
}
