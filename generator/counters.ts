import { compactDate, compactDt } from './calendar.js';
import type { Item } from './catalogue.js';
import type { Institution } from './institution-types.js';
import { hash32 } from './prng.js';

const FEE_SN_BASE = 10_000_000;

/**
 * The identifiers of a run, from per-institution counters: msgid per sender, 就诊ID and setl_id
 * per institution and day, 明细流水号 per institution, 药品追溯码 per box.
 */
export class Identifiers {
  private readonly msgSeq: Uint32Array;
  private readonly snSeq: Uint32Array;
  private readonly daySeq: Uint32Array;
  private readonly daySeqDay: Int32Array;
  private readonly traceSerial: Uint32Array;

  constructor(institutions: number, items: number) {
    this.msgSeq = new Uint32Array(institutions);
    this.snSeq = new Uint32Array(institutions);
    this.daySeq = new Uint32Array(institutions);
    this.daySeqDay = new Int32Array(institutions).fill(-1e9);
    this.traceSerial = new Uint32Array(items);
  }

  /** A sequence number unique per institution and day (visits, settlements, 进销存 lines). */
  private seqOfDay(inst: Institution, day: number): number {
    const i = inst.index;
    if (this.daySeqDay[i] !== day) {
      this.daySeqDay[i] = day;
      this.daySeq[i] = 0;
    }
    this.daySeq[i] = (this.daySeq[i] as number) + 1;
    return this.daySeq[i];
  }

  /** `MZ2026030200012`: kind prefix, date, 5-digit daily sequence; unique per institution. */
  daily(inst: Institution, prefix: string, day: number): string {
    return `${prefix}${compactDate(day)}${String(this.seqOfDay(inst, day)).padStart(5, '0')}`;
  }

  /**
   * 明细流水号: unique per institution (so also per visit and within any message). Eight digits with
   * no leading zero, so that a sender that writes it as a JSON integer (contract §8) sends the same
   * id; text order stays numeric order.
   */
  feeSn(inst: Institution): string {
    const i = inst.index;
    this.snSeq[i] = (this.snSeq[i] as number) + 1;
    return String(FEE_SN_BASE + this.snSeq[i]);
  }

  /** `H51180200101-20260302083530-000012`: with hyphens, so no run of digits looks like an ID number. */
  msgid(inst: Institution, day: number, sec: number): string {
    const i = inst.index;
    this.msgSeq[i] = (this.msgSeq[i] as number) + 1;
    return `${inst.code}-${compactDt(day, sec)}-${String(this.msgSeq[i]).padStart(6, '0')}`;
  }

  /** 20-digit 药品追溯码 of a new box: 7-digit product code, 9-digit serial, 4 check digits. */
  traceCode(item: Item): string {
    const s = (this.traceSerial[item.index] = (this.traceSerial[item.index] as number) + 1);
    // 387420489 = 3^18 is coprime to 10^9, so serials stay unique but do not look sequential.
    const serial = (s * 387420489 + (hash32(item.index) % 1e9)) % 1e9;
    const check = hash32(item.index, serial) % 10000;
    return `${item.traceProduct}${String(serial).padStart(9, '0')}${String(check).padStart(4, '0')}`;
  }
}
