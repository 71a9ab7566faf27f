import { z } from 'zod';
import { parseDate } from './calendar.js';

/**
 * What to generate: the zod schema is the one definition of the generator's configuration
 * (defaults included), the CLI and API parse through it.
 */

export const SCALE_NAMES = ['tiny', 'town', 'city'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

export interface ScaleSpec {
  /** Insured persons (the population the institutions serve). */
  readonly persons: number;
  readonly days: number;
  /** How many of the city's districts (geography.ts), in order. */
  readonly districts: number;
  readonly tertiary: number;
  readonly oncology: number;
  readonly secondary: number;
  readonly primary: number;
  readonly community: number;
  readonly pharmacies: number;
  readonly chronicPharmacies: number;
}

/**
 * Contract §7 scales: tiny ≈ 20 thousand fee lines over 7 days, town ≈ 500 thousand over 30 days,
 * city ≥ 10 million over 30 days. Institution counts follow a prefecture city: a few 三级, one
 * specialist cancer hospital, a 二级 county hospital and a county TCM hospital per county, many
 * township hospitals (一级), community health centres and retail pharmacies.
 */
// prettier-ignore
export const SCALES: Readonly<Record<ScaleName, ScaleSpec>> = {
  tiny: { persons: 14_500, days: 7, districts: 2, tertiary: 1, oncology: 1, secondary: 2, primary: 3, community: 4, pharmacies: 10, chronicPharmacies: 1 },
  town: { persons: 102_000, days: 30, districts: 3, tertiary: 2, oncology: 1, secondary: 4, primary: 10, community: 14, pharmacies: 55, chronicPharmacies: 1 },
  city: { persons: 2_200_000, days: 30, districts: 8, tertiary: 4, oncology: 1, secondary: 18, primary: 110, community: 160, pharmacies: 900, chronicPharmacies: 4 },
};

/** The fraud patterns the generator injects (contract §6 codes). */
export const INJECTED_PATTERNS = [
  'drug-substitution',
  'phantom-bed',
  'phantom-admission',
  'unbundled-charges',
  'split-admission',
  'duplicate-charge',
  'over-price',
  'excess-quantity',
  'gender-restricted',
  'age-restricted',
  'scope-restricted',
  'inventory-mismatch',
  'trace-code-reuse',
  'resale',
  'volume-spike',
  'collusion',
  'peer-outlier',
] as const;
export type InjectedPattern = (typeof INJECTED_PATTERNS)[number];

/** Honest behaviours that a naive detector would flag (labelled `honest` with `looks_like`). */
export const LOOKALIKES = [
  'day-surgery',
  'chemo-cycle',
  'transfer',
  'bed-only-day',
  't1-price-fix',
  'chronic-long-rx',
  'split-pack',
  'return-resale',
  'two-pharmacy-chronic',
] as const;
export type Lookalike = (typeof LOOKALIKES)[number];

const rate = (d: number) => z.number().min(0).max(1).default(d);

/**
 * Rates: expected injections per unit of each pattern's basis (see generator/README.md): hospital
 * visits for charge patterns, admissions for stay patterns, pharmacy sales, pharmacies, persons or
 * institutions. A positive rate injects at least once when the window allows it.
 */
export const FraudRates = z.strictObject({
  'drug-substitution': rate(0.001),
  'phantom-bed': rate(0.015),
  'phantom-admission': rate(0.01),
  'unbundled-charges': rate(0.001),
  'split-admission': rate(0.015),
  'duplicate-charge': rate(0.001),
  'over-price': rate(0.001),
  'excess-quantity': rate(0.001),
  'gender-restricted': rate(0.0008),
  'age-restricted': rate(0.0008),
  'scope-restricted': rate(0.0006),
  'inventory-mismatch': rate(0.05),
  'trace-code-reuse': rate(0.0005),
  resale: rate(0.0002),
  'volume-spike': rate(0.03),
  collusion: rate(0.00005),
  'peer-outlier': rate(0.03),
});
export type FraudRates = z.output<typeof FraudRates>;

export const LookalikeRates = z.strictObject({
  'day-surgery': rate(0.02),
  'chemo-cycle': rate(0.01),
  transfer: rate(0.01),
  'bed-only-day': rate(0.01),
  't1-price-fix': rate(0.005),
  'chronic-long-rx': rate(0.001),
  'split-pack': rate(0.001),
  'return-resale': rate(0.0003),
  'two-pharmacy-chronic': rate(0.0001),
});
export type LookalikeRates = z.output<typeof LookalikeRates>;

export const NoiseConfig = z.strictObject({
  /** Share of visits with a reversed (冲销) fee line. */
  reversal: rate(0.01),
  /** Share of outpatient settlements cancelled (2208/2305) and settled again. */
  cancel: rate(0.004),
  /** Share of fee messages re-sent next day as T1 (with inscp_amt). */
  t1: rate(0.05),
  /** Share of those T1 uploads that arrive 2–3 days late instead of next day. */
  lateT1: rate(0.15),
  /** Share of institutions sending provincial med_type sub-codes (140104, 2105). */
  subcodes: rate(0.3),
  /** Share of institutions sending decimals and codes as JSON numbers rather than strings. */
  numbers: rate(0.3),
  /** Deliberately malformed messages per 100,000 fee lines (at least a handful per run). */
  malformedPer100k: z.number().min(0).max(1000).default(10),
});
export type NoiseConfig = z.output<typeof NoiseConfig>;

/**
 * How institutions write their messages. Real HIS integrations do not all send the textbook form of
 * contract §1–§2; a share of hospitals and of pharmacies (chosen from the seed) sends the forms of
 * contract §8: no `upload_mode` (their T1 re-uploads in a directory of their own, `messages/T1/`),
 * integer ids, trace codes in `drugtracinfo` lists and one-object 进销存 nodes. Only the form changes:
 * every message lands as the same rows either way.
 */
export const SendersConfig = z.strictObject({
  /** Share of hospitals, and of pharmacies, sending the real-sender forms (0 turns them off, 1 makes every institution do so). */
  realForms: rate(1 / 3),
  /**
   * Share of hospitals sending each service's code with their local price-item suffix,
   * `<15-digit national code>-<9-digit price item>` (`001102000010000-110200001`), as many real
   * uploads do; rules match the national code against it (matching `service-code`).
   */
  localCodes: rate(1 / 4),
});
export type SendersConfig = z.output<typeof SendersConfig>;

export const GeneratorConfig = z.strictObject({
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  scale: z.enum(SCALE_NAMES),
  /** First day, `yyyy-MM-dd`. */
  start: z
    .string()
    .refine((s) => parseDate(s) !== undefined, '日期格式应为 yyyy-MM-dd')
    .default('2026-01-01'),
  /** Days of activity; default by scale (7 tiny, 30 town and city). */
  days: z.int().min(1).max(366).optional(),
  /** Persons instead of the scale's default (tests and benchmarks). */
  persons: z.int().min(500).max(20_000_000).optional(),
  rates: FraudRates.prefault({}),
  lookalikes: LookalikeRates.prefault({}),
  noise: NoiseConfig.prefault({}),
  senders: SendersConfig.prefault({}),
  /** gzip (level 1) the NDJSON files. */
  gzip: z.boolean().default(true),
});
export type GeneratorConfig = z.output<typeof GeneratorConfig>;
export type GeneratorConfigInput = z.input<typeof GeneratorConfig>;

/** Days of the run: explicit, or the scale's default. */
export function daysOf(config: GeneratorConfig): number {
  return config.days ?? SCALES[config.scale].days;
}

export function personsOf(config: GeneratorConfig): number {
  return config.persons ?? SCALES[config.scale].persons;
}
