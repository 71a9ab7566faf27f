import { dispense, pickDoctor } from '../care.js';
import { OUTPATIENT_PROFILES } from '../clinical-outpatient.js';
import { findPerson, lookalike, visitKey, settleVisit } from '../inject.js';
import type { Institution } from '../institution-types.js';
import { addDrug, chargeProfile, openVisit } from '../outpatient.js';
import { pickChronic } from '../people.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * 门诊慢特病长期处方: a chronic patient given up to 12 weeks of medicine (长期处方管理规范), legal for
 * 门诊慢特病 but far beyond the ordinary outpatient limit a naive detector applies (超量开药?).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;

export const chronicLongRx: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const world = sim.world;
  const rules = world.rules;
  const inst = instOf(ctx, job.inst);
  // A drug whose 12-week supply exceeds the ordinary 30-day outpatient limit at its usual dose.
  const choices = OUTPATIENT_PROFILES.filter((p) => p.condition === 'htn' || p.condition === 'dm' || p.condition === 'chd').flatMap((p) =>
    p.drugs
      .map(([alias]) => world.catalogue.get(alias))
      .filter((it) => (rules.maxDaily(it) ?? Infinity) * 30 < it.daily * 77)
      .map((it) => ({ profile: p, item: it })),
  );
  const { profile, item } = rng.pick(choices);
  const person =
    pickChronic(
      sim,
      rng,
      inst,
      profile.condition ?? 'htn',
      (p) => !sim.isBusy(p, sim.today) && world.population.age(p, sim.today) >= (profile.minAge ?? 30),
    ) ?? findPerson(ctx, rng, inst, { minAge: 45, maxAge: 80 });
  const dept: Institution['depts'][number] =
    inst.depts.find((d) => profile.depts.includes(d.code)) ?? (inst.depts[0] as Institution['depts'][number]);
  const v = openVisit(sim, inst, person, 'chronic', rng.range(8 * 3600, 11 * 3600), profile.icd, dept, pickDoctor(rng, dept));
  const days = rng.range(Math.ceil(((rules.maxDaily(item) as number) * 30) / item.daily) + 7, 84);
  chargeProfile(sim, rng, v, profile, days);
  if (!v.fees.some((f) => f.item === item))
    addDrug(sim, v, item, dispense(item, days, rules.maxUnits(item, 'chronic')), days, v.begin + rng.range(1800, 3600));
  settleVisit(ctx, rng, v);
  lookalike(
    ctx,
    'excess-quantity',
    'visit',
    visitKey(v, item.code),
    `门诊慢特病长期处方${item.name} ${days} 日用量, 在长期处方12周限量内, 超过普通门诊30日限量`,
  );
};
