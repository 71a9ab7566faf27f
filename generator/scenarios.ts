import type { InjectedPattern, Lookalike } from './config.js';
import { collusion, overtreatment, volumeSpike } from './fraud/behaviour.js';
import { duplicateCharge, excessQuantity, overPrice, unbundledCharges } from './fraud/charges.js';
import { drugSubstitution, inventoryMismatch, resale, traceCodeReuse } from './fraud/pharmacy.js';
import { ageRestricted, genderRestricted, scopeRestricted } from './fraud/restrictions.js';
import { phantomAdmission, phantomBed, splitAdmission } from './fraud/stays.js';
import { chronicPharmacy, specialistHospital } from './honest/institutions.js';
import { returnResale, splitPack, twoPharmacyChronic } from './honest/pharmacy.js';
import { bedOnlyDay, chemoCycle, daySurgery, t1PriceFix, transfer } from './honest/stays.js';
import { chronicLongRx } from './honest/visits.js';
import { malformed } from './malformed.js';
import type { Scenario } from './scenario-types.js';

/** Every scheduled job kind and the scenario that plays it. */
export const SCENARIOS: Readonly<Record<InjectedPattern | Lookalike | 'malformed', Scenario>> = {
  'over-price': overPrice,
  'duplicate-charge': duplicateCharge,
  'unbundled-charges': unbundledCharges,
  'excess-quantity': excessQuantity,
  'gender-restricted': genderRestricted,
  'age-restricted': ageRestricted,
  'scope-restricted': scopeRestricted,
  'phantom-bed': phantomBed,
  'phantom-admission': phantomAdmission,
  'split-admission': splitAdmission,
  'drug-substitution': drugSubstitution,
  'inventory-mismatch': inventoryMismatch,
  'trace-code-reuse': traceCodeReuse,
  resale,
  'volume-spike': volumeSpike,
  collusion,
  'peer-outlier': overtreatment,
  'day-surgery': daySurgery,
  'chemo-cycle': chemoCycle,
  transfer,
  'bed-only-day': bedOnlyDay,
  't1-price-fix': t1PriceFix,
  'chronic-long-rx': chronicLongRx,
  'split-pack': splitPack,
  'return-resale': returnResale,
  'two-pharmacy-chronic': twoPharmacyChronic,
  malformed,
};

/** Look-alikes that are properties of an institution, labelled when the run starts. */
export const STRUCTURAL: Readonly<Record<'specialist-hospital' | 'chronic-pharmacy', Scenario>> = {
  'specialist-hospital': specialistHospital,
  'chronic-pharmacy': chronicPharmacy,
};
