import { dateStr, dt } from './calendar.js';
import { chargeContext, pickDoctor, resolveItem } from './care.js';
import type { Item } from './catalogue.js';
import type { InpatientProfile } from './clinical-inpatient.js';
import type { Fee } from './fee-types.js';
import { addTotals } from './fees.js';
import { codeValue, lineCents } from './format.js';
import type { Dept, Institution } from './institution-types.js';
import type { Prng } from './prng.js';
import type { Sim } from './sim.js';
import type { Stay } from './stay-types.js';

/**
 * Inpatient stays: 2401 on admission, one 2301 upload of the day's lines each evening (bed,
 * nursing, 住院诊查费, drugs, treatments, examinations, surgery; split into messages of up to 20
 * lines), and on the discharge day 2402 and the 2304 settlement of the stay's total. Bed and
 * nursing are charged for the admission day and not the discharge day (算入不算出).
 */

export interface AdmitOptions {
  readonly person: number;
  readonly profile: InpatientProfile;
  readonly admitSec: number;
  readonly los: number;
  readonly dept?: Dept;
  readonly medType?: string;
  /** Admission diagnosis (default: the profile's). */
  readonly dx?: string;
  /** Discharge main diagnosis (default: the admission diagnosis). */
  readonly mainDx?: string;
  readonly otherDx?: readonly string[];
  readonly dischargeSec?: number;
  readonly dscgWay?: string;
  readonly bedOnly?: ReadonlySet<number>;
  readonly extra?: Stay['extra'];
  readonly onDischarge?: Stay['onDischarge'];
}

const CONDITION_DX: readonly (readonly [number, string])[] = [
  [1, 'I10.x00'],
  [2, 'E11.900'],
  [4, 'I25.100'],
  [8, 'J44.900'],
];

/** Admits a person (2401) and charges the admission day at once; the institution's later days charge the rest. */
export function admit(sim: Sim, rng: Prng, inst: Institution, o: AdmitOptions): Stay {
  const pop = sim.world.population;
  const p = o.person;
  const dept: Dept = o.dept ?? inst.depts.find((d) => o.profile.depts.includes(d.code)) ?? (inst.depts[0] as Dept);
  const ipt = `${dateStr(sim.today).slice(2, 4)}${sim.dailyId(inst, 'I').slice(-9)}`;
  let medType = o.medType ?? o.profile.medType;
  if (medType === '21' && inst.subcodes && o.medType === undefined) medType = '2105';
  const conditions = pop.conditions[p] as number;
  const stay: Stay = {
    inst,
    mdtrt: sim.dailyId(inst, 'ZY'),
    person: p,
    psn: pop.psnNo(p),
    medType,
    dx: o.dx ?? o.profile.icd,
    profile: o.profile,
    dept,
    doctor: pickDoctor(rng, dept),
    admitDay: sim.today,
    admitSec: o.admitSec,
    dischargeDay: sim.today + o.los,
    dischargeSec: o.dischargeSec ?? rng.range(9 * 3600, 11 * 3600 + 1800),
    bed: `${rng.range(1, 40)}-${String(rng.range(1, 6)).padStart(2, '0')}`,
    bedItem: inst.level !== '1' && rng.chance(0.2) ? 'bed2' : 'bed3',
    iptNo: ipt,
    insuplc: pop.insuAdmdvs(p),
    ctx: chargeContext(sim, p, inst, medType),
    totals: { medfee: 0, inscp: 0 },
    dscgWay: o.dscgWay ?? '1',
    mainDx: o.mainDx ?? o.dx ?? o.profile.icd,
    otherDx: o.otherDx ?? CONDITION_DX.filter(([bit]) => (conditions & bit) !== 0).map(([, dx]) => dx),
    ...(o.bedOnly ? { bedOnly: o.bedOnly } : {}),
    ...(o.extra ? { extra: o.extra } : {}),
    ...(o.onDischarge ? { onDischarge: o.onDischarge } : {}),
    lastDay: sim.today - 1,
    drord: 0,
  };
  const n = inst.numbers;
  sim.emit(
    inst,
    '2401',
    o.admitSec + rng.range(30, 300),
    {
      data: {
        mdtrt_id: stay.mdtrt,
        psn_no: stay.psn,
        med_type: codeValue(medType, n),
        begntime: dt(sim.today, o.admitSec),
        insutype: codeValue(pop.insutypeCode(p), n),
        dise_codg: stay.dx,
        adm_dept_codg: dept.code,
        adm_bed: stay.bed,
        atddr_no: stay.doctor.code,
        ipt_no: stay.iptNo,
        psn_name: pop.name(p),
        certno: pop.certno(p),
      },
    },
    'T0',
    stay.insuplc,
  );
  sim.busyUntil[p] = Math.max(sim.busyUntil[p] as number, stay.dischargeDay);
  sim.stats.stays++;
  const list = sim.stays.get(inst.index) ?? [];
  list.push(stay);
  sim.stays.set(inst.index, list);
  stayDay(sim, rng, stay);
  return stay;
}

function line(sim: Sim, stay: Stay, fees: Fee[], item: Item, cnt: number, sec: number, drug = false): Fee {
  const f = sim.fee(
    stay,
    item,
    cnt,
    sec,
    stay.dept.code,
    stay.doctor.code,
    drug ? { drord: `${stay.iptNo.slice(-4)}-${++stay.drord}`, days: 1 } : {},
  );
  fees.push(f);
  return f;
}

/** Charges one day of a stay and, on its last day, discharges and settles it. */
export function stayDay(sim: Sim, rng: Prng, stay: Stay): void {
  const day = sim.today;
  if (stay.lastDay >= day || day > stay.dischargeDay) return;
  stay.lastDay = day;
  const world = sim.world;
  const c = world.catalogue;
  const prof = stay.profile;
  const k = day - stay.admitDay;
  const last = day === stay.dischargeDay;
  const los = stay.dischargeDay - stay.admitDay;
  const fees: Fee[] = [];
  // Restrictions are checked at today's age (a birthday may fall within a stay).
  const ctx = k === 0 ? stay.ctx : chargeContext(sim, stay.person, stay.inst, stay.medType);
  const start = k === 0 ? stay.admitSec : 0;
  const at = (lo: number, hi: number) => Math.max(start + rng.range(60, 5400), rng.range(lo, hi));
  const charged = !last || los === 0;
  // Hours in the ward today, for hourly monitoring.
  const hours = k === 0 ? Math.max(1, Math.floor((86400 - stay.admitSec) / 3600)) : 24;
  if (charged) {
    const t = k === 0 ? stay.admitSec + 300 : rng.range(600, 1200);
    line(sim, stay, fees, c.get(stay.bedItem), 1, t);
    line(sim, stay, fees, c.get(prof.nursing), 1, t);
  }
  if (!stay.bedOnly?.has(day)) {
    if (!last || k === 0) line(sim, stay, fees, c.get('consultIP'), 1, k === 0 ? stay.admitSec + 900 : rng.range(8 * 3600, 9 * 3600));
    const exams = k === 0 ? prof.admit : prof.repeat && k % 3 === 0 && !last ? prof.repeat : [];
    if (exams.length) line(sim, stay, fees, c.get('venipuncture'), 1, Math.min(at(6 * 3600, 7 * 3600), 22 * 3600));
    for (const alias of exams) {
      const item = resolveItem(world, alias, ctx);
      if (item && sim.cycleDue(stay.person, item)) line(sim, stay, fees, item, 1, Math.min(at(7 * 3600, 10 * 3600), 22 * 3600));
    }
    if (charged) {
      const daily = [...prof.daily, ...(prof.course && k < prof.course.days ? prof.course.items : [])];
      for (const [alias, cnt] of daily) {
        const a = alias === 'infusion' && ctx.ageYears < 6 ? 'infusionChild|infusion' : alias;
        const item = resolveItem(world, a, ctx);
        if (!item) continue;
        const f = line(sim, stay, fees, item, cnt, Math.min(at(9 * 3600, 18 * 3600), 23 * 3600), item.isDrug);
        if (item.isDrug && cnt >= 2) stay.lastDrug = f;
        if (alias === 'infusion') line(sim, stay, fees, c.get('syringe'), cnt, f.sec);
      }
      if (prof.nursing === 'nurse1') {
        line(sim, stay, fees, c.get('ecgMonitor'), hours, at(8 * 3600, 9 * 3600));
        line(sim, stay, fees, c.get('spo2'), hours, at(8 * 3600, 9 * 3600));
        line(sim, stay, fees, c.get('oralCare'), 2, Math.min(at(9 * 3600, 20 * 3600), 23 * 3600));
      }
    }
    const surgeryDay = prof.surgery ? Math.min(prof.surgery.day, Math.max(0, los - 1)) : -1;
    if (prof.surgery && k > surgeryDay && (k - surgeryDay) % 2 === 1 && !last)
      line(sim, stay, fees, c.get('dressing'), 1, at(8 * 3600, 11 * 3600));
    if (k === surgeryDay && prof.surgery) {
      const t = Math.min(at(9 * 3600, 15 * 3600), 22 * 3600);
      for (const [alias, cnt] of prof.surgery.items) {
        const item = resolveItem(world, alias, ctx);
        if (item) line(sim, stay, fees, item, cnt, t + rng.range(0, 3600), item.isDrug);
      }
    }
    if (last && prof.takeHome)
      for (const [alias, cnt] of prof.takeHome) {
        const item = resolveItem(world, alias, ctx);
        if (item) line(sim, stay, fees, item, cnt, Math.max(0, stay.dischargeSec - 1800), true);
      }
  }
  stay.extra?.(stay, day, fees, rng);
  const noise = world.config.noise;
  if (k > 0 && !last && stay.lastDrug && stay.lastDrug.day < day && rng.chance(noise.reversal / 2)) {
    // 退药: one unit of an earlier day's drug is returned to the pharmacy.
    fees.push(sim.reversal(stay, stay.lastDrug, 1, rng.range(9 * 3600, 17 * 3600)));
    stay.lastDrug = undefined;
  }
  const drug = fees.find((f) => f.item.isDrug && f.cnt > 0 && !f.t0);
  if (!last && drug && rng.chance(noise.t1 * 0.2)) {
    // Entered one unit too many on the day, corrected by the next day's T1 upload.
    drug.t0 = { cnt: drug.cnt + 1, priceMicro: drug.priceMicro, cents: lineCents(drug.cnt + 1, drug.priceMicro) };
  }
  const latest = Math.max(0, ...fees.map((f) => f.sec + 60));
  const sendAt = last ? Math.max(stay.dischargeSec - 900, latest) : Math.max(rng.range(22 * 3600, 23 * 3600 + 1800), latest);
  const parts = Math.ceil(fees.length / 20);
  const size = Math.ceil(fees.length / Math.max(1, parts));
  for (let i = 0; i < fees.length; i += size) sim.uploadFees(stay.inst, '2301', sendAt + i, fees.slice(i, i + size), stay.insuplc, rng);
  addTotals(stay.totals, fees);
  if (last) discharge(sim, rng, stay);
}

function discharge(sim: Sim, rng: Prng, stay: Stay): void {
  const inst = stay.inst;
  const diag = [stay.mainDx, ...stay.otherDx.filter((d) => d !== stay.mainDx)];
  sim.emit(
    inst,
    '2402',
    stay.dischargeSec + rng.range(30, 300),
    {
      data: {
        mdtrt_id: stay.mdtrt,
        psn_no: stay.psn,
        endtime: dt(sim.today, stay.dischargeSec),
        dscg_maindiag_code: stay.mainDx,
        dscg_way: codeValue(stay.dscgWay, inst.numbers),
        dscg_dept_codg: stay.dept.code,
        diseinfo: diag.map((d, i) => ({ diag_type: '1', diag_code: d, maindiag_flag: i === 0 ? '1' : '0' })),
      },
    },
    'T0',
    stay.insuplc,
  );
  const dates = { begndate: dateStr(stay.admitDay), enddate: dateStr(stay.dischargeDay) };
  const at = stay.dischargeSec + rng.range(300, 1200);
  const setlId = sim.settle(stay, 'inpatient', at, stay.totals, dates);
  if (rng.chance(sim.world.config.noise.cancel)) {
    // Settled with the wrong insurance type or category, cancelled (2305) and settled again.
    const t = Math.min(at + rng.range(600, 3600), 86000);
    sim.cancelSettlement(stay, 'inpatient', setlId, t);
    sim.settle(stay, 'inpatient', t + 120, stay.totals, dates);
  }
  sim.lastDischarge[stay.person] = sim.today;
  stay.onDischarge?.(stay, rng);
}
