import { ageYears, approxAge, compactDate, dateStr } from './calendar.js';
import { ELSEWHERE, type District } from './geography.js';
import { certno } from './ids.js';
import { personName } from './names.js';
import { cumulative, type Prng } from './prng.js';

/**
 * The insured population, held in typed arrays (1.5 million people in a few tens of MB): sex, birth
 * day, insurance type, home district, insured place, chronic conditions. Names, 身份证号 and
 * 人员编号 are functions of the index, computed when a message needs them, never stored.
 */
export interface Population {
  readonly size: number;
  /** 1 男, 2 女. */
  readonly gend: Uint8Array;
  readonly birth: Int32Array;
  /** 0 → 310 职工, 1 → 390 城乡居民. */
  readonly insutype: Uint8Array;
  /** Home district (index into the active districts). */
  readonly district: Uint8Array;
  /** 0 insured in the home district, k > 0 insured at ELSEWHERE[k - 1] (异地就医). */
  readonly insuPlace: Uint8Array;
  /** Bits of chronic conditions: 1 高血压, 2 糖尿病, 4 冠心病, 8 慢阻肺. */
  readonly conditions: Uint8Array;
  readonly districts: readonly District[];
  /** People by home district and age group at the start day: buckets[d][g], g 0 child, 1 adult, 2 elder. */
  readonly buckets: readonly (readonly Int32Array[])[];
  /** People by home district and chronic condition bit index (0 … 3). */
  readonly chronic: readonly (readonly Int32Array[])[];
  /** Babies under 28 days old at the start day, by district. */
  readonly newborns: readonly Int32Array[];
  psnNo(i: number): string;
  insuAdmdvs(i: number): string;
  certno(i: number): string;
  name(i: number): string;
  brdy(i: number): string;
  insutypeCode(i: number): '310' | '390';
  age(i: number, day: number): number;
}

export const CONDITION_BITS = { htn: 1, dm: 2, chd: 4, copd: 8 } as const;
export const CONDITION_INDEX = { htn: 0, dm: 1, chd: 2, copd: 3 } as const;

/** 第七次全国人口普查 approximate shares of 5-year age bands (0-4 … 90+), percent. */
const BANDS = [5.4, 6.3, 6.3, 5.3, 5.3, 6.4, 8.8, 7.0, 6.6, 8.0, 8.7, 7.2, 5.2, 5.1, 3.4, 2.2, 1.5, 0.8, 0.3];
const BAND_CUM = cumulative(BANDS);

function maleShare(age: number): number {
  if (age < 15) return 0.53;
  if (age < 60) return 0.51;
  if (age < 80) return 0.49;
  return 0.43;
}

/** Prevalence of each condition by age (高血压, 糖尿病, 冠心病, 慢阻肺). */
function prevalence(age: number): readonly [number, number, number, number] {
  if (age < 30) return [0, 0.005, 0, 0];
  if (age < 45) return [0.1, 0.04, 0.005, 0.01];
  if (age < 60) return [0.25, 0.1, 0.03, 0.03];
  return [0.45, 0.18, 0.1, 0.08];
}

export function ageGroup(age: number): 0 | 1 | 2 {
  return age < 14 ? 0 : age < 60 ? 1 : 2;
}

/** Builds `size` people living in `districts` (weights), as of `startDay`. */
export function buildPopulation(rng: Prng, size: number, districts: readonly District[], startDay: number): Population {
  const gend = new Uint8Array(size);
  const birth = new Int32Array(size);
  const insutype = new Uint8Array(size);
  const district = new Uint8Array(size);
  const insuPlace = new Uint8Array(size);
  const conditions = new Uint8Array(size);
  const certSeq = new Uint16Array(size);
  const districtCum = cumulative(districts.map((d) => d.weight));
  const elsewhereCum = cumulative(ELSEWHERE.map((e) => e[2]));
  const places = districts.length + ELSEWHERE.length;
  // Order numbers of the 身份证号 per (place, birth day, sex): unique ids without a map of strings.
  const SPAN = 36600;
  const seqCount = new Uint16Array(places * SPAN * 2);
  const seedWord = rng.uint32();

  for (let i = 0; i < size; i++) {
    const band = rng.weighted(BAND_CUM);
    // Newborns are over-represented in band 0 just enough that newborn care exists at small scales.
    const ageDays = band === 0 && rng.chance(0.02) ? rng.int(28) : band * 1826 + rng.int(1826);
    const b = startDay - ageDays;
    birth[i] = b;
    const age = Math.floor(ageDays / 365.2425);
    const male = rng.chance(maleShare(age));
    gend[i] = male ? 1 : 2;
    const d = rng.weighted(districtCum);
    district[i] = d;
    const employee = age >= 18 && rng.chance(age < 60 ? 0.38 : 0.3);
    insutype[i] = employee ? 0 : 1;
    insuPlace[i] = age >= 18 && age < 65 && rng.chance(0.03) ? 1 + rng.weighted(elsewhereCum) : 0;
    const p = prevalence(age);
    let bits = 0;
    if (rng.chance(p[0])) bits |= 1;
    if (rng.chance(p[1])) bits |= 2;
    if (rng.chance(p[2])) bits |= 4;
    if (rng.chance(p[3])) bits |= 8;
    conditions[i] = bits;
    const place = insuPlace[i] === 0 ? d : districts.length + (insuPlace[i] as number) - 1;
    const slot = (place * SPAN + ((((startDay - b) % SPAN) + SPAN) % SPAN)) * 2 + (male ? 1 : 0);
    certSeq[i] = (seqCount[slot] as number) % 500;
    seqCount[slot] = (seqCount[slot] as number) + 1;
  }

  const nd = districts.length;
  const flat = groupBy(size, nd * 3, (i) => (district[i] as number) * 3 + ageGroup(approxAge(birth[i] as number, startDay)));
  const buckets = districts.map((_, d) => [0, 1, 2].map((g) => flat[d * 3 + g] as Int32Array));
  const byBit = [1, 2, 4, 8].map((bit) =>
    groupBy(size, nd, (i) => (((conditions[i] as number) & bit) !== 0 ? (district[i] as number) : -1)),
  );
  const chronic = districts.map((_, d) => byBit.map((g) => g[d] as Int32Array));
  const newborns = groupBy(size, nd, (i) => (startDay - (birth[i] as number) < 28 ? (district[i] as number) : -1));

  const admdvsOf = (i: number): string => {
    const place = insuPlace[i] as number;
    return place === 0
      ? (districts[district[i] as number] as District).admdvs
      : (ELSEWHERE[place - 1] as readonly [string, string, number])[0];
  };
  return {
    size,
    gend,
    birth,
    insutype,
    district,
    insuPlace,
    conditions,
    districts,
    buckets,
    chronic,
    newborns,
    psnNo: (i) => `PSN${admdvsOf(i)}${String(i).padStart(7, '0')}`,
    insuAdmdvs: admdvsOf,
    certno: (i) => certno(admdvsOf(i), compactDate(birth[i] as number), certSeq[i] as number, gend[i] === 1),
    name: (i) => personName(seedWord, i, gend[i] === 1),
    brdy: (i) => dateStr(birth[i] as number),
    insutypeCode: (i) => (insutype[i] === 0 ? '310' : '390'),
    age: (i, day) => ageYears(birth[i] as number, day),
  };
}

/** Indices 0 … size-1 grouped by `keyOf` (0 … n-1; negative: left out), each group in index order. */
function groupBy(size: number, n: number, keyOf: (i: number) => number): Int32Array[] {
  const keys = new Int32Array(size);
  const counts = new Int32Array(n);
  for (let i = 0; i < size; i++) {
    const k = keyOf(i);
    keys[i] = k;
    if (k >= 0) counts[k] = (counts[k] as number) + 1;
  }
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(n);
  for (let i = 0; i < size; i++) {
    const k = keys[i] as number;
    if (k < 0) continue;
    (out[k] as Int32Array)[fill[k] as number] = i;
    fill[k] = (fill[k] as number) + 1;
  }
  return out;
}
