import { daytime, findPerson, fraud, normalVisit, settleVisit, visitKey, type Who } from '../inject.js';
import type { Institution } from '../institution-types.js';
import type { Scenario } from '../scenario-types.js';
import { addRestricted } from './charges.js';

/**
 * Items charged outside what the knowledge tables allow: to the other sex (限性别), outside the age
 * range (限年龄/儿童专用), at too low a hospital level or in the wrong setting (限定支付范围). The
 * restricted item is taken from the very table a rule will check.
 */

const instOf = (ctx: Parameters<Scenario>[0], index: number) => ctx.sim.world.institutions[index] as Institution;

export const genderRestricted: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const [item, gend] = rng.pick(ctx.sim.world.rules.genderItems);
  const obstetric =
    item.alias === 'cesarean' || item.alias === 'vaginalDelivery' || item.alias === 'usObstetric' || item.alias === 'oxytocin';
  const who: Who = { gend: gend === '1' ? 2 : 1, minAge: obstetric ? 20 : 25, maxAge: obstetric ? 45 : 75 };
  const person = findPerson(ctx, rng, inst, who);
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  addRestricted(ctx, rng, v, item);
  settleVisit(ctx, rng, v);
  fraud(
    ctx,
    'gender-restricted',
    'visit',
    visitKey(v, item.code),
    `限${gend === '1' ? '男' : '女'}性的${item.name}收费给${gend === '1' ? '女' : '男'}性参保人`,
  );
};

export const ageRestricted: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const entries = ctx.sim.world.rules.ageItems.filter((e) => e.unit === 'year' && e.item.isDrug);
  const e = rng.pick(entries);
  // Child-only items to adults; adult-only items to children below the minimum age.
  const who: Who =
    e.max !== undefined ? { minAge: 20, maxAge: 70 } : { minAge: Math.max(2, Math.floor((e.min ?? 18) / 3)), maxAge: (e.min ?? 18) - 1 };
  const person = findPerson(ctx, rng, inst, who);
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  addRestricted(ctx, rng, v, e.item);
  settleVisit(ctx, rng, v);
  const age = ctx.sim.world.population.age(person, ctx.sim.today);
  const rule = e.max !== undefined ? `限 ${e.max} 岁以下使用` : `限 ${e.min} 岁及以上使用`;
  fraud(ctx, 'age-restricted', 'visit', visitKey(v, e.item.code), `${e.item.name}${rule}, 收费给 ${age} 岁参保人`);
};

export const scopeRestricted: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, { minAge: 30, maxAge: 80 });
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  const rules = ctx.sim.world.rules;
  const refused = rules.scope.filter(
    (s) => !rules.allowed(s.item, v.ctx) && rules.allowed(s.item, { ...v.ctx, hospLv: '3', medType: '21' }),
  );
  const levelFirst = refused.filter((s) => s.minLevel !== undefined && Number(inst.level) < s.minLevel);
  const s = rng.pick(levelFirst.length && rng.chance(0.6) ? levelFirst : refused);
  addRestricted(ctx, rng, v, s.item);
  settleVisit(ctx, rng, v);
  const why =
    s.minLevel !== undefined && Number(inst.level) < s.minLevel
      ? `限${s.minLevel}级及以上医疗机构, 本机构为${inst.level}级`
      : '限住院使用, 在门诊收费';
  fraud(ctx, 'scope-restricted', 'visit', visitKey(v, s.item.code), `${s.item.name}${why}`);
};
