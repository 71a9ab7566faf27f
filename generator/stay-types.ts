import type { InpatientProfile } from './clinical-inpatient.js';
import type { Fee, Party, Totals } from './fee-types.js';
import type { Dept, Doctor } from './institution-types.js';
import type { ChargeContext } from './knowledge-index.js';
import type { Prng } from './prng.js';

/**
 * An inpatient stay in progress: who, where, when it ends, what it charges and what scenarios
 * changed in it. A type only, shared by the ward (`inpatient.ts`, `wards.ts`), the run's state that
 * holds the stays (`sim.ts`) and the scenarios that admit people.
 */
export interface Stay extends Party {
  readonly profile: InpatientProfile;
  readonly dept: Dept;
  readonly doctor: Doctor;
  readonly admitDay: number;
  readonly admitSec: number;
  readonly dischargeDay: number;
  readonly dischargeSec: number;
  readonly bed: string;
  /** The bed-fee item: 三人间 mostly, 双人间 sometimes at the bigger hospitals. */
  readonly bedItem: 'bed3' | 'bed2';
  readonly iptNo: string;
  readonly insuplc: string;
  readonly ctx: ChargeContext;
  readonly totals: Totals;
  readonly dscgWay: string;
  readonly mainDx: string;
  readonly otherDx: readonly string[];
  /** Days (absolute) charged with bed and nursing only. */
  readonly bedOnly?: ReadonlySet<number>;
  /**
   * Adds or changes lines of a day (injected frauds, look-alikes). Scenarios' closures: they reach
   * the run's state through what they captured, so that a stay's shape does not depend on `Sim`'s.
   */
  readonly extra?: (stay: Stay, day: number, fees: Fee[], rng: Prng) => void;
  readonly onDischarge?: (stay: Stay, rng: Prng) => void;
  lastDay: number;
  drord: number;
  lastDrug?: Fee | undefined;
}
