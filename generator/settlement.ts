import { dt } from './calendar.js';
import type { Party, Totals } from './fee-types.js';
import { amount, codeValue, json, quantity } from './format.js';
import type { Population } from './population.js';

/**
 * Who pays what of a settlement (统筹 / 个人账户 / 现金), in cents. Simplified local policy, enough
 * for the contract's invariant `fund_pay_sumamt + acct_pay + psn_cash_pay = medfee_sumamt`.
 */
export type Setting = 'outpatient' | 'inpatient' | 'pharmacy';

export interface Split {
  readonly fund: number;
  readonly acct: number;
  readonly cash: number;
}

const DEDUCTIBLE: Readonly<Record<string, number>> = { '3': 80000, '2': 50000, '1': 20000 };
const IP_RATIO: Readonly<Record<'310' | '390', Readonly<Record<string, number>>>> = {
  '310': { '3': 0.85, '2': 0.9, '1': 0.92 },
  '390': { '3': 0.6, '2': 0.75, '1': 0.85 },
};

export function splitPayment(medfee: number, inscp: number, insutype: '310' | '390', level: string, setting: Setting): Split {
  let fund = 0;
  let acct = 0;
  if (setting === 'inpatient') {
    const ded = DEDUCTIBLE[level] ?? 20000;
    fund = Math.floor(Math.max(0, inscp - ded) * (IP_RATIO[insutype][level] ?? 0.85));
  } else if (setting === 'outpatient') {
    fund = Math.floor(inscp * (insutype === '390' && level === '1' ? 0.6 : 0.5));
    if (insutype === '310') acct = Math.floor((medfee - fund) * 0.7);
  } else if (insutype === '390') fund = Math.floor(inscp * 0.5);
  else acct = Math.floor(medfee * 0.9);
  fund = Math.min(fund, medfee);
  acct = Math.min(acct, medfee - fund);
  return { fund, acct, cash: medfee - fund - acct };
}

/** 符合政策范围金额 of a line: 甲类 all, 乙类 90% (先行自付 10%), 丙类 none. */
export function inscpOf(cents: number, lv: string): number {
  if (lv === '3') return 0;
  if (lv === '2') return Math.trunc(cents * 0.9);
  return cents;
}

/**
 * The `input` of a 2207 / 2304 message, with the person's name and 身份证号 as real uploads carry
 * them (ingest hashes them). Written by template, like fee messages.
 */
export function settlementInput(o: {
  readonly setlId: string;
  readonly party: Party;
  readonly pop: Population;
  readonly day: number;
  readonly sec: number;
  readonly totals: Totals;
  readonly split: Split;
  readonly numbers: boolean;
  readonly begndate?: string;
  readonly enddate?: string;
}): string {
  const { party, pop, numbers: n, split } = o;
  const p = party.person;
  return (
    `{"setlinfo":{"setl_id":"${o.setlId}","mdtrt_id":"${party.mdtrt}","psn_no":"${party.psn}","psn_name":"${pop.name(p)}","certno":"${pop.certno(p)}",` +
    `"gend":${json(codeValue(String(pop.gend[p]), n))},"brdy":"${pop.brdy(p)}","age":${json(quantity(pop.age(p, o.day), n))},` +
    `"insutype":${json(codeValue(pop.insutypeCode(p), n))},"med_type":${json(codeValue(party.medType, n))},"setl_time":"${dt(o.day, Math.min(86399, Math.round(o.sec)))}",` +
    `"medfee_sumamt":${json(amount(o.totals.medfee, n))},"inscp_scp_amt":${json(amount(o.totals.inscp, n))},"fund_pay_sumamt":${json(amount(split.fund, n))},` +
    `"hifp_pay":${json(amount(split.fund, n))},"acct_pay":${json(amount(split.acct, n))},"psn_cash_pay":${json(amount(split.cash, n))}` +
    `${o.begndate ? `,"begndate":"${o.begndate}"` : ''}${o.enddate ? `,"enddate":"${o.enddate}"` : ''}}}`
  );
}
