import type { Item } from '../catalogue.js';
import { findPerson, fraud } from '../inject.js';
import type { Institution } from '../institution-types.js';
import type { SaleLine } from '../pharmacy.js';
import type { Prng } from '../prng.js';
import type { Ctx, Scenario } from '../scenario-types.js';
import { dxOf } from './pharmacy.js';

/**
 * Fraud seen only in behaviour over time: a sudden, lasting rise of an institution's outpatient
 * volume (费用突增, e.g. fabricated visits from collected cards), and a group of people buying
 * together again and again at one pharmacy (结伴购药, 团伙).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;

/** Set up before the run: from its day on, the institution's outpatient volume is multiplied. */
export const volumeSpike: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const factor = Math.round((2.5 + rng.next() * 1.5) * 10) / 10;
  ctx.sim.spike[inst.index] = factor;
  ctx.sim.spikeFrom[inst.index] = job.day;
  fraud(
    ctx,
    'volume-spike',
    'institution',
    { fixmedins_code: inst.code },
    `自第 ${job.day + 1} 日起门诊人次约增至原来的 ${factor} 倍并持续`,
  );
};

/**
 * Set up before the run: every outpatient visit of the institution is over-treated (过度诊疗):
 * every examination its profile allows is done, and most visits get an infusion. Each line is
 * allowed on its own, so no rule fires; the cost per visit is what stands out against the peers.
 */
export const overtreatment: Scenario = (ctx, _rng, job) => {
  const inst = instOf(ctx, job.inst);
  ctx.sim.overtreat[inst.index] = 1;
  fraud(ctx, 'peer-outlier', 'institution', { fixmedins_code: inst.code }, `${inst.name}门诊过度检查、过度输液, 次均费用远高于同级机构`);
};

const GROUP_ITEMS = ['danshen', 'xuesaitong', 'ginkgo', 'amlodipine', 'atorvastatin', 'vitaminBComplex'];

export const collusion: Scenario = (ctx, rng, job) => {
  const { sim, book } = ctx;
  const world = sim.world;
  const ph = instOf(ctx, job.inst);
  const size = rng.range(5, 8);
  const members: number[] = [];
  for (let k = 0; k < size; k++) members.push(findPerson(ctx, rng, ph, { minAge: 50, maxAge: 85, not: new Set(members) }));
  const items: Item[] = rng.shuffle(GROUP_ITEMS.map((a) => world.catalogue.get(a))).slice(0, 2);
  const room = world.days - 1 - sim.dayIndex;
  // Three to five occasions on different days (the first today), within the window.
  const count = Math.min(room + 1, rng.range(3, 5));
  const later = rng.shuffle(Array.from({ length: Math.min(room, 14) }, (_, i) => i + 1)).slice(0, count - 1);
  const days = [0, ...later].sort((a, b) => a - b);
  const occasion = (r: Prng) => {
    let t = r.range(9 * 3600, 17 * 3600);
    for (const p of members) {
      const lines: SaleLine[] = items.map((it) => ({ item: it, cnt: it.pac }));
      book.sell(sim, r, ph, p, lines, t, dxOf(items[0] as Item));
      t += r.range(60, 400);
    }
  };
  for (const p of members) sim.reserve(p, sim.today + (days[days.length - 1] as number));
  for (const d of days) {
    if (d === 0) occasion(rng);
    else sim.defer(sim.today + d, ph, (_s, r) => occasion(r));
  }
  const psns = members.map((p) => world.population.psnNo(p));
  fraud(
    ctx,
    'collusion',
    'person',
    { psn_no: psns[0] as string, psn_nos: [...psns].sort(), fixmedins_code: ph.code },
    `${size} 名参保人在${ph.name} ${days.length} 次同一时段结伴购买${items.map((i) => i.name).join('、')}`,
  );
};
