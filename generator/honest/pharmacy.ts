import { chargeContext, dispense } from '../care.js';
import { dxOf, otherPharmacies } from '../fraud/pharmacy.js';
import { findPerson, lookalike, plainBoxItem } from '../inject.js';
import type { Institution } from '../institution-types.js';
import { CHRONIC } from '../pharmacy.js';
import type { Prng } from '../prng.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Legitimate pharmacy business a naive detector would flag: a box split (拆零, trdn_flag 1) and
 * sold to several buyers under its one trace code, a box returned (3506) and sold again (追溯码重复?),
 * a chronic patient refilling at a second pharmacy at a plausible interval (倒卖?).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;
const saleTime = (rng: Prng) => rng.range(9 * 3600, 20 * 3600);

export const splitPack: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const ph = instOf(ctx, job.inst);
  const items = book.shelf(ph).assortment.filter((it) => plainBoxItem(ctx, it) && it.pac >= 12 && it.pac % 2 === 0);
  const item = rng.pick(items.length ? items : [world.catalogue.get('amoxicillin')]);
  const parts = item.pac % 3 === 0 && rng.chance(0.5) ? 3 : 2;
  const code = sim.traceCode(item);
  const room = world.days - 1 - sim.dayIndex;
  const buyers = new Set<number>();
  for (let k = 0; k < parts; k++) {
    const sell = (r: Prng) => {
      const buyer = findPerson(ctx, r, ph, { minAge: 18, maxAge: 80, not: buyers });
      buyers.add(buyer);
      book.sell(sim, r, ph, buyer, [{ item, cnt: item.pac / parts, trace: code, split: true }], saleTime(r));
    };
    const day = sim.today + (k === 0 ? 0 : rng.range(0, Math.min(2, room)));
    if (day === sim.today) sell(rng);
    else sim.defer(day, ph, (_s, r) => sell(r));
  }
  lookalike(
    ctx,
    'trace-code-reuse',
    'trace',
    { drug_trac_codg: code, fixmedins_code: ph.code, med_list_codg: item.code },
    `拆零销售: 同一盒${item.name}(${item.pac}${item.form === '胶囊剂' ? '粒' : '片'})分 ${parts} 次售出, 合计一盒`,
  );
};

export const returnResale: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const ph = instOf(ctx, job.inst);
  const items = book.shelf(ph).assortment.filter((it) => plainBoxItem(ctx, it));
  const item = rng.pick(items);
  const sale = book.sell(sim, rng, ph, undefined, [{ item, cnt: item.pac }], saleTime(rng));
  const sold = sale.lines[0] as { bchno: string; trace?: string; item: typeof item };
  sim.defer(sim.today + 1, ph, (_s, r) => {
    book.saleReturn(sim, ph, sold, item.pac, r.range(9 * 3600, 11 * 3600));
    const buyer = findPerson(ctx, r, ph, { minAge: 18, maxAge: 80 });
    book.sell(sim, r, ph, buyer, [{ item, cnt: item.pac, ...(sold.trace ? { trace: sold.trace } : {}) }], r.range(12 * 3600, 20 * 3600));
  });
  lookalike(
    ctx,
    'trace-code-reuse',
    'trace',
    { drug_trac_codg: sold.trace as string, fixmedins_code: ph.code, med_list_codg: item.code },
    `${item.name}售出后次日退货(3506), 退回的同一盒再次售出`,
  );
};

export const twoPharmacyChronic: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const first = instOf(ctx, job.inst);
  const second = rng.pick(otherPharmacies(ctx, first));
  const person = findPerson(ctx, rng, first, { minAge: 50, maxAge: 80, refill: true });
  const c = chargeContext(sim, person, first, '41');
  const item = rng.pick(CHRONIC.htn.map((a) => world.catalogue.get(a)).filter((it) => world.rules.allowed(it, c)));
  const units = dispense(item, 14, world.rules.maxUnits(item, 'pharmacy'));
  const supply = Math.round(units / item.daily);
  const gap = Math.min(Math.max(7, supply - 2), world.days - 1 - sim.dayIndex);
  const buy = (ph: Institution, r: Prng) => {
    const lines = [];
    for (let left = units; left > 0; left -= item.pac) lines.push({ item, cnt: Math.min(item.pac, left) });
    book.sell(sim, r, ph, person, lines, saleTime(r), dxOf(item));
  };
  buy(first, rng);
  sim.supplied(person, gap + supply);
  sim.reserve(person, sim.today + gap);
  sim.defer(sim.today + gap, second, (_s, r) => buy(second, r));
  lookalike(
    ctx,
    'resale',
    'person',
    { psn_no: world.population.psnNo(person), med_list_codg: item.code },
    `高血压患者先后在两家药店各购买${item.name} ${units} 个单位(约 ${supply} 日用量), 间隔 ${gap} 日, 用量合理`,
  );
};
