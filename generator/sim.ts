import { dt } from './calendar.js';
import type { Item } from './catalogue.js';
import { Identifiers } from './counters.js';
import type { Fee, Party, Totals } from './fee-types.js';
import { feeMessageInput, priceOf } from './fees.js';
import { lineCents } from './format.js';
import type { Institution } from './institution-types.js';
import { LabelSink } from './labels.js';
import type { Prng } from './prng.js';
import { settlementInput, splitPayment, type Setting } from './settlement.js';
import type { Stay } from './stay-types.js';
import type { World } from './world.js';

export interface Stats {
  messages: number;
  feeLines: number;
  t1FeeLines: number;
  psiLines: number;
  visits: number;
  stays: number;
  settlements: number;
  malformed: number;
  readonly byInfno: Record<string, number>;
}

interface PendingT1 {
  readonly inst: Institution;
  readonly infno: string;
  readonly fees: readonly Fee[];
  readonly insuplc: string | undefined;
}

type Action = (sim: Sim, rng: Prng) => void;

const SETTLEMENT_INFNO: Readonly<Record<Setting, string>> = { outpatient: '2207', pharmacy: '2207', inpatient: '2304' };

/**
 * The mutable state of a run and the one place messages are made: identifiers (msgid per sender,
 * mdtrt_id and setl_id per institution, feedetl_sn, 进销存 batch numbers), fee lines, settlements,
 * T1 re-uploads, actions deferred to a later day, person state, labels and counts. Pure: lines go
 * to `chunk`, which the driver hands to a writer.
 */
export class Sim {
  readonly labels = new LabelSink();
  readonly stats: Stats = {
    messages: 0,
    feeLines: 0,
    t1FeeLines: 0,
    psiLines: 0,
    visits: 0,
    stays: 0,
    settlements: 0,
    malformed: 0,
    byInfno: {},
  };
  /** Absolute day being simulated. */
  today = 0;
  /** Lines of the file of `today`. */
  chunk: string[] = [];
  /**
   * Lines of the T1 file of `today` (`messages/T1/`): the T1 re-uploads of real senders, whose
   * envelope does not say T1 (contract §8), so their source must.
   */
  t1Chunk: string[] = [];
  /** Person hospitalised through this absolute day (inclusive). */
  readonly busyUntil: Int32Array;
  /** Absolute day of the person's last discharge. */
  readonly lastDischarge: Int32Array;
  /** Absolute day until which the person has chronic medicine (no honest refill before it runs out). */
  readonly supplyUntil: Int32Array;
  /** Outpatient volume multiplier per institution (volume-spike), and the day it starts. */
  readonly spike: Float64Array;
  readonly spikeFrom: Int32Array;
  /** Per institution: 1 when it over-treats every outpatient visit (peer-outlier), else 0. */
  readonly overtreat: Uint8Array;
  /** Stays in progress, per institution index. */
  readonly stays = new Map<number, Stay[]>();

  /** Absolute day of each person's last charge of an item with a national cycle limit, by item index. */
  private readonly cycled = new Map<number, Int32Array>();
  private readonly ids: Identifiers;
  private readonly pendingT1 = new Map<number, PendingT1[]>();
  private readonly deferred = new Map<number, Map<number, Action[]>>();

  constructor(readonly world: World) {
    const n = world.institutions.length;
    this.ids = new Identifiers(n, world.catalogue.items.length);
    this.busyUntil = new Int32Array(world.population.size).fill(-1e9);
    this.lastDischarge = new Int32Array(world.population.size).fill(-1e9);
    this.supplyUntil = new Int32Array(world.population.size).fill(-1e9);
    this.spike = new Float64Array(n).fill(1);
    this.spikeFrom = new Int32Array(n).fill(2 ** 30);
    this.overtreat = new Uint8Array(n);
  }

  /** Days since the start (negative while generating the history of stays in progress at the start). */
  get dayIndex(): number {
    return this.today - this.world.startDay;
  }

  beginDay(day: number): void {
    this.today = day;
    const due = this.pendingT1.get(day);
    if (due) {
      this.pendingT1.delete(day);
      let sec = 3600;
      for (const p of due) this.emitFeeMessage(p.inst, p.infno, (sec += 7), p.fees, p.insuplc, 'T1');
    }
  }

  takeChunk(): { lines: string[]; t1Lines: string[] } {
    const out = { lines: this.chunk, t1Lines: this.t1Chunk };
    this.chunk = [];
    this.t1Chunk = [];
    return out;
  }

  /** Lines waiting for the writer, in both files of the day. */
  get pending(): number {
    return this.chunk.length + this.t1Chunk.length;
  }

  /** Days (absolute) that still have T1 uploads waiting, in order. */
  pendingDays(): number[] {
    return [...this.pendingT1.keys()].sort((a, b) => a - b);
  }

  // ---- identifiers (counters.ts) -----------------------------------------------------------

  /** `MZ2026030200012`: kind prefix, date, 5-digit daily sequence; unique per institution. */
  dailyId(inst: Institution, prefix: string): string {
    return this.ids.daily(inst, prefix, this.today);
  }

  feeSn(inst: Institution): string {
    return this.ids.feeSn(inst);
  }

  msgid(inst: Institution, day: number, sec: number): string {
    return this.ids.msgid(inst, day, sec);
  }

  traceCode(item: Item): string {
    return this.ids.traceCode(item);
  }

  // ---- messages ----------------------------------------------------------------------------

  /**
   * Serialises one envelope into today's file. `sec` is the send time on `today` (kept on the day),
   * `insuplc` the 参保地 (omitted for 进销存 lines without a buyer).
   */
  emit(inst: Institution, infno: string, sec: number, input: Record<string, unknown>, mode: 'T0' | 'T1' = 'T0', insuplc?: string): string {
    return this.emitJson(inst, infno, sec, JSON.stringify(input), mode, insuplc);
  }

  /**
   * The same with `input` already serialised. The envelope is written by hand: every value in it is
   * generated here (codes, ids, times) and needs no escaping, and this is the hottest path. A real
   * sender's envelope has no `upload_mode` (contract §8): its T1 messages go to the T1 file.
   */
  emitJson(inst: Institution, infno: string, sec: number, input: string, mode: 'T0' | 'T1' = 'T0', insuplc?: string): string {
    const s = Math.min(Math.max(0, Math.round(sec)), 86399);
    const msgid = this.msgid(inst, this.today, s);
    const line = `{"infno":"${infno}","msgid":"${msgid}","fixmedins_code":"${inst.code}","inf_time":"${dt(this.today, s)}"${
      inst.realForms ? '' : `,"upload_mode":"${mode}"`
    },"mdtrtarea_admvs":"${inst.admdvs}"${insuplc === undefined ? '' : `,"insuplc_admdvs":"${insuplc}"`},"input":${input}}`;
    // Flattens the concatenation now, while its pieces are young garbage (measured less GC time, see bench/README.md).
    line.charCodeAt(line.length >> 1);
    (inst.realForms && mode === 'T1' ? this.t1Chunk : this.chunk).push(line);
    this.stats.messages++;
    this.stats.byInfno[infno] = (this.stats.byInfno[infno] ?? 0) + 1;
    return msgid;
  }

  /** A raw line (a deliberately malformed message). */
  emitRaw(line: string): void {
    this.chunk.push(line);
    this.stats.messages++;
    this.stats.malformed++;
  }

  /** A new fee line of `party`, priced at the institution's price unless `priceMicro` is given. */
  fee(
    party: Party,
    item: Item,
    cnt: number,
    sec: number,
    dept: string,
    dr: string,
    opts: { priceMicro?: number; rxno?: string; days?: number; trace?: string; drord?: string; initSn?: string; day?: number } = {},
  ): Fee {
    const priceMicro = opts.priceMicro ?? priceOf(party.inst, item);
    if (cnt > 0 && this.world.rules.cycle(item) !== undefined) this.cycledDays(item)[party.person] = opts.day ?? this.today;
    // One object shape for every line (optional fields present, possibly undefined): the hot path.
    return {
      sn: this.feeSn(party.inst),
      mdtrt: party.mdtrt,
      psn: party.psn,
      day: opts.day ?? this.today,
      sec,
      item,
      cnt,
      priceMicro,
      cents: lineCents(cnt, priceMicro),
      dept,
      dr,
      medType: party.medType,
      rxno: opts.rxno,
      days: opts.days,
      trace: opts.trace,
      drord: opts.drord,
      initSn: opts.initSn,
      t0: undefined,
    };
  }

  /** A reversal (冲销) of `cnt` units of `orig` (cnt > 0 given, written negative). */
  reversal(party: Party, orig: Fee, cnt: number, sec: number): Fee {
    return this.fee(party, orig.item, -cnt, sec, orig.dept, orig.dr, {
      priceMicro: orig.priceMicro,
      initSn: orig.sn,
      ...(orig.rxno ? { rxno: orig.rxno } : {}),
    });
  }

  /** 2204 / 2301 of `fees`, and possibly (noise.t1) its T1 re-upload the next day or a few days later. */
  uploadFees(
    inst: Institution,
    infno: '2204' | '2301',
    sec: number,
    fees: readonly Fee[],
    insuplc: string,
    rng: Prng,
    forceT1 = false,
  ): string {
    const msgid = this.emitFeeMessage(inst, infno, sec, fees, insuplc, 'T0');
    const noise = this.world.config.noise;
    if (forceT1 || fees.some((f) => f.t0) || rng.chance(noise.t1)) {
      const late = !forceT1 && rng.chance(noise.lateT1) ? rng.range(2, 3) : 1;
      const day = this.today + late;
      const list = this.pendingT1.get(day) ?? [];
      list.push({ inst, infno, fees, insuplc });
      this.pendingT1.set(day, list);
    }
    return msgid;
  }

  private emitFeeMessage(
    inst: Institution,
    infno: string,
    sec: number,
    fees: readonly Fee[],
    insuplc: string | undefined,
    mode: 'T0' | 'T1',
  ): string {
    const body = feeMessageInput(inst, fees, mode);
    if (mode === 'T0') this.stats.feeLines += fees.length;
    else this.stats.t1FeeLines += fees.length;
    return this.emitJson(inst, infno, sec, body, mode, insuplc);
  }

  /**
   * A settlement (2207 / 2304) of a visit's final fee totals (reversals included), paid as the
   * person's insurance pays; returns the setl_id.
   */
  settle(party: Party, setting: Setting, sec: number, totals: Totals, extra: { begndate?: string; enddate?: string } = {}): string {
    const inst = party.inst;
    const pop = this.world.population;
    const p = party.person;
    const split = splitPayment(totals.medfee, totals.inscp, pop.insutypeCode(p), inst.level, setting);
    const setlId = this.dailyId(inst, inst.type === '2' ? 'YDJS' : 'JS');
    const body = settlementInput({ setlId, party, pop, day: this.today, sec, totals, split, numbers: inst.numbers, ...extra });
    this.emitJson(inst, SETTLEMENT_INFNO[setting], sec + 2, body, 'T0', pop.insuAdmdvs(p));
    this.stats.settlements++;
    return setlId;
  }

  /** 2208 / 2305: cancels a settlement. */
  cancelSettlement(party: Party, setting: Setting, setlId: string, sec: number): void {
    this.emit(
      party.inst,
      setting === 'inpatient' ? '2305' : '2208',
      sec,
      { data: { setl_id: setlId, mdtrt_id: party.mdtrt, psn_no: party.psn } },
      'T0',
      this.world.population.insuAdmdvs(party.person),
    );
  }

  // ---- deferred work and people -------------------------------------------------------------

  /** Runs `action` when the simulation reaches `institution` on absolute `day` (after its honest activity). */
  defer(day: number, inst: Institution, action: Action): void {
    let byInst = this.deferred.get(day);
    if (!byInst) this.deferred.set(day, (byInst = new Map<number, Action[]>()));
    const list = byInst.get(inst.index) ?? [];
    list.push(action);
    byInst.set(inst.index, list);
  }

  deferredFor(day: number, inst: Institution): readonly Action[] {
    return this.deferred.get(day)?.get(inst.index) ?? [];
  }

  endDay(): void {
    this.deferred.delete(this.today);
  }

  isBusy(person: number, day: number): boolean {
    return (this.busyUntil[person] as number) >= day;
  }

  /**
   * Keeps a person out of honest care (visits, admissions) through `day` (absolute): someone a
   * scenario will act for later, so honest activity cannot add unplanned coincidences.
   */
  reserve(person: number, day: number): void {
    this.busyUntil[person] = Math.max(this.busyUntil[person] as number, day);
  }

  /** Whether honest care may charge `item` to the person today: more than its cycle's days since the last charge. */
  cycleDue(person: number, item: Item): boolean {
    const period = this.world.rules.cycle(item);
    return period === undefined || this.today - (this.cycledDays(item)[person] as number) > period;
  }

  private cycledDays(item: Item): Int32Array {
    let days = this.cycled.get(item.index);
    if (!days) this.cycled.set(item.index, (days = new Int32Array(this.world.population.size).fill(-1e9)));
    return days;
  }

  /** Whether the person's chronic medicine runs out within three days (an honest refill is due). */
  needsRefill(person: number): boolean {
    return (this.supplyUntil[person] as number) < this.today + 3;
  }

  supplied(person: number, days: number): void {
    this.supplyUntil[person] = Math.max(this.supplyUntil[person] as number, this.today + Math.round(days));
  }
}
