import { daytime, findPerson, fraud, normalVisit, settleVisit, stayProfileFor, visitKey } from '../inject.js';
import { admit } from '../inpatient.js';
import type { Institution } from '../institution-types.js';
import type { Prng } from '../prng.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Fraud in inpatient stays: 挂床住院 (days with bed and nursing only, the patient seen elsewhere
 * meanwhile), 虚假住院 (a stay that overlaps a real stay elsewhere, or of someone seen at other
 * clinics during it), 分解住院 (discharge and readmission for the same condition within 15 days).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;

/** Another hospital (with wards when asked) than `not`, drawn by size. */
function otherHospital(ctx: Ctx, rng: Prng, not: Institution, wards = false): Institution {
  const list = ctx.sim.world.hospitals.filter((h) => h !== not && h.kind !== 'oncology' && (!wards || h.admPerDay > 0) && h.opPerDay > 0);
  const total = list.reduce((s, h) => s + h.opPerDay, 0);
  let x = rng.next() * total;
  for (const h of list) if ((x -= h.opPerDay) <= 0) return h;
  return list[list.length - 1] ?? not;
}

export const phantomBed: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, { minAge: 40, maxAge: 85 });
  const last = sim.world.days - 1;
  const los = rng.range(5, 9);
  const bedOnly = new Set<number>();
  for (let k = 2; k < los; k++) bedOnly.add(sim.today + k);
  const inWindow = [...bedOnly].filter((d) => d - sim.world.startDay <= last);
  const stay = admit(sim, rng, inst, { person, profile: stayProfileFor(ctx, rng, inst, person), admitSec: daytime(rng), los, bedOnly });
  let note = `住院期间第3至第${los}日仅收取床位费和护理费, 无任何诊疗`;
  if (rng.chance(0.6) && inWindow.length) {
    // Meanwhile the patient is at another clinic.
    const day = rng.pick(inWindow);
    const other = otherHospital(ctx, rng, inst);
    sim.defer(day, other, (_s, r) => settleVisit(ctx, r, normalVisit(ctx, r, other, person, daytime(r))));
    note += `; 其间第${day - stay.admitDay + 1}日在${other.name}门诊就诊`;
  }
  fraud(ctx, 'phantom-bed', 'visit', visitKey(stay), note);
};

export const phantomAdmission: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const fake = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, fake, { minAge: 45, maxAge: 85 });
  if (rng.chance(0.6)) {
    // A real stay elsewhere, and a stay here from the next day, overlapping it.
    const real = otherHospital(ctx, rng, fake, true);
    admit(sim, rng, real, { person, profile: stayProfileFor(ctx, rng, real, person), admitSec: daytime(rng), los: rng.range(5, 8) });
    sim.defer(sim.today + 1, fake, (_s, r) => {
      const stay = admit(sim, r, fake, { person, profile: stayProfileFor(ctx, r, fake, person), admitSec: daytime(r), los: r.range(3, 6) });
      fraud(ctx, 'phantom-admission', 'visit', visitKey(stay), `住院期间与在${real.name}的住院时间重叠`);
    });
    return;
  }
  // A stay here while the person keeps visiting other clinics.
  const stay = admit(sim, rng, fake, {
    person,
    profile: stayProfileFor(ctx, rng, fake, person),
    admitSec: daytime(rng),
    los: rng.range(4, 6),
  });
  const other = otherHospital(ctx, rng, fake);
  for (const k of [1, 2]) {
    if (sim.dayIndex + k > sim.world.days - 1) continue;
    sim.defer(sim.today + k, other, (_s, r) => settleVisit(ctx, r, normalVisit(ctx, r, other, person, daytime(r))));
  }
  fraud(ctx, 'phantom-admission', 'visit', visitKey(stay), `住院期间参保人次日起在${other.name}门诊就诊`);
};

/** A diagnosis in the same ICD-10 category (first three characters) as `icd`. */
function sameCategory(icd: string, rng: Prng): string {
  const variants: Readonly<Record<string, readonly string[]>> = {
    'J18.900': ['J18.900', 'J18.000', 'J18.800'],
    'J44.100': ['J44.100', 'J44.000', 'J44.900'],
    'I63.900': ['I63.900', 'I63.500', 'I63.300'],
    'I50.900': ['I50.900', 'I50.000', 'I50.100'],
    'E11.900': ['E11.900', 'E11.600', 'E11.400'],
  };
  return rng.pick(variants[icd] ?? [icd]);
}

export const splitAdmission: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, { minAge: 40, maxAge: 85 });
  const profile = stayProfileFor(ctx, rng, inst, person);
  const room = sim.world.days - 1 - sim.dayIndex;
  const los = rng.range(2, Math.min(4, room - 2));
  const gap = rng.range(2, Math.min(14, room - los));
  admit(sim, rng, inst, {
    person,
    profile,
    admitSec: daytime(rng),
    los,
    onDischarge: () => {
      sim.defer(sim.today + gap, inst, (_x, r) => {
        const dx = sameCategory(profile.icd, r);
        const again = admit(sim, r, inst, { person, profile, dx, admitSec: daytime(r), los: r.range(3, 6) });
        fraud(
          ctx,
          'split-admission',
          'visit',
          visitKey(again),
          `出院 ${gap} 天后以同类诊断(${dx.slice(0, 3)})再次入院, 非计划性治疗, 非转院`,
        );
      });
    },
  });
};
