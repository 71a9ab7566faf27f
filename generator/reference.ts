import { personName } from './names.js';
import { Prng } from './prng.js';
import type { Item } from './catalogue.js';
import type { World } from './world.js';

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

export function institutionsCsv(world: World): string[] {
  return [
    'fixmedins_code,fixmedins_name,fixmedins_type,hosp_lv,admdvs,beds,specialty',
    ...world.institutions.map((i) => csv([i.code, i.name, i.type, i.level, i.admdvs, i.beds, i.specialty])),
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

/** A few inspectors of the city and district 医保局, each with institutions they must not inspect. */
export function inspectorsCsv(world: World): string[] {
  const rng = new Prng(`${world.rng.seedText}/inspectors`);
  const n = Math.max(3, Math.round(world.institutions.length / 25));
  const rows = ['inspector_id,name,org,admdvs,role,conflicts'];
  for (let k = 0; k < n; k++) {
    const d = world.districts[k % world.districts.length] as World['districts'][number];
    const cityLevel = k % 3 === 0;
    const conflicts = rng.chance(0.6) ? Array.from({ length: rng.range(1, 2) }, () => rng.pick(world.institutions).code) : [];
    rows.push(
      csv([
        `INSP${d.admdvs}${String(k + 1).padStart(3, '0')}`,
        personName(rng.uint32(), k, rng.chance(0.5)),
        cityLevel ? '雅安市医疗保障局' : `${d.name}医疗保障局`,
        cityLevel ? '511800' : d.admdvs,
        rng.pick(ROLES),
        [...new Set(conflicts)].sort().join(';'),
      ]),
    );
  }
  return rows;
}
