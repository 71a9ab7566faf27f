import { weekday } from './calendar.js';
import { pickProfile, winterness, type CareTables } from './care.js';
import type { InpatientProfile } from './clinical-inpatient.js';
import { admit, stayDay } from './inpatient.js';
import type { Institution } from './institution-types.js';
import { notBusy, pickGroup, pickNewborn, pickPerson } from './people.js';
import type { Prng } from './prng.js';
import type { Sim } from './sim.js';

const WEEKDAY_ADM = [0.6, 1.2, 1.15, 1.1, 1.1, 1.05, 0.8];

/**
 * A hospital's day: the days of stays in progress (discharging those due), then new admissions.
 * In history mode (days before the start) only admissions still in hospital on the first day are
 * kept, so the run starts with a realistic ward census.
 */
export function inpatientDay(sim: Sim, rng: Prng, tables: CareTables, inst: Institution, history: boolean): void {
  const stays = sim.stays.get(inst.index);
  if (stays) {
    for (const s of stays) stayDay(sim, rng, s);
    const open = stays.filter((s) => s.dischargeDay > sim.today);
    if (open.length) sim.stays.set(inst.index, open);
    else sim.stays.delete(inst.index);
  }
  if (inst.admPerDay <= 0) return;
  const t = tables.inpatient(inst);
  if (t.entries.length === 0) return;
  const pop = sim.world.population;
  const n = rng.poisson(inst.admPerDay * (WEEKDAY_ADM[weekday(sim.today)] as number) * (1 + 0.1 * winterness(sim.today)));
  for (let i = 0; i < n; i++) {
    const group = pickGroup(rng, 'adm');
    const gend = rng.chance(0.5) ? 1 : 2;
    const k = pickProfile(rng, t, group, gend);
    if (k < 0) continue;
    const { profile, dept } = t.entries[k] as (typeof t.entries)[number];
    const los = rng.range(profile.los[0], profile.los[1]);
    if (history && sim.today + los < sim.world.startDay) continue;
    const ok = (p: number) =>
      notBusy(sim)(p) &&
      (sim.lastDischarge[p] as number) < sim.today - 30 &&
      pop.gend[p] === gend &&
      fits(profile, pop.age(p, sim.today), sim.today - (pop.birth[p] as number), los);
    const person = profile.maxAgeDays !== undefined ? pickNewborn(sim, rng, inst, ok) : pickPerson(sim, rng, inst, group, ok);
    if (person === undefined) continue;
    const er = inst.erPerDay > 0 && rng.chance(0.1);
    const medType = er ? '24' : pop.insuPlace[person] !== 0 && rng.chance(0.5) ? '25' : undefined;
    admit(sim, rng, inst, {
      person,
      profile,
      dept,
      los,
      admitSec: er ? rng.range(0, 86399 - 4 * 3600) : rng.range(8 * 3600, 17 * 3600),
      ...(medType ? { medType } : {}),
    });
  }
}

/** Whether a person of this age fits the profile for the whole stay of `los` days. */
export function fits(p: InpatientProfile, age: number, ageDays: number, los: number): boolean {
  if (p.minAge !== undefined && age < p.minAge) return false;
  if (p.maxAge !== undefined && age > p.maxAge) return false;
  if (p.maxAgeDays !== undefined && ageDays + los >= p.maxAgeDays) return false;
  return true;
}
