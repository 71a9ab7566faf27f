import { chargeContext } from '../care.js';
import type { Item } from '../catalogue.js';
import { findPerson, fraud, plainBoxItem, visitKey } from '../inject.js';
import type { Institution } from '../institution-types.js';
import { CHRONIC, CHRONIC_DX, type SaleLine } from '../pharmacy.js';
import type { Prng } from '../prng.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Fraud at retail pharmacies: 串换药品 (a cheap item handed over, a dear drug billed), sales of a
 * drug never received (进销存不符), a trace code sold a second time (追溯码重复, 回流药), and one
 * person buying the same drug at several pharmacies far beyond any plausible dose (倒卖).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;
const DEAR = [
  'atorvastatin',
  'rosuvastatin',
  'clopidogrel',
  'nifedipine',
  'budesonideFormoterol',
  'insulinGlargine',
  'oseltamivir',
  'irbesartan',
];
const CHEAP = ['vitaminC', 'vitaminB1', 'vitaminBComplex'];

/** Ordinary pharmacies other than `not` (the look-alike chronic-disease pharmacies stay honest). */
export function otherPharmacies(ctx: Ctx, not?: Institution): Institution[] {
  return ctx.sim.world.pharmacies.filter((p) => p.kind === 'pharmacy' && p !== not);
}

const saleTime = (rng: Prng) => rng.range(9 * 3600, 20 * 3600);

/** The chronic diagnosis a purchase of `item` is made under. */
export function dxOf(item: Item): string {
  for (const [cond, aliases] of Object.entries(CHRONIC) as [keyof typeof CHRONIC, readonly string[]][])
    if (aliases.includes(item.alias)) return CHRONIC_DX[cond];
  return 'J06.900';
}

export const drugSubstitution: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const ph = instOf(ctx, job.inst);
  const buyer = findPerson(ctx, rng, ph, { minAge: 35, maxAge: 80 });
  const c = chargeContext(sim, buyer, ph, '41');
  const cheap = CHEAP.map((a) => world.catalogue.get(a)).filter((it) => book.carries(ph, it));
  const handed = rng.pick(cheap.length ? cheap : CHEAP.map((a) => world.catalogue.get(a)));
  const dear = DEAR.map((a) => world.catalogue.get(a)).filter((it) => world.rules.allowed(it, c));
  const notCarried = dear.filter((it) => !book.carries(ph, it));
  const billed = rng.pick(notCarried.length ? notCarried : dear);
  const boxes = Math.min(rng.range(1, 2), Math.max(1, Math.floor(world.rules.maxUnits(billed, 'pharmacy') / billed.pac)));
  const line: SaleLine = { item: handed, cnt: handed.pac, billAs: billed, billCnt: billed.pac * boxes };
  const sale = book.sell(sim, rng, ph, buyer, [line], saleTime(rng));
  const v = { inst: ph, mdtrt: sale.mdtrt as string, psn: world.population.psnNo(buyer) };
  fraud(ctx, 'drug-substitution', 'visit', visitKey(v, billed.code), `实际售出${handed.name}, 医保结算按${billed.name}收费`);
};

export const inventoryMismatch: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const ph = instOf(ctx, job.inst);
  // A drug the pharmacy never stocks: chronic-disease drugs first, else any plain drug of the catalogue.
  const never = (aliases: readonly string[]) =>
    aliases
      .map((a) => world.catalogue.get(a))
      .filter((it) => !book.carries(ph, it) && plainBoxItem(ctx, it) && it.pac * 2 <= world.rules.maxUnits(it, 'pharmacy'));
  const chronic = never([...new Set(Object.values(CHRONIC).flat())]);
  const item: Item = rng.pick(chronic.length ? chronic : never(world.catalogue.items.filter((it) => it.isDrug).map((it) => it.alias)));
  const sales = rng.range(3, 5);
  const lastDay = Math.min(sim.dayIndex + 3, world.days - 1);
  let done = 0;
  const sell = (r: Prng) => {
    const buyer = findPerson(ctx, r, ph, { minAge: 40, maxAge: 85 });
    const boxes = r.range(1, 2);
    const lines = Array.from({ length: boxes }, (): SaleLine => ({ item, cnt: item.pac, unchecked: true }));
    book.sell(sim, r, ph, buyer, lines, saleTime(r));
  };
  for (let k = 0; k < sales; k++) {
    const day = sim.today + rng.range(0, lastDay - sim.dayIndex);
    if (day === sim.today) sell(rng);
    else sim.defer(day, ph, (_s, r) => sell(r));
    done++;
  }
  fraud(
    ctx,
    'inventory-mismatch',
    'institution',
    { fixmedins_code: ph.code, med_list_codg: item.code },
    `无采购入库和库存记录的${item.name}销售 ${done} 笔`,
  );
};

export const traceCodeReuse: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const first = instOf(ctx, job.inst);
  const buyer = findPerson(ctx, rng, first, { minAge: 40, maxAge: 85 });
  const items = book.shelf(first).assortment.filter((it) => plainBoxItem(ctx, it));
  const item = rng.pick(items);
  const sale = book.sell(sim, rng, first, buyer, [{ item, cnt: item.pac }], saleTime(rng));
  const code = sale.lines[0]?.trace as string;
  const second = rng.chance(0.5) ? first : rng.pick(otherPharmacies(ctx, first));
  const gap = rng.range(1, Math.min(5, world.days - 1 - sim.dayIndex));
  sim.defer(sim.today + gap, second, (_s, r) => {
    const other = findPerson(ctx, r, second, { minAge: 40, maxAge: 85, not: new Set([buyer]) });
    book.sell(sim, r, second, other, [{ item, cnt: item.pac, trace: code }], saleTime(r));
  });
  fraud(
    ctx,
    'trace-code-reuse',
    'trace',
    { drug_trac_codg: code, fixmedins_code: second.code, med_list_codg: item.code },
    `同一盒${item.name}(追溯码 ${code}) ${gap} 天后在${second === first ? '同一药店' : second.name}再次销售`,
  );
};

export const resale: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const start = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, start, { minAge: 45, maxAge: 80 });
  const c = chargeContext(sim, person, start, '41');
  const item = rng.pick(DEAR.map((a) => world.catalogue.get(a)).filter((it) => world.rules.allowed(it, c) && it.alias !== 'oseltamivir'));
  const shops = [start, ...rng.shuffle(otherPharmacies(ctx, start)).slice(0, rng.range(2, 4))];
  // At each pharmacy as much as one prescription allows (a month at the maximum dose).
  const limit = world.rules.maxUnits(item, 'pharmacy');
  const units = Math.max(item.pac, Math.floor(limit / item.pac) * item.pac);
  const span = Math.min(6, world.days - 1 - sim.dayIndex);
  const buy = (ph: Institution, r: Prng) => {
    const lines: SaleLine[] = [];
    for (let left = units; left > 0; left -= item.pac) lines.push({ item, cnt: Math.min(item.pac, left) });
    book.sell(sim, r, ph, person, lines, saleTime(r), dxOf(item));
  };
  sim.reserve(person, sim.today + span);
  shops.forEach((ph, k) => {
    const day = sim.today + (k === 0 ? 0 : rng.range(0, span));
    if (day === sim.today) buy(ph, rng);
    else sim.defer(day, ph, (_s, r) => buy(ph, r));
  });
  const total = units * shops.length;
  const days = Math.round(total / item.daily);
  fraud(
    ctx,
    'resale',
    'person',
    { psn_no: world.population.psnNo(person), med_list_codg: item.code },
    `${span + 1} 日内在 ${shops.length} 家药店购买${item.name}共 ${total} 个单位, 约 ${days} 日用量`,
  );
};
