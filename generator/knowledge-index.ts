import type { Knowledge } from '../rules/knowledge.js';
import type { Catalogue, Item } from './catalogue.js';
import { medTypeClass } from '../contract/codes.js';

/** Settings of the days-supply table. */
export type SupplySetting = 'outpatient' | 'emergency' | 'chronic' | 'pharmacy';

export interface Bundle {
  readonly bundle: Item;
  readonly components: readonly Item[];
  readonly min: number;
}

/** Who is being charged, where: what a restriction is checked against. */
export interface ChargeContext {
  readonly gend: '1' | '2';
  readonly ageYears: number;
  readonly ageDays: number;
  readonly hospLv: string;
  readonly medType: string;
}

/**
 * The knowledge tables indexed by catalogue item, for the generator: honest visits only charge what
 * `allowed` accepts, and injectors pick what it refuses. The tables are read, never restated.
 */
export interface Rules {
  readonly knowledgeVersion: string;
  allowed(item: Item, c: ChargeContext): boolean;
  /** Whether the item is restricted by sex or age (so who buys it matters). */
  personal(item: Item): boolean;
  /** The most units a prescription may carry in `setting` (∞ without an entry). */
  maxUnits(item: Item, setting: SupplySetting): number;
  maxDaily(item: Item): number | undefined;
  /** Max count per day or visit from the frequency table. */
  frequency(item: Item): { readonly max: number; readonly per: 'day' | 'visit' } | undefined;
  readonly genderItems: readonly (readonly [Item, '1' | '2'])[];
  readonly ageItems: readonly { readonly item: Item; readonly min?: number; readonly max?: number; readonly unit: 'year' | 'day' }[];
  readonly exclusive: readonly { readonly a: Item; readonly b: Item; readonly scope: 'day' | 'visit' }[];
  readonly bundles: readonly Bundle[];
  readonly supply: readonly Item[];
  readonly scope: readonly { readonly item: Item; readonly minLevel?: number; readonly classes?: readonly string[] }[];
  /**
   * The national cycle limit of an item (第八批-4: at most once in `period` days), undefined
   * without one; honest care leaves more than `period` days between two charges to one person.
   */
  cycle(item: Item): number | undefined;
}

type Bound = readonly [number, 'year' | 'day'];

/**
 * What the national tables say of the catalogue's items, so that honest care respects them too
 * (the rule library reads them as nat_* lists): sex and age groups (第一批), drugs basic insurance
 * does not pay (第三批; everyone in the city is insured by basic insurance, so never honest), and
 * cycle limits (第八批-4). One pass over the tables, looking each code up in the catalogue.
 */
function nationalFacts(knowledge: Knowledge, catalogue: Catalogue) {
  const n = catalogue.items.length;
  const gend = new Uint8Array(n);
  const maxAge = new Array<Bound | undefined>(n);
  const minAge = new Array<Bound | undefined>(n);
  const unpaid = new Uint8Array(n);
  const cycle = new Array<number | undefined>(n);
  const t = knowledge.national.tables;
  const groups = new Map(knowledge.national.ageGroups.groups.map((g) => [g.id, g]));
  for (const e of [...t['b1-drug-gender'].entries, ...t['b1-service-gender'].entries]) {
    const it = catalogue.byCode(e.med_list_codg);
    if (it) gend[it.index] = Number(e.gend);
  }
  for (const e of [...t['b1-drug-age'].entries, ...t['b1-service-age'].entries]) {
    const it = catalogue.byCode(e.med_list_codg);
    const g = groups.get(e.age_group);
    if (!it || !g) continue;
    if (g.max_age !== undefined) maxAge[it.index] = [g.max_age, g.unit];
    if (g.min_age !== undefined && g.min_age > 0) minAge[it.index] = [g.min_age, g.unit];
  }
  for (const e of t['b3-drug-insurance'].entries) {
    const it = catalogue.byCode(e.med_list_codg);
    if (it && !e.basic_payable) unpaid[it.index] = 1;
  }
  for (const e of t['b8-4-service-cycle'].entries) {
    const it = catalogue.byCode(e.med_list_codg);
    if (it) cycle[it.index] = e.period_days;
  }
  return { gend, maxAge, minAge, unpaid, cycle };
}

export function indexRules(knowledge: Knowledge, catalogue: Catalogue, knowledgeVersion: string): Rules {
  const item = (code: string): Item => {
    const found = catalogue.byCode(code);
    if (!found) throw new Error(`generator: knowledge code ${code} is not in the generator's catalogue`);
    return found;
  };
  const n = catalogue.items.length;
  const gend = new Uint8Array(n);
  const minAge = new Array<Bound | undefined>(n);
  const maxAge = new Array<Bound | undefined>(n);
  const nat = nationalFacts(knowledge, catalogue);
  const minLevel = new Uint8Array(n);
  const classes = new Array<ReadonlySet<string> | undefined>(n);
  const supply = new Map<number, { daily: number; days: Record<SupplySetting, number> }>();
  const freq = new Map<number, { max: number; per: 'day' | 'visit' }>();

  const genderItems = knowledge['gender-restricted'].entries.map((e) => {
    const it = item(e.med_list_codg);
    gend[it.index] = Number(e.gend);
    return [it, e.gend] as const;
  });
  const ageItems = knowledge['age-restricted'].entries.map((e) => {
    const it = item(e.med_list_codg);
    if (e.min_age !== undefined) minAge[it.index] = [e.min_age, e.unit];
    if (e.max_age !== undefined) maxAge[it.index] = [e.max_age, e.unit];
    return {
      item: it,
      unit: e.unit,
      ...(e.min_age === undefined ? {} : { min: e.min_age }),
      ...(e.max_age === undefined ? {} : { max: e.max_age }),
    };
  });
  const scope = knowledge['scope-restricted'].entries.map((e) => {
    const it = item(e.med_list_codg);
    if (e.min_hosp_lv) minLevel[it.index] = Number(e.min_hosp_lv);
    if (e.med_type_classes) classes[it.index] = new Set(e.med_type_classes);
    return {
      item: it,
      ...(e.min_hosp_lv ? { minLevel: Number(e.min_hosp_lv) } : {}),
      ...(e.med_type_classes ? { classes: e.med_type_classes } : {}),
    };
  });
  for (const e of knowledge['days-supply'].entries) supply.set(item(e.med_list_codg).index, { daily: e.max_daily_units, days: e.max_days });
  for (const e of knowledge['frequency-limits'].entries) freq.set(item(e.med_list_codg).index, { max: e.max_cnt, per: e.per });
  const exclusive = knowledge['mutually-exclusive'].entries.map((e) => ({
    a: item(e.items[0].med_list_codg),
    b: item(e.items[1].med_list_codg),
    scope: e.scope,
  }));
  const bundles = knowledge.bundles.entries.map((e) => ({
    bundle: item(e.med_list_codg),
    components: e.components.map((c) => item(c.med_list_codg)),
    min: e.min_components,
  }));

  const ageOk = (bound: Bound | undefined, c: ChargeContext, isMin: boolean) => {
    if (!bound) return true;
    const age = bound[1] === 'year' ? c.ageYears : c.ageDays;
    return isMin ? age >= bound[0] : age < bound[0];
  };

  return {
    knowledgeVersion,
    allowed(it, c) {
      const i = it.index;
      const g = gend[i] as number;
      if (g !== 0 && String(g) !== c.gend) return false;
      if (!ageOk(minAge[i], c, true) || !ageOk(maxAge[i], c, false)) return false;
      const ng = nat.gend[i] as number;
      if (nat.unpaid[i] || (ng !== 0 && String(ng) !== c.gend)) return false;
      if (!ageOk(nat.minAge[i], c, true) || !ageOk(nat.maxAge[i], c, false)) return false;
      const lvl = minLevel[i] as number;
      if (lvl !== 0 && !(Number(c.hospLv) >= lvl && c.hospLv !== '9')) return false;
      const cls = classes[i];
      if (cls && !cls.has(medTypeClass(c.medType) ?? '')) return false;
      return true;
    },
    personal: (it) =>
      gend[it.index] !== 0 ||
      minAge[it.index] !== undefined ||
      maxAge[it.index] !== undefined ||
      nat.gend[it.index] !== 0 ||
      nat.minAge[it.index] !== undefined ||
      nat.maxAge[it.index] !== undefined,
    maxUnits(it, setting) {
      const s = supply.get(it.index);
      return s ? s.daily * s.days[setting] : Number.POSITIVE_INFINITY;
    },
    maxDaily: (it) => supply.get(it.index)?.daily,
    frequency: (it) => freq.get(it.index),
    genderItems,
    ageItems,
    exclusive,
    bundles,
    supply: [...supply.keys()].sort((a, b) => a - b).map((i) => catalogue.items[i] as Item),
    scope,
    cycle: (it) => nat.cycle[it.index],
  };
}
