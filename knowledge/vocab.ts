/**
 * The closed vocabularies of the national knowledge batches: each label a sheet may hold, and the
 * typed value it means. A label outside these lists is an error at its cell (never guessed), so a
 * new batch that introduces a value is noticed and its meaning decided here, once.
 */

/** 医保药品编码: 西药 `X` + 22 (e.g. XL02BBA326A001010102180), 中成药 `Z` + 19 (ZA04CAE0023010100166). */
export const DRUG_CODE = /^(?:X[A-Z]\d{2}[A-Z]{3}\d{3}[A-Z]\d{12}|Z[A-Z]\d{2}[A-Z]{3}\d{13})$/;
/** 医疗服务项目编码: 15 digits (e.g. 001102000010000). */
export const SERVICE_CODE = /^\d{15}$/;

export const DRUG_CODE_TEXT = '医保药品编码 (西药 X+22 位, 中成药 Z+19 位)';
export const SERVICE_CODE_TEXT = '医疗服务项目编码 (15 位数字)';

/** 限定对象 / 限定性别 of the gender batches → `gend` (contract GEND). */
export const GEND_OF = { 男: '1', 女: '2' } as const;

/** 限定对象 of the age batches: named groups, whose bounds are in the age-group overlay. */
export const AGE_GROUP_OF = { 儿童: 'child', 新生儿: 'newborn', 婴幼儿: 'infant' } as const;
export type AgeGroup = (typeof AGE_GROUP_OF)[keyof typeof AGE_GROUP_OF];
export const AGE_GROUPS = Object.values(AGE_GROUP_OF) as [AgeGroup, ...AgeGroup[]];

/** 限定对象 of batch 3: insurance other than basic medical insurance. */
export const INSURANCE_OF = { 工伤: 'work-injury', 生育: 'maternity' } as const;

/** 限定值域 of batch 4 → the rule format's 应用场景 (rules/engine/schema.ts `Setting`). */
export const SETTING_OF = { 住院: 'inpatient' } as const;

/** 限定值域 of batch 5 → the lowest `hosp_lv` (contract HOSP_LV) at which the drug is payable. */
export const HOSP_LEVEL_OF = { 二级: '2', 三级: '3' } as const;

/** 频度 of batch 7: the span within which 主项 and 从项 may not both be charged. */
export const PER_OF = { 单日: 'day', 单次就诊: 'visit', '6小时': '6h', 同一小时: 'hour' } as const;

/** 数量单位 of batch 8-1: what one unit of 限制数量 is (the limit applies per calendar day). */
export const UNIT_OF = { 日: 'day', 天: 'day', 小时: 'hour' } as const;

/** 限定值域 of batch 2: the surgery groups, with a stable id each. */
export const SURGERY_GROUP_OF = {
  胃肠手术组: 'gastrointestinal',
  直肠肛门手术组: 'anorectal',
  经腹直肠手术组: 'transabdominal-rectal',
  肝胆手术组: 'hepatobiliary',
  膀胱尿道手术组: 'bladder-urethra',
  男性生殖系统手术组: 'male-genital',
  女性生殖系统手术组: 'female-genital',
} as const;

/** 限定值域 of batch 6: a course in days (`14天`). */
export const DAYS = /^([1-9]\d{0,3})天$/;

/** First cell of a footer row below the entries (batch 8-1: 合计, then a 备注 paragraph). */
export const FOOTER = /^(?:合计|总计|小计|备注|注[:：]|说明)/;

/** The values of a vocabulary, for an issue's `expected` and hint. */
export const labels = (vocab: Readonly<Record<string, string>>): string => Object.keys(vocab).join('|');

/** The typed value of `label` in `vocab`, if it is one of its labels. */
export function lookup<V extends Readonly<Record<string, string>>>(vocab: V, label: string): V[keyof V] | undefined {
  return Object.hasOwn(vocab, label) ? vocab[label as keyof V] : undefined;
}
