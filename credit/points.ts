import type { Pattern } from '../contract/patterns.js';

/**
 * Practitioner 医保支付资格 记分 (credit/README.md has the source and what could not be verified).
 * Pure: a confirmed case → its gravity band and points; a practitioner's cases of one calendar year
 * → the year's points and the consequence the guidance attaches to them.
 */

/** The guidance's four 记分档次: 1–3, 4–6, 7–9, 10–12 points a time, by gravity. */
export type Band = 1 | 2 | 3 | 4;

export const BANDS: Record<Band, { readonly lo: number; readonly hi: number; readonly name: string }> = {
  1: { lo: 1, hi: 3, name: '轻微' },
  2: { lo: 4, hi: 6, name: '一般' },
  3: { lo: 7, hi: 9, name: '较重' },
  4: { lo: 10, hi: 12, name: '严重' },
};

/** The points of one calendar year at which the guidance suspends (9) and terminates (12) payment qualification. */
export const SUSPEND_AT = 9;
export const TERMINATE_AT = 12;

/**
 * Suspension months per year total, within the guidance's 1–6 months. The guidance gives the range,
 * not a month per point (we found none to verify): ours adds two months a point, reaching the
 * maximum at 11 points, the last total before termination.
 */
export const SUSPEND_MONTHS: Readonly<Record<number, number>> = { 9: 2, 10: 4, 11: 6 };

/** Case amount (yuan) from which a definite case takes the band's top points (our proxy for 主要责任). */
export const MAJOR_AMOUNT = 10_000;

/**
 * Who a confirmed case of a pattern charges: `doctors`, the distinct doctors on its live hits (the
 * ones who admitted, kept, prescribed or ordered); `none`, billing, pricing and stock matters the
 * institution's charging, pricing and pharmacy staff decide, whom our data does not name (the
 * guidance covers them as 负责医疗费用和医保结算审核的工作人员 and 主要负责人, but a fee line's
 * doctor is not the one who priced or booked it).
 */
export type Charges = 'doctors' | 'none';

export interface PatternCredit {
  readonly band: Band;
  readonly charges: Charges;
  /** Where the band comes from: the 条例 article whose penalty the guidance ties to the band. */
  readonly basis: string;
}

const art38 = (item: string): string => `《医疗保障基金使用监督管理条例》第三十八条 (${item}) → 4–6 分`;
const art40 = (item: string): string => `《医疗保障基金使用监督管理条例》第四十条 (${item}, 欺诈骗保) → 10–12 分`;
const agreement = '统计异常经核实多为协议处理 (违约金等) → 1–3 分';

/**
 * Our patterns against the guidance's behaviour list. The provincial rules that implement it tie
 * 4–6 points to a penalty under 条例 §38 (挂床/分解住院, 超量开药, 重复/超标准/分解项目收费, 串换,
 * 纳入非基金支付范围的费用) and 10–12 to §40 (冒名或虚假就医, 虚构医药服务, 骗取基金). None of our
 * patterns is 7–9 (冒名 by a non-registered person), so band 3 is unused. 挂床住院 is listed in §38,
 * so it is band 2 here: only a finding of intent to defraud (§40 second paragraph), which a case does
 * not record, would make it band 4.
 */
export const PATTERN_CREDIT: Record<Pattern, PatternCredit> = {
  'phantom-admission': { band: 4, charges: 'doctors', basis: art40('虚假住院: 虚假就医、虚构医药服务项目') },
  resale: { band: 4, charges: 'doctors', basis: art40('倒卖/套取药品: 以骗取基金为目的的第三十八条(六) 行为按第四十条处理') },
  collusion: { band: 4, charges: 'doctors', basis: art40('结伴就医/团伙: 诱导、协助他人冒名或者虚假就医、购药') },
  'phantom-bed': { band: 2, charges: 'doctors', basis: art38('一: 挂床住院') },
  'split-admission': { band: 2, charges: 'doctors', basis: art38('一: 分解住院') },
  'excess-quantity': { band: 2, charges: 'doctors', basis: art38('二: 超量开药、重复开药') },
  'gender-restricted': { band: 2, charges: 'doctors', basis: art38('七: 将不属于基金支付范围的费用纳入结算') },
  'age-restricted': { band: 2, charges: 'doctors', basis: art38('七: 将不属于基金支付范围的费用纳入结算') },
  'scope-restricted': { band: 2, charges: 'doctors', basis: art38('七: 将不属于基金支付范围的费用纳入结算') },
  'drug-substitution': { band: 2, charges: 'none', basis: art38('四: 串换药品、耗材、诊疗项目') },
  'unbundled-charges': { band: 2, charges: 'none', basis: art38('三: 分解项目收费') },
  'duplicate-charge': { band: 2, charges: 'none', basis: art38('三: 重复收费') },
  'over-price': { band: 2, charges: 'none', basis: art38('三: 超标准收费') },
  'inventory-mismatch': { band: 2, charges: 'none', basis: art38('四: 进销存不符, 串换的证据') },
  'trace-code-reuse': { band: 2, charges: 'none', basis: art38('四/六: 追溯码重复, 药品回流或串换的证据') },
  'peer-outlier': { band: 1, charges: 'doctors', basis: agreement },
  'volume-spike': { band: 1, charges: 'doctors', basis: agreement },
};

const FALLBACK: PatternCredit = { band: 1, charges: 'none', basis: '未登记的模式: 按最轻档次, 不记到个人' };

/** The credit mapping of a pattern read from the store (an unknown code gets the lightest band, charging no one). */
export const patternCredit = (pattern: string): PatternCredit =>
  (PATTERN_CREDIT as Record<string, PatternCredit | undefined>)[pattern] ?? FALLBACK;

/** What the credit computation needs of a confirmed case. */
export interface ConfirmedCase {
  readonly case_id: string;
  readonly pattern: string;
  readonly sev_deg: 'definite' | 'suspect';
  /** Amount at stake, yuan. */
  readonly amount: number;
  readonly fixmedins_code: string;
  /** 'YYYY-MM-DD HH:MM:SS' UTC; its year is the case's calendar year. */
  readonly confirmed_at: string;
}

export interface CasePoints {
  readonly band: Band;
  readonly points: number;
}

/**
 * A confirmed case's points: the band's lowest, one more when the rule was definite (明确违规),
 * one more when it is also at least ¥10,000 — our stand-in for the guidance's 一般/重要/主要责任,
 * which a reviewer decides and a case does not record.
 */
export function casePoints(c: Pick<ConfirmedCase, 'pattern' | 'sev_deg' | 'amount'>): CasePoints {
  const band = patternCredit(c.pattern).band;
  const { lo, hi } = BANDS[band];
  const up = c.sev_deg === 'definite' ? 1 + (c.amount >= MAJOR_AMOUNT ? 1 : 0) : 0;
  return { band, points: Math.min(hi, lo + up) };
}

export type ConsequenceKind = 'normal' | 'suspend' | 'terminate';

export interface Consequence {
  readonly kind: ConsequenceKind;
  /** 正常 / 暂停医保支付资格 N 个月 / 终止医保支付资格 */
  readonly level: string;
  readonly months?: number;
  /** Years before the practitioner may register again after termination: 3 when 12 points came at once, else 1. */
  readonly bar_years?: number;
}

/** The consequence of a year's total, `once` telling whether a single case gave the full 12. */
export function consequenceOf(total: number, once: boolean): Consequence {
  if (total >= TERMINATE_AT) return { kind: 'terminate', level: '终止医保支付资格', bar_years: once ? 3 : 1 };
  if (total >= SUSPEND_AT) {
    const months = SUSPEND_MONTHS[total] ?? 6;
    return { kind: 'suspend', level: `暂停医保支付资格 ${months} 个月`, months };
  }
  return { kind: 'normal', level: '正常' };
}

export interface PractitionerYear {
  readonly subject_key: string;
  readonly fixmedins_code: string;
  readonly year: number;
  /** 记分 shown, at most 12. */
  readonly points: number;
  /** The uncapped sum. */
  readonly raw_points: number;
  readonly consequence: Consequence;
  /** The cases in the order they were confirmed, with what each added. */
  readonly cases: readonly (CasePoints & { readonly case_id: string; readonly pattern: string; readonly confirmed_at: string })[];
}

/** A doctor at an institution (hit.fixmedins_code, hit.dr_codg). */
export interface Practitioner {
  readonly fixmedins_code: string;
  readonly dr_codg: string;
}

/** The practitioner's subject key, as cases name a doctor: `<fixmedins_code>:<dr_codg>`. */
export const practitionerKey = (p: Practitioner): string => `${p.fixmedins_code}:${p.dr_codg}`;

export const yearOf = (at: string): number => Number(at.slice(0, 4));

/**
 * Each practitioner's points per calendar year: the cases confirmed in that year, summed; a new year
 * starts from 0. `charged` maps a case to the doctors on its live hits; patterns that charge no one
 * (`PATTERN_CREDIT`) are left out whoever is on their hits.
 */
export function practitionerYears(
  cases: readonly ConfirmedCase[],
  charged: ReadonlyMap<string, readonly Practitioner[]>,
): PractitionerYear[] {
  const groups = new Map<string, { who: Practitioner; year: number; list: ConfirmedCase[] }>();
  const ordered = [...cases].sort((a, b) => a.confirmed_at.localeCompare(b.confirmed_at) || a.case_id.localeCompare(b.case_id));
  for (const c of ordered) {
    if (patternCredit(c.pattern).charges === 'none') continue;
    for (const who of charged.get(c.case_id) ?? []) {
      const year = yearOf(c.confirmed_at);
      const id = `${practitionerKey(who)}|${year}`;
      const g = groups.get(id) ?? { who, year, list: [] };
      g.list.push(c);
      groups.set(id, g);
    }
  }
  return [...groups.values()]
    .map(({ who, year, list }) => {
      const each = list.map((c) => ({ case_id: c.case_id, pattern: c.pattern, confirmed_at: c.confirmed_at, ...casePoints(c) }));
      const raw = each.reduce((s, c) => s + c.points, 0);
      return {
        subject_key: practitionerKey(who),
        fixmedins_code: who.fixmedins_code,
        year,
        points: Math.min(TERMINATE_AT, raw),
        raw_points: raw,
        consequence: consequenceOf(
          raw,
          each.some((c) => c.points >= TERMINATE_AT),
        ),
        cases: each,
      };
    })
    .sort((a, b) => a.year - b.year || a.subject_key.localeCompare(b.subject_key));
}
