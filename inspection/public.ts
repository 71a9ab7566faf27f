import { FIXMEDINS_TYPE, HOSP_LV } from '../contract/codes.js';
import { addWorkdays, chinaDay } from '../core/calendar.js';
import type { HashedPlan, Stratum } from './plan.js';
import { outcomeName } from './outcomes.js';
import type { DrawRecord } from './record.js';
import { nameOf } from '../contract/codes.js';

/**
 * The public record of a draw (一公开), as people read it (pure): what is inspected, which targets,
 * drawn or directed, the organisations of the teams, the dates and the results. Who inspects whom
 * by name, the inspector ids and their conflicts (回避) never enter it; nor do case ids, case risk,
 * the result notes or the actors (people's names, and leads not yet proven).
 */

/** Working days after the draw within which its public record is due, by default (`--deadline-days`). */
export const PUBLISH_DEADLINE_WORKDAYS = 20;

/** The day a draw's public record is due: `days` working days after the draw's China date, on the holiday calendar. */
export const publicationDeadline = (drawnAt: string, days: number): string => addWorkdays(chinaDay(drawnAt), days);

/** A target's registry row as the public record names it. */
export interface RegistryEntry {
  readonly fixmedins_name: string | null;
  readonly fixmedins_type: string | null;
  readonly hosp_lv: string | null;
  readonly admdvs: string | null;
}

/** A result as entered (draw_result). */
export interface ResultEntry {
  readonly fixmedins_code: string;
  readonly inspected_on: string;
  readonly outcome: string;
}

/** Another draw of the same plan: the one this replaced, or the one that replaced it. */
export interface OtherDraw {
  readonly draw_id: string;
  readonly drawn_at: string;
  readonly superseded_by: string | null;
  readonly supersede_reason: string | null;
}

export interface PublicTarget {
  readonly mode: 'random' | 'directed';
  /** 随机 or 定向, as every output shows it. */
  readonly mode_name: '随机' | '定向';
  /** 1-based, in selection order within its mode. */
  readonly seq: number;
  readonly stratum: string | null;
  readonly fixmedins_code: string;
  readonly fixmedins_name: string;
  readonly type_name: string;
  readonly level_name: string;
  readonly admdvs: string;
  /** The teams' organisations with how many of the team come from each, in pick order; empty when unstaffed or directed. */
  readonly orgs: readonly { readonly org: string; readonly count: number }[];
  readonly unstaffed: boolean;
  readonly inspected_on: string | null;
  readonly outcome_name: string | null;
}

export interface PublicItem {
  readonly stratum: string;
  /** The filter in words: 机构类型=零售药店, 等级=二级 … */
  readonly scope: string;
  /** 抽取 10% or 抽取 2 家. */
  readonly rule: string;
  readonly frame: number;
  readonly drawn: number;
}

export interface PublicRecord {
  readonly draw_id: string;
  readonly plan_id: string;
  readonly algorithm: string;
  readonly period: HashedPlan['period'];
  readonly inspectors_per_target: number;
  readonly items: readonly PublicItem[];
  readonly public_seed: string;
  readonly plan_hash: string;
  readonly targets_hash: string;
  readonly inspectors_hash: string;
  readonly seed: string;
  /** UTC, as stored. */
  readonly prepared_at: string;
  readonly drawn_at: string;
  readonly published_at: string;
  readonly deadline_on: string;
  readonly superseded_by: string | null;
  readonly supersede_reason: string | null;
  readonly others: readonly OtherDraw[];
  readonly targets: readonly PublicTarget[];
  readonly results: number;
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  fixmedins_code: '机构编码',
  fixmedins_name: '机构名称',
  fixmedins_type: '机构类型',
  hosp_lv: '等级',
  admdvs: '区划',
  beds: '床位',
  specialty: '专科',
};

const codeName = (table: Readonly<Record<string, string>>, code: string | null): string => (code === null ? '' : nameOf(table, code));

function scopeOf(s: Stratum): string {
  const parts = Object.entries(s.filter).map(([f, v]) => {
    const value = f === 'fixmedins_type' ? codeName(FIXMEDINS_TYPE, v) : f === 'hosp_lv' ? codeName(HOSP_LV, v) : v;
    return `${FIELD_NAMES[f] ?? f}=${value}`;
  });
  return parts.length ? parts.join(', ') : '全部机构';
}

/** Each inspector's organisation, for the teams (ids never leave this function). */
function orgsOf(ids: readonly string[], orgOf: ReadonlyMap<string, string>): PublicTarget['orgs'] {
  const out = new Map<string, number>();
  for (const id of ids) {
    const org = orgOf.get(id) ?? '(单位未登记)';
    out.set(org, (out.get(org) ?? 0) + 1);
  }
  return [...out].map(([org, count]) => ({ org, count }));
}

/** The public record of a draw from what the store holds (see publish.ts for where each part comes from). */
export function publicRecord(
  d: DrawRecord,
  parts: {
    readonly registry: ReadonlyMap<string, RegistryEntry>;
    readonly orgOf: ReadonlyMap<string, string>;
    readonly results: readonly ResultEntry[];
    readonly others: readonly OtherDraw[];
    readonly published_at: string;
    readonly deadline_days: number;
  },
): PublicRecord {
  const doc = d.document;
  const results = new Map(parts.results.map((r) => [r.fixmedins_code, r]));
  const target = (mode: PublicTarget['mode'], seq: number, code: string, stratum: string | null) => {
    const reg = parts.registry.get(code);
    const r = results.get(code);
    return {
      mode,
      mode_name: mode === 'random' ? ('随机' as const) : ('定向' as const),
      seq,
      stratum,
      fixmedins_code: code,
      fixmedins_name: reg?.fixmedins_name ?? '',
      type_name: codeName(FIXMEDINS_TYPE, reg?.fixmedins_type ?? null),
      level_name: codeName(HOSP_LV, reg?.hosp_lv ?? null),
      admdvs: reg?.admdvs ?? '',
      inspected_on: r?.inspected_on ?? null,
      outcome_name: r ? outcomeName(r.outcome) : null,
    };
  };
  const targets: PublicTarget[] = [
    ...doc.random.map((t, i) => ({
      ...target('random', i + 1, t.fixmedins_code, t.stratum),
      orgs: orgsOf(t.inspectors, parts.orgOf),
      unstaffed: t.unstaffed,
    })),
    ...doc.directed.map((t, i) => ({ ...target('directed', i + 1, t.fixmedins_code, null), orgs: [], unstaffed: false })),
  ];
  return {
    draw_id: d.draw_id,
    plan_id: d.plan_id,
    algorithm: doc.algorithm,
    period: doc.plan.period,
    inspectors_per_target: doc.plan.inspectors_per_target,
    items: doc.plan.strata.map((s) => ({
      stratum: s.name,
      scope: scopeOf(s),
      rule: s.ratio_pct === undefined ? `抽取 ${s.count ?? 0} 家` : `抽取 ${s.ratio_pct}%`,
      frame: doc.frames.targets[s.name]?.length ?? 0,
      drawn: doc.random.filter((t) => t.stratum === s.name).length,
    })),
    public_seed: d.public_seed,
    plan_hash: doc.plan_hash,
    targets_hash: doc.targets_hash,
    inspectors_hash: doc.inspectors_hash,
    seed: doc.seed,
    prepared_at: d.prepared_at,
    drawn_at: d.drawn_at,
    published_at: parts.published_at,
    deadline_on: publicationDeadline(d.drawn_at, parts.deadline_days),
    superseded_by: d.superseded_by,
    supersede_reason: d.supersede_reason,
    others: parts.others,
    targets,
    results: targets.filter((t) => t.outcome_name !== null).length,
  };
}
