import { personName } from './names.js';
import { Prng } from './prng.js';
import type { Item } from './catalogue.js';
import { dateStr } from './calendar.js';
import { CITY_ADMDVS, CITY_NAME } from './geography.js';
import type { Skeleton, World } from './world.js';

/**
 * The reference files of contract §3 as CSV lines (header first). Pure; `insured.csv` is produced
 * in slices so that a city's 1.5 million rows are never one string.
 */

function csv(values: readonly (string | number)[]): string {
  return values.map((v) => (typeof v === 'string' && /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v))).join(',');
}

function ceilingText(item: Item): string {
  const m = item.ceilingMicro;
  if (m % 10000 === 0) return (m / 1e6).toFixed(2);
  return String(m / 1e6);
}

/** Share of institutions with an inspection on record, and how far back it may lie (days before the start). */
const INSPECTED_SHARE = 0.3;
const INSPECTED_WITHIN = [30, 540] as const;

/**
 * institutions.csv, with the optional `last_inspected` of contract §9 (the exclusion window of
 * draws) for some institutions, from its own stream so the other files do not move.
 */
export function institutionsCsv(world: Pick<Skeleton, 'rng' | 'institutions' | 'startDay'>): string[] {
  const rng = new Prng(`${world.rng.seedText}/last-inspected`);
  return [
    'fixmedins_code,fixmedins_name,fixmedins_type,hosp_lv,admdvs,beds,specialty,last_inspected',
    ...world.institutions.map((i) => {
      const last = rng.chance(INSPECTED_SHARE) ? dateStr(world.startDay - rng.range(...INSPECTED_WITHIN)) : '';
      return csv([i.code, i.name, i.type, i.level, i.admdvs, i.beds, i.specialty, last]);
    }),
  ];
}

export function practitionersCsv(world: World): string[] {
  return [
    'dr_codg,dr_name,fixmedins_code,dept_codg,prac_type',
    ...world.institutions.flatMap((i) =>
      i.practitioners.map((p) => csv([p.dr_codg, p.dr_name, p.fixmedins_code, p.dept_codg, p.prac_type])),
    ),
  ];
}

export function catalogCsv(world: World): string[] {
  return [
    'med_list_codg,name,list_type,med_chrgitm_type,chrgitm_lv,pric_uplmt_amt,spec,pac_cnt,dosform',
    ...world.catalogue.items.map((it) => csv([it.code, it.name, it.listType, it.chrg, it.lv, ceilingText(it), it.spec, it.pac, it.form])),
  ];
}

/** insured.csv in slices of `size` rows (the header in the first). */
export function* insuredCsv(world: World, size = 50_000): Generator<string[]> {
  const pop = world.population;
  let out = ['psn_no,gend,brdy,insutype,insu_admdvs,certno'];
  for (let i = 0; i < pop.size; i++) {
    out.push(`${pop.psnNo(i)},${pop.gend[i]},${pop.brdy(i)},${pop.insutypeCode(i)},${pop.insuAdmdvs(i)},${pop.certno(i)}`);
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

const ROLES = ['稽核员', '审核员', '稽核科长', '基金监管科科员'];

/**
 * Targets per inspector: enough inspectors for real draws (a tenth of the pharmacies and a few
 * hospitals, two inspectors each, at most three targets apiece, with conflicts taken out), so a
 * town has 32 and the smallest world still 6.
 */
const TARGETS_PER_INSPECTOR = 2.8;
const MIN_INSPECTORS = 6;

/** How many inspectors the registry of a world lists. */
export const inspectorCount = (institutions: number): number => Math.max(MIN_INSPECTORS, Math.ceil(institutions / TARGETS_PER_INSPECTOR));

/**
 * The inspectors of the city 医保局 and of each district's, in turn, each with a chance of
 * institutions they must not inspect (回避), mostly in their own district.
 */
export function inspectorsCsv(world: Pick<Skeleton, 'rng' | 'institutions' | 'districts'>): string[] {
  const rng = new Prng(`${world.rng.seedText}/inspectors`);
  const n = inspectorCount(world.institutions.length);
  const rows = ['inspector_id,name,org,admdvs,role,conflicts'];
  for (let k = 0; k < n; k++) {
    const slot = k % (world.districts.length + 1);
    const d = slot === 0 ? undefined : world.districts[slot - 1];
    const local = d ? world.institutions.filter((i) => i.admdvs === d.admdvs) : [];
    const pool = local.length && rng.chance(0.8) ? local : world.institutions;
    const conflicts = rng.chance(0.45) ? Array.from({ length: rng.range(1, 3) }, () => rng.pick(pool).code) : [];
    const admdvs = d ? d.admdvs : CITY_ADMDVS;
    rows.push(
      csv([
        `INSP${admdvs}${String(k + 1).padStart(3, '0')}`,
        personName(rng.uint32(), k, rng.chance(0.5)),
        d ? `${d.name}医疗保障局` : `${CITY_NAME}医疗保障局`,
        admdvs,
        rng.pick(ROLES),
        [...new Set(conflicts)].sort().join(';'),
      ]),
    );
  }
  return rows;
}
