import { PATTERNS, isPattern, type Pattern } from '../contract/patterns.js';

/** One thing to collect on site: what, where it is kept, and what it should show. */
export interface ChecklistItem {
  readonly item: string;
  readonly where: string;
  readonly check: string;
}

const records: ChecklistItem = {
  item: '病历 (门诊病历/住院病案首页及病程记录)',
  where: '病案室、电子病历系统',
  check: '诊断、病情与所收费用是否相符',
};
const orders: ChecklistItem = {
  item: '医嘱单 (长期/临时医嘱)',
  where: '住院部、HIS 医嘱模块',
  check: '每条收费明细是否有对应医嘱, 医嘱时间与收费时间是否一致',
};
const nursing: ChecklistItem = { item: '护理记录、体温单', where: '病区护士站', check: '患者在院期间每天是否有生命体征与护理记录' };
const feeList: ChecklistItem = {
  item: '费用明细清单 (患者签字版)',
  where: '收费处、住院结算处',
  check: '与 lines.csv 逐条核对数量、单价、金额',
};
const invoices: ChecklistItem = { item: '药品/耗材采购发票', where: '财务科、药剂科', check: '品种、规格、批号、数量与进销存记录一致' };
const delivery: ChecklistItem = { item: '随货同行单、入库验收单', where: '药库、仓库', check: '入库数量与时间与 ledger.csv 的购进一致' };
const stockCount: ChecklistItem = {
  item: '现场盘点 (实物库存)',
  where: '药房、药库货架',
  check: '实物数量与 ledger.csv 重建的库存是否相符, 记录差异',
};
const psiSystem: ChecklistItem = {
  item: '进销存系统导出 (含操作日志)',
  where: '药店/药房信息系统',
  check: '是否有事后补录、删除、修改记录',
};
const traceScan: ChecklistItem = {
  item: '药品追溯码扫码记录',
  where: '药房扫码设备、追溯平台',
  check: '同一追溯码是否多次销售, 与 trace-codes.csv 对照',
};
const cctv: ChecklistItem = { item: '监控录像 (CCTV)', where: '收费处、药房、病区走廊', check: '涉及日期与时段的人员在场情况' };
const roster: ChecklistItem = { item: '排班表、考勤记录', where: '医务科、人事科、药店', check: '开方医师/执业药师当日是否在岗' };
const prescriptions: ChecklistItem = {
  item: '处方 (含外配处方)、处方审核记录',
  where: '药房、处方流转平台',
  check: '处方是否真实、有医师签名, 药师是否审核',
};
const bedRoll: ChecklistItem = { item: '床位使用登记、查房记录', where: '病区', check: '住院期间患者是否在床 (夜间查房、请假离院记录)' };
const admission: ChecklistItem = { item: '入出院记录、住院证', where: '住院处', check: '入院指征是否成立, 出院与再入院的原因' };
const priceList: ChecklistItem = { item: '价格公示与收费标准', where: '收费处、物价科', check: '实际收费与医保支付标准、限价是否一致' };
const reports: ChecklistItem = {
  item: '检查检验报告及设备运行记录',
  where: '检验科、影像科',
  check: '收费的检查检验是否实际开展 (报告、设备日志)',
};
const identity: ChecklistItem = {
  item: '就诊身份核验记录 (刷脸/电子凭证)',
  where: '挂号收费处',
  check: '就诊人与参保人是否一致 (psn_no 在国家平台核验)',
};
const restriction: ChecklistItem = {
  item: '限定支付条件的审批与适应症材料',
  where: '医保办',
  check: '限性别、年龄、级别、就医方式的项目是否符合支付条件',
};

/** What an inspector collects on site, by pattern (contract §6 vocabulary). */
export const CHECKLISTS: Readonly<Record<Pattern, readonly ChecklistItem[]>> = {
  'drug-substitution': [prescriptions, feeList, invoices, delivery, stockCount, psiSystem, traceScan],
  'phantom-bed': [records, orders, nursing, bedRoll, feeList, cctv],
  'phantom-admission': [admission, records, orders, nursing, bedRoll, identity, cctv],
  'unbundled-charges': [orders, feeList, priceList, records, reports],
  'split-admission': [admission, records, orders, feeList],
  'duplicate-charge': [orders, feeList, priceList, reports],
  'over-price': [priceList, feeList, invoices],
  'excess-quantity': [prescriptions, orders, records, feeList, roster],
  'gender-restricted': [records, orders, restriction, identity],
  'age-restricted': [records, orders, restriction, identity],
  'scope-restricted': [restriction, records, orders, feeList],
  'inventory-mismatch': [stockCount, psiSystem, invoices, delivery, prescriptions, traceScan, cctv],
  'trace-code-reuse': [traceScan, psiSystem, prescriptions, stockCount, cctv, roster],
  resale: [prescriptions, identity, traceScan, psiSystem, cctv, roster],
  'peer-outlier': [records, orders, feeList, roster, priceList],
  'volume-spike': [roster, records, feeList, identity, cctv],
  collusion: [identity, records, admission, cctv, roster, prescriptions],
};

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The checklist of one pattern as Markdown (Chinese): a table, then the general reminders. */
export function checklistMarkdown(pattern: string, caseId: string): string {
  const items = isPattern(pattern) ? CHECKLISTS[pattern] : [records, orders, feeList, cctv, roster];
  const name = isPattern(pattern) ? PATTERNS[pattern] : pattern;
  return [
    `# 现场检查清单: ${name}`,
    '',
    `线索 ${caseId}。逐项调取并核对, 核对后在"已取得"一栏打勾。`,
    '',
    '| 序号 | 调取材料 | 存放位置 | 核对要点 | 已取得 |',
    '|---|---|---|---|---|',
    ...items.map((it, i) => `| ${i + 1} | ${cell(it.item)} | ${cell(it.where)} | ${cell(it.check)} | ☐ |`),
    '',
    '## 注意',
    '',
    '- 证据包只含脱敏信息; 参保人以 `psn_no` (人员编号) 在国家医保信息平台核验身份。',
    '- 调取材料须由被检查单位负责人签字确认, 复印件加盖公章。',
    '- 核对前先用 `fundwatch bundle verify <zip>` 确认证据包未被改动。',
    '',
  ].join('\n');
}
