import { dt, weekday } from './calendar.js';
import { chargeContext, consultItem, dispense, pickDoctor, pickProfile, resolveItem, winterness, type CareTables } from './care.js';
import type { Item } from './catalogue.js';
import type { OutpatientProfile } from './clinical-outpatient.js';
import type { Fee, Party } from './fee-types.js';
import { addTotals, totalsOf } from './fees.js';
import { codeValue, json } from './format.js';
import type { Dept, Doctor, Institution } from './institution-types.js';
import type { ChargeContext, SupplySetting } from './knowledge-index.js';
import { notBusy, pickChronic, pickGroup, pickPerson } from './people.js';
import type { Prng } from './prng.js';
import type { Sim } from './sim.js';

/**
 * Outpatient, emergency and chronic-disease (门诊慢特病) visits at hospitals and clinics: 2201 when
 * the visit opens, the fee lines uploaded in 2204 messages of up to 20 lines (several visits of one
 * desk batched, as HIS interfaces do), then each visit's 2207 settlement after its fees.
 */

export type VisitKind = 'op' | 'er' | 'chronic';

export interface OpVisit extends Party {
  readonly kind: VisitKind;
  readonly begin: number;
  readonly dept: Dept;
  readonly doctor: Doctor;
  readonly insuplc: string;
  readonly ctx: ChargeContext;
  readonly fees: Fee[];
  rx: number;
  /** Called with the setl_id once the visit is settled. */
  onSettled?: (setlId: string, sec: number) => void;
}

const WEEKDAY_OP = [0.55, 1.25, 1.15, 1.1, 1.1, 1.1, 0.75];

export function medTypeOf(inst: Institution, kind: VisitKind): string {
  if (kind === 'er') return '13';
  if (kind === 'chronic') return inst.subcodes ? '140104' : '14';
  return '11';
}

/** Opens a visit: allocates the 就诊ID and sends 2201. */
export function openVisit(
  sim: Sim,
  inst: Institution,
  person: number,
  kind: VisitKind,
  begin: number,
  icd: string,
  dept: Dept,
  doctor: Doctor,
): OpVisit {
  const pop = sim.world.population;
  const medType = medTypeOf(inst, kind);
  const v: OpVisit = {
    inst,
    mdtrt: sim.dailyId(inst, 'MZ'),
    person,
    psn: pop.psnNo(person),
    medType,
    dx: icd,
    kind,
    begin,
    dept,
    doctor,
    insuplc: pop.insuAdmdvs(person),
    ctx: chargeContext(sim, person, inst, medType),
    fees: [],
    rx: 0,
  };
  const n = inst.numbers;
  sim.emitJson(
    inst,
    '2201',
    begin + 30,
    `{"data":{"mdtrt_id":"${v.mdtrt}","psn_no":"${v.psn}","med_type":${json(codeValue(medType, n))},"begntime":"${dt(sim.today, begin)}",` +
      `"insutype":${json(codeValue(pop.insutypeCode(person), n))},"dise_codg":"${icd}","adm_dept_codg":"${dept.code}","atddr_no":"${doctor.code}",` +
      `"psn_name":"${pop.name(person)}","certno":"${pop.certno(person)}"}}`,
    'T0',
    v.insuplc,
  );
  sim.stats.visits++;
  return v;
}

/** A non-drug line of the visit. */
export function addItem(sim: Sim, v: OpVisit, item: Item, cnt: number, sec: number, priceMicro?: number): Fee {
  const f = sim.fee(v, item, cnt, sec, v.dept.code, v.doctor.code, priceMicro === undefined ? {} : { priceMicro });
  v.fees.push(f);
  return f;
}

/** A prescribed drug: prescription number, dosage, days; a trace code when exactly one box is dispensed. */
export function addDrug(sim: Sim, v: OpVisit, item: Item, cnt: number, days: number, sec: number, priceMicro?: number): Fee {
  v.rx++;
  const f = sim.fee(v, item, cnt, sec, v.dept.code, v.doctor.code, {
    rxno: `CF${v.mdtrt.slice(2)}${v.rx}`,
    days,
    ...(cnt === item.pac && item.listType !== '102' ? { trace: sim.traceCode(item) } : {}),
    ...(priceMicro === undefined ? {} : { priceMicro }),
  });
  v.fees.push(f);
  return f;
}

export function supplySetting(kind: VisitKind): SupplySetting {
  return kind === 'er' ? 'emergency' : kind === 'chronic' ? 'chronic' : 'outpatient';
}

/** Charges what a visit for `profile` charges: 诊查费, examinations, procedures, drugs, sometimes IV therapy. */
export function chargeProfile(sim: Sim, rng: Prng, v: OpVisit, profile: OutpatientProfile, days?: number): void {
  const world = sim.world;
  const t = v.begin;
  if (v.kind !== 'chronic' || rng.chance(0.3))
    addItem(sim, v, consultItem(world, v.inst, v.doctor, v.kind === 'er'), 1, t + rng.range(60, 600));
  const over = sim.overtreat[v.inst.index] === 1;
  for (const [alias, p] of profile.exams) {
    if (!over && !rng.chance(p)) continue;
    const item = resolveItem(world, alias, v.ctx);
    if (item && sim.cycleDue(v.person, item)) addItem(sim, v, item, 1, t + rng.range(600, 2400));
  }
  for (const [alias, p] of profile.procedures ?? []) {
    if (!rng.chance(p)) continue;
    const item = resolveItem(world, alias, v.ctx);
    if (item && sim.cycleDue(v.person, item)) addItem(sim, v, item, 1, t + rng.range(900, 2700));
  }
  const list = v.ctx.ageYears < 14 && profile.childDrugs ? profile.childDrugs : profile.drugs;
  const chosen = list.filter(([, p]) => rng.chance(p));
  if (chosen.length === 0 && list.length > 0) chosen.push(list[0] as readonly [string, number]);
  const setting = supplySetting(v.kind);
  const span = days ?? (v.kind === 'er' ? Math.min(3, profile.days[1]) : rng.range(profile.days[0], profile.days[1]));
  for (const [alias] of chosen) {
    const item = resolveItem(world, alias, v.ctx);
    if (!item) continue;
    const cnt = dispense(item, span, world.rules.maxUnits(item, setting));
    addDrug(sim, v, item, cnt, span, t + rng.range(1800, 3600));
  }
  if (profile.condition) sim.supplied(v.person, span);
  if (over ? v.kind !== 'er' && rng.chance(0.8) : profile.iv && rng.chance(profile.iv * (v.inst.level === '1' ? 1.5 : 0.6)))
    addIv(sim, rng, v);
}

/** Intravenous therapy in the clinic: infusion (scalp vein for small children), set, saline, an antibiotic. */
export function addIv(sim: Sim, rng: Prng, v: OpVisit): void {
  const c = sim.world.catalogue;
  const sec = v.begin + rng.range(2400, 4000);
  const infusion = resolveItem(sim.world, v.ctx.ageYears < 6 ? 'infusionChild|infusion' : 'infusion', v.ctx);
  if (infusion) addItem(sim, v, infusion, 1, sec);
  addItem(sim, v, c.get('infusionSet'), 1, sec);
  addDrug(sim, v, c.get('saline'), 1, 1, sec);
  const abx = resolveItem(sim.world, 'ceftriaxone', v.ctx);
  if (abx) addDrug(sim, v, abx, 1, 1, sec);
}

/**
 * A desk that batches the fee lines of consecutive visits into 2204 messages of up to 20 lines,
 * then settles each visit after its lines were sent. Refunds (2208, a reversal line, a new 2207)
 * and plain cancellations happen here at the configured noise rates.
 */
export class OutpatientDesk {
  private batch: OpVisit[] = [];
  private lines = 0;

  constructor(
    private readonly sim: Sim,
    private readonly inst: Institution,
    private readonly rng: Prng,
  ) {}

  submit(v: OpVisit): void {
    const first = this.batch[0];
    if (first && (first.insuplc !== v.insuplc || this.lines + v.fees.length > 20 || v.begin - first.begin > 1800)) this.flush();
    this.batch.push(v);
    this.lines += v.fees.length;
  }

  flush(): void {
    const visits = this.batch;
    if (visits.length === 0) return;
    this.batch = [];
    this.lines = 0;
    const { sim, inst, rng } = this;
    const fees = visits.flatMap((v) => v.fees);
    let sec = Math.max(...fees.map((f) => f.sec), visits[0]?.begin ?? 0) + rng.range(30, 180);
    if (fees.length) sim.uploadFees(inst, '2204', sec, fees, (visits[0] as OpVisit).insuplc, rng);
    const noise = sim.world.config.noise;
    for (const v of visits) {
      sec += rng.range(20, 120);
      if (v.fees.length === 0) continue;
      const totals = totalsOf(v.fees);
      const setlId = sim.settle(v, 'outpatient', sec, totals);
      v.onSettled?.(setlId, sec);
      const drug = v.fees.find((f) => f.item.isDrug && f.cnt > 0);
      if (drug && rng.chance(noise.reversal)) {
        // 退费: the patient returns a drug after paying; the settlement is cancelled and redone.
        const t = Math.min(sec + rng.range(600, 3600), 86000);
        sim.cancelSettlement(v, 'outpatient', setlId, t);
        const r = sim.reversal(v, drug, drug.cnt, t + 30);
        sim.uploadFees(inst, '2204', t + 60, [r], v.insuplc, rng);
        sim.settle(v, 'outpatient', t + 120, addTotals(totals, [r]));
      } else if (rng.chance(noise.cancel)) {
        const t = Math.min(sec + rng.range(300, 1800), 86000);
        sim.cancelSettlement(v, 'outpatient', setlId, t);
        sim.settle(v, 'outpatient', t + 90, totals);
      }
    }
  }
}

/** Visit start times (seconds), sorted: mornings busier than afternoons; emergencies around the clock. */
export function visitTimes(rng: Prng, n: number, kind: VisitKind): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'er') out[i] = rng.chance(0.7) ? rng.range(8 * 3600, 22 * 3600) : rng.range(0, 8 * 3600);
    else out[i] = rng.chance(0.62) ? rng.range(8 * 3600, 11 * 3600 + 1800) : rng.range(14 * 3600, 17 * 3600 + 1800);
  }
  return out.sort((a, b) => a - b);
}

/** One honest outpatient visit of `kind` at `begin`; undefined when nobody suitable was found. */
export function honestVisit(
  sim: Sim,
  rng: Prng,
  tables: CareTables,
  inst: Institution,
  kind: VisitKind,
  begin: number,
): OpVisit | undefined {
  const world = sim.world;
  const pop = world.population;
  const t = tables.outpatient(inst, kind);
  if (t.entries.length === 0) return undefined;
  const free = notBusy(sim);
  let person: number | undefined;
  let entry: (typeof t.entries)[number] | undefined;
  for (let tries = 0; tries < 6 && !entry; tries++) {
    if (kind === 'chronic') {
      const e = t.entries[rng.int(t.entries.length)] as (typeof t.entries)[number];
      const cond = e.profile.condition;
      if (!cond) continue;
      person = pickChronic(sim, rng, inst, cond, (p) => free(p) && sim.needsRefill(p));
      if (person !== undefined && okFor(e.profile, pop.gend[person] as number, pop.age(person, sim.today))) entry = e;
      continue;
    }
    const group = pickGroup(rng, 'op');
    const gend = rng.chance(0.5) ? 1 : 2;
    const k = pickProfile(rng, t, group, gend);
    if (k < 0) continue;
    const e = t.entries[k] as (typeof t.entries)[number];
    const refill = e.profile.condition !== undefined;
    person = pickPerson(
      sim,
      rng,
      inst,
      group,
      (p) => free(p) && pop.gend[p] === gend && (!refill || sim.needsRefill(p)) && okFor(e.profile, gend, pop.age(p, sim.today)),
    );
    if (person !== undefined) entry = e;
  }
  if (!entry || person === undefined) return undefined;
  const profile = entry.profile;
  const dept = kind === 'er' ? (inst.depts.find((d) => d.code === 'A20') ?? entry.dept) : entry.dept;
  const v = openVisit(sim, inst, person, kind, begin, profile.icd, dept, pickDoctor(rng, dept));
  chargeProfile(sim, rng, v, profile);
  return v;
}

function okFor(p: OutpatientProfile, gend: number, age: number): boolean {
  if (p.sex && p.sex !== String(gend)) return false;
  if (p.minAge !== undefined && age < p.minAge) return false;
  if (p.maxAge !== undefined && age > p.maxAge) return false;
  return true;
}

/** The day's honest outpatient, emergency and chronic-disease visits of a hospital or clinic. */
export function outpatientDay(sim: Sim, rng: Prng, tables: CareTables, inst: Institution): void {
  const wd = WEEKDAY_OP[weekday(sim.today)] as number;
  const season = 1 + 0.1 * winterness(sim.today);
  const spike = sim.dayIndex >= (sim.spikeFrom[inst.index] as number) ? (sim.spike[inst.index] as number) : 1;
  const desk = new OutpatientDesk(sim, inst, rng);
  const plan: [VisitKind, number][] = [
    ['op', rng.poisson(inst.opPerDay * wd * season * spike)],
    ['chronic', rng.poisson(inst.chronicPerDay * wd * spike)],
    ['er', rng.poisson(inst.erPerDay * season)],
  ];
  for (const [kind, n] of plan) {
    for (const begin of visitTimes(rng, n, kind)) {
      const v = honestVisit(sim, rng, tables, inst, kind, begin);
      if (v) desk.submit(v);
    }
    desk.flush();
  }
}
