import { dispense } from '../care.js';
import type { Item } from '../catalogue.js';
import type { Fee } from '../fee-types.js';
import { lineCents } from '../format.js';
import { ADULT, daytime, findPerson, fraud, normalVisit, settleVisit, stayProfileFor, visitKey, yuan } from '../inject.js';
import { admit } from '../inpatient.js';
import type { Institution } from '../institution-types.js';
import { addDrug, addItem, supplySetting, type OpVisit } from '../outpatient.js';
import type { Prng } from '../prng.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Fraud in what a visit charges: prices above the ceiling (超标准收费), the same or mutually
 * exclusive items twice (重复收费), a bundle charged as its parts (分解收费), quantities beyond the
 * prescription limits (超量开药/超频次). Each builds an otherwise normal visit or stay.
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;
const hasWard = (inst: Institution) => inst.admPerDay > 0;

/** A price above the ceiling: services to the cent, drugs to 0.0001 yuan. */
function above(item: Item, rng: Prng): number {
  const step = item.isService ? 10000 : 100;
  const p = Math.round((item.ceilingMicro * (1.15 + rng.next() * 0.85)) / step) * step;
  return Math.max(p, item.ceilingMicro + step);
}

function reprice(f: Fee, priceMicro: number): void {
  f.priceMicro = priceMicro;
  f.cents = lineCents(f.cnt, priceMicro);
}

export const overPrice: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, ADULT);
  if (hasWard(inst) && rng.chance(0.3)) {
    // Every day's bed fee above the standard.
    const c = ctx.sim.world.catalogue;
    const inflated = { bed3: above(c.get('bed3'), rng), bed2: above(c.get('bed2'), rng) };
    const stay = admit(ctx.sim, rng, inst, {
      person,
      profile: stayProfileFor(ctx, rng, inst, person),
      admitSec: daytime(rng),
      los: rng.range(3, 7),
      extra: (s, _day, fees) => {
        for (const f of fees) if (f.item.alias === s.bedItem) reprice(f, inflated[s.bedItem]);
      },
    });
    const bed = c.get(stay.bedItem);
    fraud(
      ctx,
      'over-price',
      'visit',
      visitKey(stay, bed.code),
      `${bed.name}按 ${yuan(inflated[stay.bedItem])} 元/日收取, 超过限价 ${yuan(bed.ceilingMicro)} 元`,
    );
    return;
  }
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  const f = rng.pick(v.fees);
  reprice(f, above(f.item, rng));
  settleVisit(ctx, rng, v);
  fraud(
    ctx,
    'over-price',
    'visit',
    visitKey(v, f.item.code),
    `${f.item.name} 单价 ${yuan(f.priceMicro)} 元, 超过限价 ${yuan(f.item.ceilingMicro)} 元`,
  );
};

export const duplicateCharge: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const world = ctx.sim.world;
  const c = world.catalogue;
  const person = findPerson(ctx, rng, inst, ADULT);
  const variant = rng.int(3);
  if (variant === 2 && hasWard(inst)) {
    // Two nursing levels (mutually exclusive) on the admission day of a stay.
    const own = (it: Item) => it.alias === 'nurse1' || it.alias === 'nurse2';
    const pair = rng.pick(
      world.rules.exclusive.filter((e) => e.scope === 'day' && e.a.chrg === '07' && e.b.chrg === '07' && (own(e.a) || own(e.b))),
    );
    const mine = own(pair.a) ? pair.a : pair.b;
    const other = mine === pair.a ? pair.b : pair.a;
    const profile = stayProfileFor(ctx, rng, inst, person);
    const stay = admit(ctx.sim, rng, inst, {
      person,
      profile: { ...profile, nursing: mine.alias as 'nurse1' | 'nurse2' },
      admitSec: daytime(rng),
      los: rng.range(3, 6),
      extra: (s, day, fees) => {
        if (day !== s.admitDay) return;
        const nursing = fees.find((f) => f.item === mine);
        fees.push(ctx.sim.fee(s, other, 1, (nursing?.sec ?? 900) + 60, s.dept.code, s.doctor.code));
      },
    });
    fraud(ctx, 'duplicate-charge', 'visit', visitKey(stay, other.code), `同一日同时收取互斥的${mine.name}与${other.name}`);
    return;
  }
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  if (variant === 0) {
    // The once-per-visit 诊查费 charged twice.
    const consult =
      v.fees.find((f) => f.item.chrg === '02' || f.item.chrg === '12') ??
      addItem(ctx.sim, v, c.get(inst.level === '1' ? 'generalFee' : 'consult'), 1, v.begin + 120);
    addItem(ctx.sim, v, consult.item, 1, consult.sec + rng.range(60, 900));
    settleVisit(ctx, rng, v);
    fraud(ctx, 'duplicate-charge', 'visit', visitKey(v, consult.item.code), `同一次就诊重复收取${consult.item.name}`);
    return;
  }
  // Both items of a mutually exclusive pair in one visit (same day).
  const pairs = world.rules.exclusive.filter(
    (e) => e.a.chrg !== '07' && e.a.chrg !== '01' && world.rules.allowed(e.a, v.ctx) && world.rules.allowed(e.b, v.ctx),
  );
  const pair = rng.pick(pairs);
  for (const it of [pair.a, pair.b]) if (!v.fees.some((f) => f.item === it)) addItem(ctx.sim, v, it, 1, v.begin + rng.range(300, 2400));
  settleVisit(ctx, rng, v);
  fraud(ctx, 'duplicate-charge', 'visit', visitKey(v, pair.b.code), `同一次就诊同时收取互斥项目${pair.a.name}与${pair.b.name}`);
};

export const unbundledCharges: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const bundles = ctx.sim.world.rules.bundles;
  const b = rng.pick(bundles);
  const n = rng.range(b.min, b.components.length);
  const parts = rng.shuffle([...b.components]).slice(0, n);
  const person = findPerson(ctx, rng, inst, ADULT);
  if (hasWard(inst) && rng.chance(0.5)) {
    const stay = admit(ctx.sim, rng, inst, {
      person,
      profile: stayProfileFor(ctx, rng, inst, person),
      admitSec: daytime(rng),
      los: rng.range(3, 7),
      extra: (s, day, fees) => {
        if (day !== s.admitDay) return;
        const i = fees.findIndex((f) => f.item === b.bundle);
        const sec = i >= 0 ? (fees[i] as Fee).sec : s.admitSec + 3600;
        if (i >= 0) fees.splice(i, 1);
        for (const it of parts) fees.push(ctx.sim.fee(s, it, 1, sec, s.dept.code, s.doctor.code));
      },
    });
    fraud(ctx, 'unbundled-charges', 'visit', visitKey(stay, b.bundle.code), `${b.bundle.name}拆分为${n}个单项收费`);
    return;
  }
  const v = normalVisit(ctx, rng, inst, person, daytime(rng));
  const at = v.begin + rng.range(600, 2400);
  for (let i = v.fees.length - 1; i >= 0; i--) if ((v.fees[i] as Fee).item === b.bundle) v.fees.splice(i, 1);
  for (const it of parts) addItem(ctx.sim, v, it, 1, at);
  settleVisit(ctx, rng, v);
  fraud(ctx, 'unbundled-charges', 'visit', visitKey(v, b.bundle.code), `${b.bundle.name}拆分为${n}个单项收费`);
};

export const excessQuantity: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const world = ctx.sim.world;
  const person = findPerson(ctx, rng, inst, ADULT);
  const v: OpVisit = normalVisit(ctx, rng, inst, person, daytime(rng));
  if (rng.chance(0.2)) {
    // 超频次: an hourly or per-session item far beyond its daily limit.
    const it = world.catalogue.get(rng.pick(['nebulizer', 'infusion']));
    const max = world.rules.frequency(it)?.max ?? 4;
    const cnt = max + rng.range(2, 6);
    addItem(ctx.sim, v, it, cnt, v.begin + 2400);
    settleVisit(ctx, rng, v);
    fraud(ctx, 'excess-quantity', 'visit', visitKey(v, it.code), `${it.name}一日收取 ${cnt} 次, 超过每日 ${max} 次的限制`);
    return;
  }
  const setting = supplySetting(v.kind);
  const drugs = world.rules.supply.filter((it) => world.rules.allowed(it, v.ctx) && it.listType === '101');
  const it = rng.pick(drugs);
  const limit = world.rules.maxUnits(it, setting);
  const boxes = Math.max(Math.ceil((limit * (1.6 + rng.next() * 1.8)) / it.pac), Math.floor(limit / it.pac) + 1);
  const cnt = boxes * it.pac;
  addDrug(ctx.sim, v, it, cnt, rng.range(5, 7), v.begin + 3000);
  settleVisit(ctx, rng, v);
  fraud(
    ctx,
    'excess-quantity',
    'visit',
    visitKey(v, it.code),
    `${it.name}单次开具 ${cnt} 个单位, 超过限量 ${Math.floor(limit)} (每日 ${world.rules.maxDaily(it)} × 天数)`,
  );
};

/** Used by restriction scenarios: adds an item to a visit as the clinic would (drugs dispensed for a few days). */
export function addRestricted(ctx: Ctx, rng: Prng, v: OpVisit, it: Item): Fee {
  if (!it.isDrug) return addItem(ctx.sim, v, it, 1, v.begin + rng.range(600, 2400));
  const days = rng.range(3, 7);
  const limit = ctx.sim.world.rules.maxUnits(it, supplySetting(v.kind));
  return addDrug(ctx.sim, v, it, dispense(it, days, limit), days, v.begin + rng.range(1800, 3600));
}
