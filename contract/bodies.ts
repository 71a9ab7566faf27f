import { z } from 'zod';
import { refined } from './refine.js';
import { DSCG_WAY, displayNames, GEND, HOSP_APPR_FLAG, INSUTYPE, INV_CHG_TYPE, RX_FLAG, TRDN_FLAG, type CodeTable } from './codes.js';
import { amount, code, codeIn, date, datetime, decimal, id, jsonOf, listCode, price, quantity, text, traceList } from './scalars.js';

/** A code field checked against its table (contract §4, §8): display names understood, unknown values null and noted. */
const coded = <R extends boolean = true>(table: CodeTable, required: R = true as R) => codeIn(table, displayNames(table), required);

/**
 * Message bodies of contract §2. Objects are loose: fields a province adds are kept (they land in the
 * row's `extra` JSON column), and only the fields the contract lists are checked.
 */

const visitFields = {
  mdtrt_id: id(30),
  psn_no: text(30),
  med_type: code(10),
  begntime: datetime(),
  insutype: coded(INSUTYPE, false),
  dise_codg: text(30, false),
  dscg_maindiag_code: text(30, false),
  adm_dept_codg: text(30, false),
  adm_bed: text(30, false),
  atddr_no: text(30, false),
  ipt_no: text(30, false),
  psn_name: text(50, false),
  certno: text(50, false),
};
export const Visit = z.looseObject(visitFields);

const Diagnosis = z.looseObject({
  diag_type: code(6, false),
  diag_code: text(30),
  maindiag_flag: code(3, false),
});

export const Discharge = z.looseObject({
  mdtrt_id: id(30),
  psn_no: text(30),
  endtime: datetime(),
  dscg_maindiag_code: text(30, false),
  dscg_way: coded(DSCG_WAY, false),
  dscg_dept_codg: text(30, false),
  diseinfo: jsonOf(z.array(Diagnosis), false),
});

const feeLineObject = z.looseObject({
  feedetl_sn: id(30),
  mdtrt_id: id(30),
  psn_no: text(30),
  fee_ocur_time: datetime(),
  med_list_codg: listCode(50),
  medins_list_codg: text(150),
  det_item_fee_sumamt: amount(),
  cnt: quantity(),
  pric: price(),
  bilg_dept_codg: text(30),
  bilg_dr_codg: text(30),
  init_feedetl_sn: id(30, false),
  med_type: code(10, false),
  drord_no: text(30, false),
  rxno: id(40, false),
  hosp_appr_flag: coded(HOSP_APPR_FLAG, false),
  sin_dos_dscr: text(200, false),
  used_frqu_dscr: text(200, false),
  prd_days: decimal(16, 2, false),
  medc_way_dscr: text(200, false),
  dise_codg: text(30, false),
  // 药品追溯码: one 20-digit code, or several joined by commas when one line stands for several boxes.
  drug_trac_codg: text(1000, false),
  inscp_amt: amount(false),
});
export const FeeLine = refined(feeLineObject, (line) =>
  typeof line['cnt'] === 'string' && line['cnt'].startsWith('-') && line['init_feedetl_sn'] === undefined
    ? {
        path: 'init_feedetl_sn',
        code: 'reversal-without-origin',
        message: '负数量的冲销明细必须指明原明细',
        expected: 'init_feedetl_sn',
        got: '缺失',
      }
    : undefined,
);

export const Settlement = z.looseObject({
  setl_id: id(30),
  mdtrt_id: id(30),
  psn_no: text(30),
  gend: coded(GEND),
  brdy: date(),
  insutype: coded(INSUTYPE),
  med_type: code(10),
  setl_time: datetime(),
  medfee_sumamt: amount(),
  fund_pay_sumamt: amount(),
  psn_cash_pay: amount(),
  age: decimal(16, 2, false),
  hifp_pay: amount(false),
  acct_pay: amount(false),
  inscp_scp_amt: amount(false),
  hifmi_pay: amount(false),
  hifob_pay: amount(false),
  maf_pay: amount(false),
  begndate: date(false),
  enddate: date(false),
  psn_name: text(50, false),
  certno: text(50, false),
  // Trace codes of the settled drugs (2207, since 2025): one child row each, keyed to the settlement.
  drug_trac_info: traceList(false),
});

export const SettlementCancel = z.looseObject({
  setl_id: id(30),
  mdtrt_id: id(30),
  psn_no: text(30),
});

const psiCommon = {
  med_list_codg: listCode(50),
  fixmedins_hilist_id: text(50),
  fixmedins_bchno: id(50),
  fixmedins_hilist_name: text(200, false),
  rx_flag: coded(RX_FLAG, false),
  manu_lotnum: text(50, false),
  manu_date: date(false),
  expy_end: date(false),
};

/** 3501 stocktake. */
export const PsiStocktake = z.looseObject({ ...psiCommon, invdate: date(), inv_cnt: quantity() });

/** 3502 stock change. */
export const PsiChange = z.looseObject({
  ...psiCommon,
  cnt: quantity(),
  inv_chg_type: coded(INV_CHG_TYPE, false),
  pric: price(false),
  inv_chg_time: datetime(false),
  trdn_flag: coded(TRDN_FLAG, false),
  drugtracinfo: traceList(false),
});

/** 3503 purchase, 3504 purchase return. */
export const PsiPurchase = z.looseObject({
  ...psiCommon,
  purc_retn_cnt: quantity(),
  dynt_no: text(50, false),
  spler_name: text(200, false),
  prdr_name: text(200, false),
  aprvno: text(100, false),
  finl_trns_pric: price(false),
  purc_retn_stoin_time: datetime(false),
  purc_invo_no: text(50, false),
  medins_prod_purc_no: text(50, false),
});

/** 3505 sale, 3506 sale return. */
const psiSaleObject = z.looseObject({
  ...psiCommon,
  sel_retn_cnt: quantity(),
  setl_id: id(30, false),
  psn_no: text(30, false),
  rxno: id(40, false),
  prsc_dr_certno: text(50, false),
  trdn_flag: coded(TRDN_FLAG, false),
  finl_trns_pric: price(false),
  sel_retn_time: datetime(false),
  drug_trac_codg: text(1000, false),
  drugtracinfo: traceList(false),
  rtal_docno: text(50, false),
  medins_prod_sel_no: text(50, false),
});
export const PsiSale = refined(psiSaleObject, (line) =>
  line['psn_no'] !== undefined && line['setl_id'] === undefined
    ? { path: 'setl_id', code: 'missing-field', message: '参保人购药必须有结算ID', expected: 'setl_id', got: '缺失' }
    : undefined,
);

/** 3507 deletion of a 进销存 line. */
export const PsiDeletion = refined(z.looseObject({ fixmedins_bchno: id(50), inv_data_type: code(1) }), (d) =>
  ['1', '2', '3', '4'].includes(d['inv_data_type'] as string)
    ? undefined
    : {
        path: 'inv_data_type',
        code: 'invalid-enum',
        message: '取值不在代码表中',
        expected: '1 盘存|2 变更|3 采购|4 销售',
        got: JSON.stringify(d['inv_data_type']),
      },
);
