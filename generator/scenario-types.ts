import type { CareTables } from './care.js';
import type { InjectedPattern, Lookalike } from './config.js';
import type { PharmacyBook } from './pharmacy.js';
import type { Prng } from './prng.js';
import type { Sim } from './sim.js';

/**
 * What the schedule and the scenarios share: a job (which fraud or look-alike, on which day, at
 * which institution) and the scenario that runs it with the run's state. Types only: the schedule
 * (`schedule.ts`) lists the scenarios (`scenarios.ts`), which are made of the moves in `inject.ts`,
 * and none of them needs another's implementation for these shapes.
 */

/** Look-alikes that are a kind of institution rather than an event (planned like jobs, labelled once). */
export type StructuralLookalike = 'specialist-hospital' | 'chronic-pharmacy';

/** One planned injection; every job adds exactly one label when it runs. */
export interface Job {
  readonly id: number;
  readonly kind: InjectedPattern | Lookalike | StructuralLookalike | 'malformed';
  /** Day index from the start. */
  readonly day: number;
  /** Index of the institution where it happens (others involved are chosen when it runs). */
  readonly inst: number;
}

/** The run's state a scenario works on: messages and people, care tables, pharmacy stock. */
export interface Ctx {
  readonly sim: Sim;
  readonly tables: CareTables;
  readonly book: PharmacyBook;
}

/** Makes one job happen: the messages of a fraud or a look-alike, and its label. */
export type Scenario = (ctx: Ctx, rng: Prng, job: Job) => void;
