import { dt } from './calendar.js';
import type { Item } from './catalogue.js';
import type { Fee, Totals } from './fee-types.js';
import { amount, codeValue, json, price, quantity } from './format.js';
import type { Institution } from './institution-types.js';
import { hash32 } from './prng.js';
import { inscpOf } from './settlement.js';

/** Adds the fees' final amounts to a visit's running sums. */
export function addTotals(t: Totals, fees: readonly Fee[]): Totals {
  for (const f of fees) {
    t.medfee += f.cents;
    t.inscp += inscpOf(f.cents, f.item.lv);
  }
  return t;
}

export const totalsOf = (fees: readonly Fee[]): Totals => addTotals({ medfee: 0, inscp: 0 }, fees);

/**
 * The `input` of a 2204 / 2301 message: the lines as the T0 upload said them (a line corrected
 * later shows its T0 values) or as the T1 re-upload says them (final values, with inscp_amt).
 * Written by template: every value is generated and needs no escaping (the hottest path).
 */
export function feeMessageInput(inst: Institution, fees: readonly Fee[], mode: 'T0' | 'T1'): string {
  const n = inst.numbers;
  // A real sender writes 明细流水号 as a JSON integer (contract §8; the generator's are all digits, no leading zero).
  const q = inst.realForms ? '' : '"';
  let body = '{"feedetail":[';
  for (let i = 0; i < fees.length; i++) {
    const f = fees[i] as Fee;
    const v = mode === 'T0' && f.t0 ? f.t0 : f;
    const it = f.item;
    if (i > 0) body += ',';
    body += `{"feedetl_sn":${q}${f.sn}${q},"mdtrt_id":"${f.mdtrt}","psn_no":"${f.psn}","fee_ocur_time":"${dt(f.day, f.sec)}","med_list_codg":"${inst.localCodes ? it.localCode : it.code}","medins_list_codg":"${it.hilist}","det_item_fee_sumamt":${json(amount(v.cents, n))},"cnt":${json(quantity(v.cnt, n))},"pric":${json(price(v.priceMicro, n))},"bilg_dept_codg":"${f.dept}","bilg_dr_codg":"${f.dr}","med_type":${json(codeValue(f.medType, n))}`;
    if (f.initSn !== undefined) body += `,"init_feedetl_sn":${q}${f.initSn}${q}`;
    if (f.drord !== undefined) body += `,"drord_no":"${f.drord}"`;
    if (f.rxno !== undefined) body += `,"rxno":"${f.rxno}"`;
    if (it.isDrug && it.listType !== '102' && f.days !== undefined)
      body += `,"sin_dos_dscr":"${it.dose}","used_frqu_dscr":"${it.freq}","prd_days":${json(quantity(f.days, n))},"medc_way_dscr":"${it.route}"`;
    if (f.trace !== undefined) body += `,"drug_trac_codg":"${f.trace}"`;
    if (mode === 'T1') body += `,"inscp_amt":${json(amount(inscpOf(f.cents, it.lv), n))}`;
    body += '}';
  }
  body += ']}';
  return body;
}

/**
 * The price an institution charges for an item, per smallest unit: services at the level's share
 * of the ceiling, drugs and consumables at the institution's purchase price (零差率), never above.
 */
export function priceOf(inst: Institution, item: Item): number {
  if (item.isService) {
    const f = inst.level === '3' ? 1 : inst.level === '2' ? 0.92 : 0.85;
    return Math.min(item.ceilingMicro, Math.round((item.ceilingMicro * f) / 10000) * 10000);
  }
  const h = hash32(inst.index, item.index) / 4294967296;
  return Math.min(item.ceilingMicro, Math.max(100, Math.round((item.ceilingMicro * (0.82 + 0.18 * h)) / 100) * 100));
}
