import { weekday } from './calendar.js';
import { chargeContext, dispense } from './care.js';
import type { Item } from './catalogue.js';
import type { Condition } from './clinical-outpatient.js';
import type { Institution } from './institution-types.js';
import { notBusy, pickChronic, pickGroup, pickPerson } from './people.js';
import { ACUTE, CHILD, CHRONIC, CHRONIC_DX, CONDITION_BIT, CONDITION_CUM, CONDITIONS, OTHER, WEEKDAY_SALES } from './pharmacy-items.js';
import type { PharmacyBook, SaleLine } from './pharmacy.js';
import type { Prng } from './prng.js';
import type { Sim } from './sim.js';

/**
 * A pharmacy's honest day: the opening stocktake on the first day, the morning's purchases, the
 * day's sales (chronic-disease buyers when their medicine runs out, children's medicines, acute
 * remedies; a third of buyers pay cash), an occasional write-off, the weekly stocktake.
 */

/** What an insured buyer (or a cash customer) buys today, honest: carried, allowed, within limits. */
export function basket(
  sim: Sim,
  rng: Prng,
  book: PharmacyBook,
  ph: Institution,
  buyer: number | undefined,
  chronicShare: number,
): { lines: SaleLine[]; dx?: string } {
  const world = sim.world;
  const pop = world.population;
  const ctx = buyer === undefined ? undefined : chargeContext(sim, buyer, ph, '41');
  const can = (alias: string) => {
    const it = world.catalogue.get(alias);
    return book.carries(ph, it) && (!ctx || world.rules.allowed(it, ctx)) ? it : undefined;
  };
  const lines: SaleLine[] = [];
  const addBoxes = (it: Item, days: number) => {
    const cnt = it.listType === '102' ? rng.range(10, 25) * 10 : dispense(it, days, world.rules.maxUnits(it, 'pharmacy'));
    const perBox = it.listType === '102' || it.pac <= 1 ? cnt : it.pac;
    for (let left = cnt; left > 0; left -= perBox) lines.push({ item: it, cnt: Math.min(perBox, left) });
  };
  if (buyer !== undefined && (pop.conditions[buyer] as number) !== 0 && sim.needsRefill(buyer) && rng.chance(chronicShare)) {
    const conds = CONDITIONS.filter(([c]) => ((pop.conditions[buyer] as number) & CONDITION_BIT[c]) !== 0);
    const [cond] = rng.pick(conds);
    const items = CHRONIC[cond].map(can).filter((x): x is Item => x !== undefined);
    for (const it of rng.shuffle(items).slice(0, rng.range(1, 2))) addBoxes(it, 30);
    if (lines.length) {
      sim.supplied(buyer, 30);
      return { lines, dx: CHRONIC_DX[cond] };
    }
  }
  if (ctx && ctx.ageYears < 14) {
    const it = can(rng.pick(CHILD));
    if (it) addBoxes(it, 3);
    if (lines.length) return { lines };
  }
  const pool = rng.chance(0.15) ? OTHER : ACUTE;
  for (let k = rng.range(1, 2); k > 0; k--) {
    const it = can(rng.pick(pool));
    if (it && !lines.some((l) => l.item === it)) addBoxes(it, it.listType === '102' ? 7 : 3);
  }
  return { lines };
}

/** The honest day of a pharmacy. */
export function pharmacyDay(sim: Sim, rng: Prng, book: PharmacyBook, ph: Institution): void {
  const d = sim.dayIndex;
  if (d === 0) {
    book.open(sim, rng, ph);
    book.stocktake(sim, ph, 7 * 3600 + rng.range(0, 1800));
  }
  book.replenish(sim, rng, ph, 8 * 3600 + rng.range(0, 1800));
  const chronicShare = ph.kind === 'chronic-pharmacy' ? 0.9 : 0.35;
  const n = rng.poisson(ph.salesPerDay * (WEEKDAY_SALES[weekday(sim.today)] as number) * 1.5);
  const times = Array.from({ length: n }, () => rng.range(8 * 3600 + 1800, 21 * 3600 + 1800)).sort((a, b) => a - b);
  const free = notBusy(sim);
  for (const sec of times) {
    let buyer: number | undefined;
    if (rng.chance(2 / 3)) {
      // Chronic buyers come when their medicine runs out, each condition as common as it is.
      buyer = rng.chance(chronicShare)
        ? pickChronic(
            sim,
            rng,
            ph,
            (CONDITIONS[rng.weighted(CONDITION_CUM)] as readonly [Condition, number])[0],
            (p) => free(p) && sim.needsRefill(p),
          )
        : pickPerson(sim, rng, ph, pickGroup(rng, 'sales'), free);
      if (buyer === undefined) continue;
    }
    const { lines, dx } = basket(sim, rng, book, ph, buyer, chronicShare);
    if (lines.length) book.sell(sim, rng, ph, buyer, lines, sec, dx);
  }
  if (rng.chance(0.03)) book.writeOff(sim, rng, ph, 20 * 3600 + rng.range(0, 1800));
  if (rng.chance(0.02)) book.returnToSupplier(sim, rng, ph, 19 * 3600 + rng.range(0, 1800));
  if (d % 7 === 6) book.stocktake(sim, ph, 21 * 3600 + 1800 + rng.range(0, 1200));
}
