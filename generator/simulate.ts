import type { Labels } from '../contract/labels.js';
import { dateStr } from './calendar.js';
import { CareTables } from './care.js';
import { outpatientDay } from './outpatient.js';
import { pharmacyDay } from './pharmacy-day.js';
import { PharmacyBook } from './pharmacy.js';
import type { Job } from './scenario-types.js';
import { installSchedule } from './schedule.js';
import { Sim, type Stats } from './sim.js';
import { inpatientDay } from './wards.js';
import type { World } from './world.js';

/**
 * Lines of the files of the day `date` (the date of the messages' inf_time): the day's file, and the
 * T1 file of the real senders' re-uploads (`messages/T1/`).
 */
export interface Chunk {
  readonly date: string;
  readonly lines: readonly string[];
  readonly t1Lines: readonly string[];
  /** Fee lines (T0) and messages generated so far, for progress reports. */
  readonly feeLines: number;
  readonly messages: number;
}

export interface SimulationResult {
  readonly stats: Stats;
  readonly labels: Labels;
}

/**
 * Days simulated before the start so that the first day finds wards already occupied: only the
 * stays still in hospital on the first day are kept (their earlier messages go to earlier files).
 */
export const HISTORY_DAYS = 16;

function chunkOf(sim: Sim, date: string): Chunk {
  return { date, ...sim.takeChunk(), feeLines: sim.stats.feeLines, messages: sim.stats.messages };
}

/**
 * Lines per chunk handed to the writer: bounds memory whatever the scale, and small enough that a
 * chunk's strings die young (measured faster at town scale than large chunks, the difference mostly
 * garbage collection; see bench/README.md).
 */
const CHUNK_LINES = 256;

/**
 * The day loop: every day, every institution in code order, its honest activity (stays,
 * admissions, outpatient visits, pharmacy business), then the scheduled injections and look-alikes
 * due there. Pure and synchronous: yields chunks of NDJSON lines in non-decreasing date order and
 * returns the counts and the labels.
 */
export function* simulate(world: World, jobs: readonly Job[]): Generator<Chunk, SimulationResult> {
  const sim = new Sim(world);
  const tables = new CareTables(world);
  const book = new PharmacyBook(world);
  installSchedule(sim, tables, book, jobs);
  for (let d = -HISTORY_DAYS; d < world.days; d++) {
    const day = world.startDay + d;
    const date = dateStr(day);
    sim.beginDay(day);
    for (const inst of world.institutions) {
      const rng = world.rng.fork(`day${d}/${inst.code}`);
      if (inst.type === '1') {
        inpatientDay(sim, rng, tables, inst, d < 0);
        if (d >= 0) outpatientDay(sim, rng, tables, inst);
      } else if (d >= 0) pharmacyDay(sim, rng, book, inst);
      sim.deferredFor(day, inst).forEach((action, k) => action(sim, rng.fork(`deferred${k}`)));
      if (sim.pending >= CHUNK_LINES) yield chunkOf(sim, date);
    }
    sim.endDay();
    if (sim.pending) yield chunkOf(sim, date);
  }
  // T1 uploads of the last days arrive after the window.
  for (const day of sim.pendingDays()) {
    sim.beginDay(day);
    if (sim.pending) yield chunkOf(sim, dateStr(day));
  }
  return { stats: sim.stats, labels: sim.labels.toLabels() };
}
