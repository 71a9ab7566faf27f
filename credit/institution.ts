import { patternCredit, yearOf, type Band, type ConfirmedCase } from './points.js';

/**
 * An institution's credit score, 0–100, per calendar year, from its confirmed cases. Pure. This is
 * fundwatch's own formula (credit/README.md): we found no national formula to follow, so it only
 * reuses the practitioner bands for gravity.
 *
 *   score = max(0, 100 − Σ over the year's confirmed cases (gravity + amount))
 *   gravity: band 1 → 2, band 2 → 5, band 3 → 10, band 4 → 20 (halved when the rule was only 可疑)
 *   amount:  1 point per ¥10,000 at stake, at most 10 per case
 */
export const GRAVITY_DEDUCTION: Record<Band, number> = { 1: 2, 2: 5, 3: 10, 4: 20 };
export const AMOUNT_STEP = 10_000;
export const AMOUNT_CAP = 10;

/** Grades, highest first: the lowest score of each. */
export const GRADES = [
  { grade: 'A', name: '守信', from: 90 },
  { grade: 'B', name: '基本守信', from: 75 },
  { grade: 'C', name: '失信', from: 60 },
  { grade: 'D', name: '严重失信', from: 0 },
] as const;

const round1 = (x: number): number => Math.round(x * 10) / 10;

export interface Deduction {
  readonly case_id: string;
  readonly pattern: string;
  readonly band: Band;
  readonly gravity: number;
  readonly amount: number;
  readonly amount_part: number;
  readonly deduction: number;
}

/** What one confirmed case takes off its institution's score. */
export function deductionOf(c: Pick<ConfirmedCase, 'case_id' | 'pattern' | 'sev_deg' | 'amount'>): Deduction {
  const band = patternCredit(c.pattern).band;
  const gravity = GRAVITY_DEDUCTION[band] * (c.sev_deg === 'definite' ? 1 : 0.5);
  const amount_part = round1(Math.min(AMOUNT_CAP, Math.max(0, c.amount) / AMOUNT_STEP));
  return { case_id: c.case_id, pattern: c.pattern, band, gravity, amount: c.amount, amount_part, deduction: round1(gravity + amount_part) };
}

/** The grade of a score, as stored in credit_score.level: `A 守信` … `D 严重失信`. */
export function gradeOf(score: number): { readonly grade: string; readonly level: string } {
  const g = GRADES.find((x) => score >= x.from) ?? GRADES[3];
  return { grade: g.grade, level: `${g.grade} ${g.name}` };
}

export interface InstitutionYear {
  readonly fixmedins_code: string;
  readonly year: number;
  readonly score: number;
  readonly grade: string;
  readonly level: string;
  readonly deductions: readonly Deduction[];
}

/**
 * Each institution's score per calendar year of confirmation. An institution without a confirmed
 * case in a year has no row for it: it stands at 100, A 守信.
 */
export function institutionYears(cases: readonly ConfirmedCase[]): InstitutionYear[] {
  const groups = new Map<string, { code: string; year: number; list: ConfirmedCase[] }>();
  for (const c of [...cases].sort((a, b) => a.confirmed_at.localeCompare(b.confirmed_at) || a.case_id.localeCompare(b.case_id))) {
    const year = yearOf(c.confirmed_at);
    const id = `${c.fixmedins_code}|${year}`;
    const g = groups.get(id) ?? { code: c.fixmedins_code, year, list: [] };
    g.list.push(c);
    groups.set(id, g);
  }
  return [...groups.values()]
    .map(({ code, year, list }) => {
      const deductions = list.map(deductionOf);
      const score = round1(Math.max(0, 100 - deductions.reduce((s, d) => s + d.deduction, 0)));
      return { fixmedins_code: code, year, score, ...gradeOf(score), deductions };
    })
    .sort((a, b) => a.year - b.year || a.fixmedins_code.localeCompare(b.fixmedins_code));
}
