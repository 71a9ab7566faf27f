import type { CareTables } from './care.js';
import { INJECTED_PATTERNS, LOOKALIKES, type InjectedPattern, type Lookalike } from './config.js';
import type { Institution } from './institution-types.js';
import { isHospital } from './institutions.js';
import type { PharmacyBook } from './pharmacy.js';
import { cumulative } from './prng.js';
import type { Ctx, Job, Scenario, StructuralLookalike } from './scenario-types.js';
import { SCENARIOS, STRUCTURAL } from './scenarios.js';
import type { Sim } from './sim.js';
import type { Skeleton } from './world.js';

/**
 * The schedule of a run: which frauds and look-alikes happen, on which day, at which institution.
 * Planned from the configuration and the city's skeleton alone (no population, no messages), so a
 * caller can see what a configuration would inject without generating it; every job adds exactly
 * one label when it runs. A job's shape is in `scenario-types.ts`.
 */

type Basis = 'visits' | 'admissions' | 'sales' | 'pharmacies' | 'persons' | 'institutions';

interface Spec {
  readonly basis: Basis;
  /** Inclusive range of start days for a window of `days`; undefined when the window is too short. */
  readonly days: (days: number) => readonly [number, number] | undefined;
  /** Where it can happen, with a weight; empty: not possible in this city. */
  readonly where: (i: Institution, sk: Skeleton) => number;
  /** One job per institution at most (institution-level labels). */
  readonly distinct?: boolean;
}

const anyDay = (days: number) => [0, days - 1] as const;
const upTo =
  (margin: number, minDays = margin + 1) =>
  (days: number) =>
    days >= minDays ? ([0, days - 1 - margin] as const) : undefined;

const notSpecial = (i: Institution) => i.kind !== 'oncology' && i.kind !== 'chronic-pharmacy';
const clinic = (i: Institution) => (isHospital(i) && notSpecial(i) ? i.opPerDay + i.erPerDay + i.chronicPerDay + i.admPerDay * 5 : 0);
const ward = (i: Institution) =>
  isHospital(i) && notSpecial(i) && i.admPerDay > 0 ? i.admPerDay * (i.level === '1' ? 3 : i.level === '2' ? 2 : 1) : 0;
const shop = (i: Institution) => (i.kind === 'pharmacy' ? 1 : 0);
const hasDept = (i: Institution, code: string) => i.depts.some((d) => d.code === code);

const FRAUD: Readonly<Record<InjectedPattern, Spec>> = {
  'over-price': { basis: 'visits', days: anyDay, where: clinic },
  'duplicate-charge': { basis: 'visits', days: anyDay, where: clinic },
  'unbundled-charges': { basis: 'visits', days: anyDay, where: clinic },
  'excess-quantity': { basis: 'visits', days: anyDay, where: clinic },
  'gender-restricted': { basis: 'visits', days: anyDay, where: clinic },
  'age-restricted': { basis: 'visits', days: anyDay, where: clinic },
  'scope-restricted': { basis: 'visits', days: anyDay, where: clinic },
  'phantom-bed': { basis: 'admissions', days: upTo(3), where: ward },
  'phantom-admission': {
    basis: 'admissions',
    days: upTo(2),
    where: (i, sk) => (sk.hospitals.filter((h) => h.admPerDay > 0).length > 1 ? ward(i) : 0),
  },
  'split-admission': { basis: 'admissions', days: upTo(4), where: ward },
  'drug-substitution': { basis: 'sales', days: anyDay, where: shop },
  'inventory-mismatch': { basis: 'pharmacies', days: anyDay, where: shop, distinct: true },
  'trace-code-reuse': { basis: 'sales', days: upTo(1), where: shop },
  resale: {
    basis: 'persons',
    days: anyDay,
    where: (i, sk) => (sk.pharmacies.filter((p) => p.kind === 'pharmacy').length >= 3 ? shop(i) : 0),
  },
  'volume-spike': {
    basis: 'institutions',
    days: (days) => (days >= 5 ? [Math.ceil(days * 0.4), Math.floor(days * 0.7)] : undefined),
    // Clinics with enough daily visits that a rise is a rise and not noise.
    where: (i) => (isHospital(i) && notSpecial(i) && i.opPerDay >= 8 ? 1 : 0),
    distinct: true,
  },
  collusion: { basis: 'persons', days: upTo(2), where: shop },
  // Set up front like a spike: the institution over-treats every outpatient visit of the window.
  'peer-outlier': {
    basis: 'institutions',
    days: (days) => (days >= 1 ? [0, 0] : undefined),
    // 一级 and 二级 hospitals and clinics, which have peers (a 三级 over-treating would double the city's lines).
    where: (i) => (isHospital(i) && notSpecial(i) && i.level !== '3' && i.opPerDay >= 3 ? 1 : 0),
    distinct: true,
  },
};

const LOOK: Readonly<Record<Lookalike, Spec>> = {
  'day-surgery': {
    basis: 'admissions',
    days: anyDay,
    where: (i) => (isHospital(i) && i.level !== '1' && (hasDept(i, 'A10') || hasDept(i, 'A04.01')) ? ward(i) || 1 : 0),
  },
  'chemo-cycle': {
    basis: 'admissions',
    days: upTo(7),
    where: (i) => (i.kind === 'oncology' ? 1 : 0),
  },
  transfer: {
    basis: 'admissions',
    days: upTo(2),
    where: (i, sk) => (i.level !== '3' && ward(i) > 0 && sk.hospitals.some((h) => h.kind === 'general') ? ward(i) : 0),
  },
  'bed-only-day': { basis: 'admissions', days: upTo(3), where: ward },
  't1-price-fix': { basis: 'admissions', days: anyDay, where: ward },
  'chronic-long-rx': {
    basis: 'visits',
    days: anyDay,
    where: (i) => (isHospital(i) && i.chronicPerDay > 0 && notSpecial(i) ? i.chronicPerDay : 0),
  },
  'split-pack': { basis: 'sales', days: anyDay, where: shop },
  'return-resale': { basis: 'sales', days: upTo(1), where: shop },
  'two-pharmacy-chronic': {
    basis: 'persons',
    days: upTo(14),
    where: (i, sk) => (sk.pharmacies.filter((p) => p.kind === 'pharmacy').length >= 2 ? shop(i) : 0),
  },
};

function basisOf(sk: Skeleton, b: Basis): number {
  const days = sk.days;
  switch (b) {
    case 'visits':
      return sk.hospitals.reduce((s, i) => s + i.opPerDay + i.erPerDay + i.chronicPerDay, 0) * days;
    case 'admissions':
      return sk.hospitals.reduce((s, i) => s + i.admPerDay, 0) * days;
    case 'sales':
      return sk.pharmacies.reduce((s, i) => s + i.salesPerDay, 0) * days;
    case 'pharmacies':
      return sk.pharmacies.filter((p) => p.kind === 'pharmacy').length;
    case 'persons':
      return sk.persons;
    case 'institutions':
      return sk.hospitals.filter(notSpecial).length;
  }
}

/** Every job of a run, in (day, institution, id) order. */
export function planJobs(sk: Skeleton): Job[] {
  const rng = sk.rng.fork('schedule');
  const jobs: Omit<Job, 'id'>[] = [];
  const plan = (kind: Job['kind'], spec: Spec, rate: number) => {
    const range = spec.days(sk.days);
    if (rate <= 0 || !range) return;
    const weights = sk.institutions.map((i) => spec.where(i, sk));
    if (!weights.some((w) => w > 0)) return;
    let count = Math.max(1, Math.round(rate * basisOf(sk, spec.basis)));
    if (spec.distinct) count = Math.min(count, weights.filter((w) => w > 0).length);
    const krng = rng.fork(kind);
    for (let k = 0; k < count; k++) {
      const inst = krng.weighted(cumulative(weights));
      if (spec.distinct) weights[inst] = 0;
      jobs.push({ kind, inst, day: krng.range(range[0], range[1]) });
    }
  };
  for (const p of INJECTED_PATTERNS) plan(p, FRAUD[p], sk.config.rates[p]);
  for (const l of LOOKALIKES) plan(l, LOOK[l], sk.config.lookalikes[l]);
  for (const i of sk.institutions) {
    if (i.kind === 'oncology') jobs.push({ kind: 'specialist-hospital', inst: i.index, day: 0 });
    if (i.kind === 'chronic-pharmacy') jobs.push({ kind: 'chronic-pharmacy', inst: i.index, day: 0 });
  }
  const expectedLines = basisOf(sk, 'visits') * 4.5 + basisOf(sk, 'admissions') * 110 + basisOf(sk, 'sales') * 3;
  const malformed = Math.max(6, Math.round((expectedLines / 1e5) * sk.config.noise.malformedPer100k));
  const mrng = rng.fork('malformed');
  const hospitals = sk.hospitals;
  for (let k = 0; k < malformed && hospitals.length; k++)
    jobs.push({ kind: 'malformed', inst: mrng.pick(hospitals).index, day: mrng.range(0, sk.days - 1) });
  return jobs.map((j, id) => ({ ...j, id })).sort((a, b) => a.day - b.day || a.inst - b.inst || a.id - b.id);
}

/**
 * Registers every job with the simulation: it runs on its day at its institution, after that
 * institution's honest activity. Volume spikes and over-treatment are set up front (they change
 * honest activity).
 */
export function installSchedule(sim: Sim, tables: CareTables, book: PharmacyBook, jobs: readonly Job[]): void {
  const ctx: Ctx = { sim, tables, book };
  const start = sim.world.startDay;
  for (const job of jobs) {
    const inst = sim.world.institutions[job.inst] as Institution;
    const structural = STRUCTURAL[job.kind as StructuralLookalike] as Scenario | undefined;
    if (structural || job.kind === 'volume-spike' || job.kind === 'peer-outlier') {
      (structural ?? SCENARIOS[job.kind as 'volume-spike' | 'peer-outlier'])(ctx, sim.world.rng.fork(`job${job.id}`), job);
      continue;
    }
    const scenario = SCENARIOS[job.kind as keyof typeof SCENARIOS];
    sim.defer(start + job.day, inst, (_s, rng) => scenario(ctx, rng.fork(`job${job.id}`), job));
  }
}
