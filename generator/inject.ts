import type { Pattern } from '../contract/patterns.js';
import { pickDoctor } from './care.js';
import type { Item } from './catalogue.js';
import { INPATIENT_PROFILES, type InpatientProfile } from './clinical-inpatient.js';
import { OUTPATIENT_PROFILES, type OutpatientProfile } from './clinical-outpatient.js';
import type { Institution } from './institution-types.js';
import { chargeProfile, openVisit, OutpatientDesk, type OpVisit, type VisitKind } from './outpatient.js';
import { pickPerson } from './people.js';
import { ageGroup } from './population.js';
import type { Prng } from './prng.js';
import type { Ctx } from './scenario-types.js';

/**
 * What injectors and look-alikes share: the run's state, and the moves every scenario is made
 * of — find a person of some sex and age, run a normal visit or stay for them, settle it, label it.
 * A scenario changes only what makes it what it is; everything else looks like honest care.
 * The shapes of a scenario and its context are in `scenario-types.ts`.
 */

export interface Who {
  readonly gend?: 1 | 2;
  readonly minAge?: number;
  readonly maxAge?: number;
  /** Allow a person currently in hospital (phantom stays do). */
  readonly busyOk?: boolean;
  readonly not?: ReadonlySet<number>;
  /** Only people whose chronic medicine is running out (an honest refill is due). */
  readonly refill?: boolean;
}

/** A person from the institution's catchment matching `who`; never fails (widens the search). */
export function findPerson(ctx: Ctx, rng: Prng, inst: Institution, who: Who = {}): number {
  const { sim } = ctx;
  const pop = sim.world.population;
  const ok = (p: number) => {
    if (!who.busyOk && sim.isBusy(p, sim.today)) return false;
    // Nobody recently discharged: a scenario's stay must not make an accidental readmission.
    if ((sim.lastDischarge[p] as number) >= sim.today - 30) return false;
    if (who.not?.has(p)) return false;
    if (who.refill && !sim.needsRefill(p)) return false;
    if (who.gend && pop.gend[p] !== who.gend) return false;
    const age = pop.age(p, sim.today);
    return age >= (who.minAge ?? 0) && age <= (who.maxAge ?? 200);
  };
  const lo = ageGroup(who.minAge ?? 0);
  const hi = ageGroup(who.maxAge ?? 200);
  for (let t = 0; t < 20; t++) {
    const group = (lo + rng.int(hi - lo + 1)) as 0 | 1 | 2;
    const p = pickPerson(sim, rng, inst, group, ok);
    if (p !== undefined) return p;
  }
  for (let p = rng.int(pop.size), k = 0; k < pop.size; k++, p = (p + 1) % pop.size) if (ok(p)) return p;
  throw new Error('generator: nobody in the population matches an injection');
}

/** An outpatient profile that fits the person, seen at the institution (else the first one that fits). */
export function profileFor(
  ctx: Ctx,
  rng: Prng,
  inst: Institution,
  person: number,
  kind: VisitKind = 'op',
): { profile: OutpatientProfile; deptCode: string } {
  const pop = ctx.sim.world.population;
  const age = pop.age(person, ctx.sim.today);
  const gend = String(pop.gend[person]);
  const fits = (p: OutpatientProfile) =>
    (!p.sex || p.sex === gend) && (p.minAge ?? 0) <= age && (p.maxAge ?? 200) >= age && p.w[ageGroup(age)] > 0;
  const t = ctx.tables.outpatient(inst, kind);
  const here = t.entries.filter((e) => fits(e.profile));
  if (here.length) {
    const e = rng.pick(here);
    return { profile: e.profile, deptCode: e.dept.code };
  }
  const any = OUTPATIENT_PROFILES.filter(fits);
  return { profile: rng.pick(any.length ? any : OUTPATIENT_PROFILES), deptCode: inst.depts[0]?.code ?? 'A02' };
}

/** A normal outpatient visit (not yet settled) of the person at `begin`. */
export function normalVisit(ctx: Ctx, rng: Prng, inst: Institution, person: number, begin: number, kind: VisitKind = 'op'): OpVisit {
  const { profile, deptCode } = profileFor(ctx, rng, inst, person, kind);
  const dept: Institution['depts'][number] = inst.depts.find((d) => d.code === deptCode) ?? (inst.depts[0] as Institution['depts'][number]);
  const v = openVisit(ctx.sim, inst, person, kind, begin, profile.icd, dept, pickDoctor(rng, dept));
  chargeProfile(ctx.sim, rng, v, profile);
  return v;
}

/** Uploads and settles a visit on its own desk. */
export function settleVisit(ctx: Ctx, rng: Prng, v: OpVisit): void {
  const desk = new OutpatientDesk(ctx.sim, v.inst, rng);
  desk.submit(v);
  desk.flush();
}

export const daytime = (rng: Prng) => rng.range(8 * 3600 + 1800, 16 * 3600);

/** An inpatient profile this institution treats that fits the person (for stays built by scenarios). */
export function stayProfileFor(
  ctx: Ctx,
  rng: Prng,
  inst: Institution,
  person: number,
  filter: (p: InpatientProfile) => boolean = () => true,
): InpatientProfile {
  const pop = ctx.sim.world.population;
  const age = pop.age(person, ctx.sim.today);
  const gend = String(pop.gend[person]);
  const ok = (p: InpatientProfile) =>
    filter(p) &&
    (!p.sex || p.sex === gend) &&
    (p.minAge ?? 0) <= age &&
    (p.maxAge ?? 200) >= age &&
    p.maxAgeDays === undefined &&
    !p.surgery;
  const here = ctx.tables
    .inpatient(inst)
    .entries.map((e) => e.profile)
    .filter(ok);
  if (here.length) return rng.pick(here);
  const any = INPATIENT_PROFILES.filter(ok);
  return rng.pick(any.length ? any : INPATIENT_PROFILES.filter((p) => p.key === 'pneumonia'));
}

/**
 * A drug anyone may buy at a pharmacy a whole box at a time: no sex or age restriction, payable at a
 * pharmacy (no level or setting restriction), one box within the prescription limit. Scenarios that
 * move boxes between buyers use only these, so that they never break a rule they are not about.
 */
export function plainBoxItem(ctx: Ctx, item: Item): boolean {
  const rules = ctx.sim.world.rules;
  const atPharmacy = { gend: '1', ageYears: 40, ageDays: 40 * 365, hospLv: '9', medType: '41' } as const;
  return (
    item.listType === '101' && !rules.personal(item) && rules.allowed(item, atPharmacy) && item.pac <= rules.maxUnits(item, 'pharmacy')
  );
}

/** Adult ages for scenarios that need an ordinary adult patient. */
export const ADULT: Who = { minAge: 25, maxAge: 75 };

/** What a label names: its key for the level, and what helps a reader (item, group). */
export interface LabelKey {
  readonly fixmedins_code?: string;
  readonly psn_no?: string;
  readonly mdtrt_id?: string;
  readonly med_list_codg?: string;
  readonly drug_trac_codg?: string;
  readonly psn_nos?: string[];
}

type Level = 'visit' | 'person' | 'institution' | 'trace';

export function fraud(ctx: Ctx, pattern: Pattern, level: Level, key: LabelKey, note: string): void {
  ctx.sim.labels.fraud({ pattern, level, ...key, note });
}

export function lookalike(ctx: Ctx, looksLike: Pattern, level: Level, key: LabelKey, note: string): void {
  ctx.sim.labels.lookalike({ pattern: looksLike, looks_like: looksLike, level, ...key, note });
}

/** The label key of a visit or stay. */
export const visitKey = (v: { readonly inst: Institution; readonly mdtrt: string; readonly psn: string }, med?: string): LabelKey => ({
  fixmedins_code: v.inst.code,
  mdtrt_id: v.mdtrt,
  psn_no: v.psn,
  ...(med ? { med_list_codg: med } : {}),
});

/** Yuan text of micro-yuan (for label notes). */
export const yuan = (micro: number) => (micro / 1e6).toFixed(micro % 10000 === 0 ? 2 : 4);
