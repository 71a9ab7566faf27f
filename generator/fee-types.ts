import type { Item } from './catalogue.js';
import type { Institution } from './institution-types.js';

/**
 * What fees are: one generated fee line, the visit, purchase or stay it is charged to, and a
 * visit's running sums. Types only, shared by the message makers (`fees.ts`, `settlement.ts`,
 * `sim.ts`) and every kind of care, so that none imports another's implementation for them.
 */

/** One fee line as generated (integer cents and micro-yuan). */
export interface Fee {
  readonly sn: string;
  readonly mdtrt: string;
  readonly psn: string;
  readonly day: number;
  readonly sec: number;
  readonly item: Item;
  cnt: number;
  priceMicro: number;
  cents: number;
  readonly dept: string;
  readonly dr: string;
  readonly medType: string;
  readonly rxno: string | undefined;
  readonly days: number | undefined;
  readonly trace: string | undefined;
  readonly drord: string | undefined;
  readonly initSn: string | undefined;
  /** What the T0 upload said when the T1 upload corrects it (the fields above are the final values). */
  t0: { readonly cnt: number; readonly priceMicro: number; readonly cents: number } | undefined;
}

/** Whatever fees are charged to: an outpatient visit, a pharmacy purchase or an inpatient stay. */
export interface Party {
  readonly inst: Institution;
  readonly mdtrt: string;
  readonly person: number;
  readonly psn: string;
  readonly medType: string;
  readonly dx: string;
}

/** Running sums of a visit's final fee amounts, in cents. */
export interface Totals {
  medfee: number;
  inscp: number;
}
