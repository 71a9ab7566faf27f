import { dayOfYear } from './calendar.js';
import type { Item } from './catalogue.js';
import { INPATIENT_PROFILES, type InpatientProfile } from './clinical-inpatient.js';
import { OUTPATIENT_PROFILES, type OutpatientProfile } from './clinical-outpatient.js';
import type { Dept, Doctor, Institution } from './institution-types.js';
import type { ChargeContext } from './knowledge-index.js';
import { ageGroup } from './population.js';
import { cumulative, type Prng } from './prng.js';
import type { Sim } from './sim.js';
import type { World } from './world.js';

/**
 * Shared clinical decisions: who is charged (the charge context the knowledge tables are checked
 * against), which department and doctor see a profile at an institution, which concrete item an
 * alias resolves to, how many units a prescription dispenses, and the per-institution tables of
 * which profiles are seen there and how often.
 */

export function chargeContext(sim: Sim, person: number, inst: Institution, medType: string, day = sim.today): ChargeContext {
  const pop = sim.world.population;
  const birth = pop.birth[person] as number;
  return {
    gend: pop.gend[person] === 1 ? '1' : '2',
    ageYears: pop.age(person, day),
    ageDays: day - birth,
    hospLv: inst.level,
    medType,
  };
}

/** `a|b`: the first alternative the knowledge tables allow here; undefined when none is. */
export function resolveItem(world: World, alias: string, ctx: ChargeContext): Item | undefined {
  for (const a of alias.split('|')) {
    const item = world.catalogue.get(a);
    if (world.rules.allowed(item, ctx)) return item;
  }
  return undefined;
}

const PRIMARY = new Set(['township', 'community']);

/** The department seeing a profile: its first preferred department here, else general practice at primary care. */
export function deptFor(inst: Institution, depts: readonly string[]): Dept | undefined {
  for (const code of depts) {
    const d = inst.depts.find((x) => x.code === code);
    if (d) return d;
  }
  return PRIMARY.has(inst.kind) ? (inst.depts.find((x) => x.code === 'A02') ?? inst.depts[0]) : undefined;
}

export function pickDoctor(rng: Prng, dept: Dept): Doctor {
  return rng.pick(dept.doctors);
}

/** 诊查费 of a visit: 一般诊疗费 at primary care, 急诊诊查费, or by the doctor's title. */
export function consultItem(world: World, inst: Institution, doctor: Doctor, emergency: boolean): Item {
  const c = world.catalogue;
  if (emergency) return c.get('consultER');
  if (inst.level === '1') return c.get('generalFee');
  return c.get(doctor.title === 2 ? 'consultChief' : doctor.title === 1 ? 'consultAssoc' : 'consult');
}

/**
 * Units dispensed for `days` at the item's usual daily dose: whole boxes where they fit under the
 * limit (`maxUnits`), otherwise split packs (拆零) up to it.
 */
export function dispense(item: Item, days: number, maxUnits: number): number {
  const units = Math.max(1, Math.ceil(item.daily * days - 1e-9));
  if (item.pac <= 1) return Math.min(units, Math.max(1, Math.floor(maxUnits)));
  const boxes = Math.ceil(units / item.pac);
  let cnt = boxes * item.pac;
  if (cnt > maxUnits) cnt = Math.floor(maxUnits / item.pac) * item.pac || Math.min(units, Math.floor(maxUnits));
  return Math.max(1, cnt);
}

/** How wintry a day is (0 … 1), for seasonal diagnoses and volume. */
export function winterness(day: number): number {
  return Math.max(0, Math.cos((2 * Math.PI * (dayOfYear(day) - 15)) / 365));
}

export interface ProfileTable<P> {
  readonly entries: readonly { readonly profile: P; readonly dept: Dept }[];
  /** Cumulative weights per age group × sex: index group * 2 + (gend - 1). */
  readonly cum: readonly Float64Array[];
}

type Kind = 'op' | 'er' | 'chronic' | 'ip';

function ageRangeFits(group: number, minAge?: number, maxAge?: number): boolean {
  const [lo, hi] = group === 0 ? [0, 13] : group === 1 ? [14, 59] : [60, 120];
  return (minAge ?? 0) <= hi && (maxAge ?? 200) >= lo;
}

function table<P extends OutpatientProfile | InpatientProfile>(
  inst: Institution,
  profiles: readonly P[],
  weightOf: (p: P) => number,
): ProfileTable<P> {
  const entries: { profile: P; dept: Dept }[] = [];
  for (const profile of profiles) {
    const dept = deptFor(inst, profile.depts);
    if (dept && weightOf(profile) > 0) entries.push({ profile, dept });
  }
  const cum = [0, 1, 2].flatMap((g) =>
    ['1', '2'].map((sex) =>
      cumulative(
        entries.map(({ profile }) => {
          if (profile.sex && profile.sex !== sex) return 0;
          if (!ageRangeFits(g, profile.minAge, profile.maxAge)) return 0;
          const favoured = profile.favouredAt?.includes(inst.kind) ? 8 : 1;
          return (profile.w[g] as number) * weightOf(profile) * favoured;
        }),
      ),
    ),
  );
  return { entries, cum };
}

/** Per-institution profile tables, built on first use. */
export class CareTables {
  private readonly cache = new Map<string, ProfileTable<OutpatientProfile> | ProfileTable<InpatientProfile>>();
  private readonly winter: number;

  constructor(world: World) {
    this.winter = winterness(world.startDay + Math.floor(world.days / 2));
  }

  outpatient(inst: Institution, kind: 'op' | 'er' | 'chronic'): ProfileTable<OutpatientProfile> {
    return this.get(inst, kind, () =>
      table(inst, OUTPATIENT_PROFILES, (p) => {
        const season = 1 + (p.season ?? 0) * this.winter;
        if (kind === 'er') return (p.er ?? 0) * season;
        if (kind === 'chronic') return p.condition ? 1 : 0;
        return season;
      }),
    ) as ProfileTable<OutpatientProfile>;
  }

  inpatient(inst: Institution): ProfileTable<InpatientProfile> {
    const lvl = Number(inst.level === '9' ? 0 : inst.level);
    return this.get(inst, 'ip', () =>
      table(inst, INPATIENT_PROFILES, (p) => {
        if (p.minLevel > lvl) return 0;
        if (inst.kind === 'oncology') return p.favouredAt?.includes('oncology') ? 1 : 0.05;
        return 1 + (p.season ?? 0) * this.winter;
      }),
    ) as ProfileTable<InpatientProfile>;
  }

  private get(inst: Institution, kind: Kind, build: () => ProfileTable<OutpatientProfile> | ProfileTable<InpatientProfile>) {
    const key = `${inst.index}:${kind}`;
    let t = this.cache.get(key);
    if (!t) this.cache.set(key, (t = build()));
    return t;
  }
}

/** A profile index for a person of `group` and sex, or -1 when none is seen here. */
export function pickProfile<P>(rng: Prng, t: ProfileTable<P>, group: number, gend: number): number {
  const cum = t.cum[group * 2 + gend - 1] as Float64Array;
  if (cum.length === 0 || (cum[cum.length - 1] as number) <= 0) return -1;
  return rng.weighted(cum);
}

export function groupOfAge(age: number): 0 | 1 | 2 {
  return ageGroup(age);
}
