import type { HOSP_LV } from '../contract/codes.js';
import type { ScaleSpec } from './config.js';
import { CITY_NAME, type District } from './geography.js';
import { pad } from './ids.js';
import { DEPT_NAMES, KINDS, STREETS, TOWN_A, TOWN_B } from './institution-kinds.js';
import type { Dept, Doctor, InstKind, Institution, Practitioner } from './institution-types.js';
import { BRANDS, drawName } from './names.js';
import { cumulative, type Prng } from './prng.js';

/**
 * 定点医药机构 of the city: hospitals of three levels, a cancer hospital, county hospitals, township
 * hospitals (卫生院), community health centres and retail pharmacies, with departments and
 * practitioners. Expected daily volumes come from the population they serve (rates per person-day)
 * split by each kind's attractiveness, so that beds and volumes agree. The shapes are in
 * `institution-types.ts`.
 */

export const isHospital = (i: Institution) => i.type === '1';
export const isPharmacy = (i: Institution) => i.type === '2';

/** Per person-day rates of the insured population. */
export const RATES = { op: 0.0135, er: 0.0009, chronic: 0.0016, adm: 0.00055, sales: 0.02 } as const;

/** Average length of stay used to size beds. */
const ALOS = 8.5;

interface Draft {
  kind: InstKind;
  district: number;
  name: string;
  level: keyof typeof HOSP_LV;
}

/**
 * The institutions of a scale: kinds and districts placed as in a prefecture city (tertiary and
 * specialist hospitals in the central district, one county hospital per county, townships,
 * community centres and pharmacies in proportion to each district's population).
 */
export function buildInstitutions(
  rng: Prng,
  spec: ScaleSpec,
  districts: readonly District[],
  persons: number,
  options: { numbers: number; subcodes: number },
): Institution[] {
  const drafts: Draft[] = [];
  const used = new Set<string>();
  const brand = () => {
    for (;;) {
      const b = rng.pick(BRANDS);
      if (!used.has(b) || used.size >= BRANDS.length) {
        used.add(b);
        return b;
      }
    }
  };
  const centre = 0;
  const city = CITY_NAME.replace(/市$/, '');
  for (let k = 0; k < spec.tertiary; k++) {
    const kind = k === 1 ? 'tcm' : 'general';
    drafts.push({ kind, district: centre, level: '3', name: kind === 'tcm' ? `${city}${brand()}中医医院` : `${city}${brand()}医院` });
  }
  for (let k = 0; k < spec.oncology; k++)
    drafts.push({ kind: 'oncology', district: centre, level: spec.tertiary >= 3 ? '3' : '2', name: `${city}${brand()}肿瘤医院` });
  // Secondary: the maternity and children's hospital, then one county hospital per county, then
  // county TCM hospitals, then more general district hospitals.
  const counties = districts.map((_, i) => i).filter((i) => i !== centre);
  const secondary: Draft[] = [];
  secondary.push({ kind: 'maternity', district: centre, level: '2', name: `${city}${brand()}妇女儿童医院` });
  for (const d of counties)
    secondary.push({ kind: 'county', district: d, level: '2', name: `${(districts[d] as District).name}${brand()}医院` });
  for (const d of counties)
    secondary.push({ kind: 'county-tcm', district: d, level: '2', name: `${(districts[d] as District).name}${brand()}中医医院` });
  while (secondary.length < spec.secondary) {
    const d = secondary.length % districts.length;
    secondary.push({ kind: 'county', district: d, level: '2', name: `${(districts[d] as District).name}${brand()}医院` });
  }
  drafts.push(...secondary.slice(0, spec.secondary));
  const spread = (n: number, make: (d: number, k: number) => Draft) => {
    const cum = cumulative(districts.map((d) => d.weight));
    for (let k = 0; k < n; k++) drafts.push(make(k < districts.length ? k : rng.weighted(cum), k));
  };
  const townNames = new Set<string>();
  spread(spec.primary, (d) => {
    let t: string;
    do t = `${rng.pick([...TOWN_A])}${rng.pick([...TOWN_B])}`;
    while (townNames.has(t) && townNames.size < 200);
    townNames.add(t);
    return { kind: 'township', district: d, level: '1', name: `${(districts[d] as District).name}${t}镇卫生院` };
  });
  spread(spec.community, (d, k) => ({
    kind: 'community',
    district: d,
    level: '1',
    name: `${(districts[d] as District).name}${rng.pick(STREETS)}社区卫生服务中心(${k + 1})`,
  }));
  spread(spec.chronicPharmacies, (d) => ({
    kind: 'chronic-pharmacy',
    district: d,
    level: '9',
    name: `${brand()}大药房(门诊慢特病定点药店)`,
  }));
  spread(spec.pharmacies, (d, k) => ({
    kind: 'pharmacy',
    district: d,
    level: '9',
    name: `${rng.pick(BRANDS)}大药房(${rng.pick(STREETS)}${k + 1}号店)`,
  }));

  // Volumes: population demand split by attractiveness; local kinds weighted by their district's people.
  const meanShare = 1 / districts.length;
  const localWeight = (d: Draft) =>
    (((districts[d.district] as District).weight / meanShare / countIn(drafts, d.kind, d.district)) * countOf(drafts, d.kind)) /
    districts.length;
  const weightOf = (d: Draft, field: 'op' | 'er' | 'chronic' | 'adm') => {
    if (d.kind === 'pharmacy' || d.kind === 'chronic-pharmacy') return 0;
    const base = KINDS[d.kind][field];
    return d.kind === 'township' || d.kind === 'community' || d.kind === 'county' || d.kind === 'county-tcm' ? base * localWeight(d) : base;
  };
  const totals = { op: 0, er: 0, chronic: 0, adm: 0, sales: 0 };
  for (const d of drafts) {
    totals.op += weightOf(d, 'op');
    totals.er += weightOf(d, 'er');
    totals.chronic += weightOf(d, 'chronic');
    totals.adm += weightOf(d, 'adm');
    totals.sales += d.kind === 'pharmacy' ? localWeight(d) : d.kind === 'chronic-pharmacy' ? 6 : 0;
  }

  const codeSeq = new Map<string, number>();
  let practitionerSeq = 0;
  const out = drafts.map((d, index): Institution => {
    const district = districts[d.district] as District;
    const pharmacy = d.kind === 'pharmacy' || d.kind === 'chronic-pharmacy';
    const prefix = `${pharmacy ? 'P' : 'H'}${district.admdvs}`;
    const seq = (codeSeq.get(prefix) ?? (pharmacy ? 0 : 100)) + 1;
    codeSeq.set(prefix, seq);
    const code = `${prefix}${pad(seq, 5)}`;
    const share = (field: 'op' | 'er' | 'chronic' | 'adm') =>
      totals[field] > 0 ? (weightOf(d, field) / totals[field]) * persons * RATES[field] : 0;
    const salesShare = pharmacy ? ((d.kind === 'chronic-pharmacy' ? 6 : localWeight(d)) / totals.sales) * persons * RATES.sales : 0;
    const admPerDay = share('adm');
    const practitioners: Practitioner[] = [];
    const person = (letter: string, dept: string, type: Practitioner['prac_type'], male: boolean) => {
      practitionerSeq++;
      const p: Practitioner = {
        dr_codg: `${letter}${district.admdvs}${pad(practitionerSeq, 6)}`,
        dr_name: drawName(rng, male),
        fixmedins_code: code,
        dept_codg: dept,
        prac_type: type,
      };
      practitioners.push(p);
      return p;
    };
    const depts: Dept[] = [];
    if (pharmacy) {
      const doctors = Array.from({ length: rng.range(1, 3) }, () => {
        const p = person('Y', 'YF', '2', rng.chance(0.4));
        return { code: p.dr_codg, name: p.dr_name, title: 0 as const };
      });
      depts.push({ code: 'YF', name: DEPT_NAMES['YF'] as string, doctors });
    } else {
      const spec = KINDS[d.kind as keyof typeof KINDS];
      for (const dc of spec.depts) {
        const n = rng.range(spec.doctors[0], spec.doctors[1]) * (dc === 'A50' && d.kind.includes('tcm') ? 2 : 1);
        const doctors = Array.from({ length: n }, (): Doctor => {
          const p = person('D', dc, '1', rng.chance(0.55));
          const t = d.level === '1' ? 0 : rng.next();
          return { code: p.dr_codg, name: p.dr_name, title: t < 0.6 ? 0 : t < 0.88 ? 1 : 2 };
        });
        depts.push({ code: dc, name: DEPT_NAMES[dc] ?? dc, doctors });
      }
      for (let k = rng.range(2, 6); k > 0; k--) person('N', rng.pick(spec.depts), '3', false);
      for (let k = rng.range(1, 3); k > 0; k--) person('J', rng.pick(spec.depts), '4', rng.chance(0.5));
    }
    const beds = pharmacy ? 0 : Math.max(d.kind === 'community' ? 0 : 20, Math.round((admPerDay * ALOS) / 0.85 / 10) * 10);
    return {
      index,
      code,
      name: d.name,
      type: pharmacy ? '2' : '1',
      level: d.level,
      kind: d.kind,
      districtIndex: d.district,
      admdvs: district.admdvs,
      beds,
      // A 门诊慢特病定点药店 is designated as such: its peers are the other designated ones.
      specialty: d.kind === 'chronic-pharmacy' ? '门诊慢特病' : pharmacy ? '' : KINDS[d.kind as keyof typeof KINDS].specialty,
      depts,
      practitioners,
      opPerDay: share('op'),
      erPerDay: share('er'),
      chronicPerDay: share('chronic'),
      admPerDay,
      salesPerDay: salesShare,
      numbers: rng.chance(options.numbers),
      subcodes: !pharmacy && rng.chance(options.subcodes),
      // Chosen afterwards, from a stream of its own (senders.ts), so the city is the same whoever sends how.
      realForms: false,
      localCodes: false,
    };
  });
  // Processing order is code order (deterministic, and what a reader expects); re-index after sorting.
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map((inst, index) => ({ ...inst, index }));
}

function countIn(drafts: readonly Draft[], kind: InstKind, district: number): number {
  return drafts.filter((d) => d.kind === kind && d.district === district).length || 1;
}

function countOf(drafts: readonly Draft[], kind: InstKind): number {
  return drafts.filter((d) => d.kind === kind).length || 1;
}
