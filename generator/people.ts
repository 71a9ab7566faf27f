import type { Condition } from './clinical-outpatient.js';
import type { Institution } from './institution-types.js';
import { CONDITION_INDEX } from './population.js';
import { cumulative, type Prng } from './prng.js';
import type { Sim } from './sim.js';

/**
 * Who comes to an institution: an age group weighted by how much each group uses care, then a
 * person of that group from the institution's catchment (its own district mostly; city-wide for
 * the big hospitals), skipping people the caller rules out (in hospital, wrong sex or age …).
 */

/** Population share × relative use, per age group (child, adult, elder). */
const USE: Readonly<Record<'op' | 'adm' | 'sales', Float64Array>> = {
  op: cumulative([0.17 * 1.3, 0.64 * 0.8, 0.19 * 2.0]),
  adm: cumulative([0.17 * 0.6, 0.64 * 0.6, 0.19 * 3.0]),
  sales: cumulative([0.17 * 0.6, 0.64 * 1.0, 0.19 * 1.5]),
};

const LOCAL: Readonly<Record<Institution['kind'], number>> = {
  general: 0.45,
  tcm: 0.5,
  oncology: 0.3,
  maternity: 0.5,
  county: 0.85,
  'county-tcm': 0.9,
  township: 0.95,
  community: 0.95,
  pharmacy: 0.93,
  'chronic-pharmacy': 0.8,
};

export function pickGroup(rng: Prng, use: 'op' | 'adm' | 'sales'): 0 | 1 | 2 {
  return rng.weighted(USE[use]) as 0 | 1 | 2;
}

const DISTRICT_CUM = new WeakMap<object, Float64Array>();

function pickDistrict(sim: Sim, rng: Prng, inst: Institution): number {
  if (rng.chance(LOCAL[inst.kind])) return inst.districtIndex;
  const pop = sim.world.population;
  let cum = DISTRICT_CUM.get(pop);
  if (!cum) DISTRICT_CUM.set(pop, (cum = cumulative(pop.districts.map((d) => d.weight))));
  return rng.weighted(cum);
}

/** A person of `bucket` accepted by `ok`, or undefined after a few tries. */
export function pickFrom(rng: Prng, bucket: Int32Array, ok: (p: number) => boolean, tries = 16): number | undefined {
  if (bucket.length === 0) return undefined;
  for (let t = 0; t < tries; t++) {
    const p = bucket[rng.int(bucket.length)] as number;
    if (ok(p)) return p;
  }
  return undefined;
}

/** A person of age group `group` from the institution's catchment. */
export function pickPerson(sim: Sim, rng: Prng, inst: Institution, group: 0 | 1 | 2, ok: (p: number) => boolean): number | undefined {
  const pop = sim.world.population;
  for (let t = 0; t < 4; t++) {
    const d = t < 2 ? pickDistrict(sim, rng, inst) : rng.int(pop.districts.length);
    const p = pickFrom(rng, pop.buckets[d]?.[group] ?? new Int32Array(0), ok);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** A person with a chronic condition from the catchment. */
export function pickChronic(sim: Sim, rng: Prng, inst: Institution, condition: Condition, ok: (p: number) => boolean): number | undefined {
  const pop = sim.world.population;
  for (let t = 0; t < 4; t++) {
    const d = t < 2 ? pickDistrict(sim, rng, inst) : rng.int(pop.districts.length);
    const p = pickFrom(rng, pop.chronic[d]?.[CONDITION_INDEX[condition]] ?? new Int32Array(0), ok);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** A baby (under 28 days at the start) from the catchment. */
export function pickNewborn(sim: Sim, rng: Prng, inst: Institution, ok: (p: number) => boolean): number | undefined {
  const pop = sim.world.population;
  for (let t = 0; t < 4; t++) {
    const d = t < 2 ? pickDistrict(sim, rng, inst) : rng.int(pop.districts.length);
    const p = pickFrom(rng, pop.newborns[d] ?? new Int32Array(0), ok);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Free for honest care today: not in hospital. */
export const notBusy = (sim: Sim) => (p: number) => !sim.isBusy(p, sim.today);
