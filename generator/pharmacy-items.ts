import type { Condition } from './clinical-outpatient.js';
import { cumulative } from './prng.js';

/**
 * What pharmacies stock and sell (catalogue aliases): acute remedies, chronic-disease drugs by
 * condition, children's medicines, vitamins, herbs; which are prescription-only; who supplies and
 * makes them (made-up companies).
 */
export const ACUTE = [
  'lianhua',
  'ganmao',
  'paracetamol',
  'ibuprofenSR',
  'amoxicillin',
  'cefixime',
  'azithromycin',
  'ambroxol',
  'smectite',
  'omeprazole',
  'hydrotalcite',
  'domperidone',
  'diclofenac',
];
export const CHRONIC: Readonly<Record<Condition, readonly string[]>> = {
  htn: ['amlodipine', 'nifedipine', 'irbesartan', 'metoprolol'],
  dm: ['metformin', 'glimepiride', 'acarbose', 'insulinGlargine'],
  chd: ['aspirin', 'atorvastatin', 'danshen', 'xuesaitong', 'isosorbide', 'clopidogrel', 'rosuvastatin', 'ginkgo'],
  copd: ['budesonideFormoterol'],
};
export const CHILD = ['childParacetamol', 'childChiqiao', 'childFeire', 'childHuatan', 'ibuprofenSusp'];
export const OTHER = [
  'vitaminC',
  'vitaminB1',
  'vitaminBComplex',
  'huangqi',
  'dangshen',
  'danggui',
  'gancao',
  'finasteride',
  'tamsulosin',
  'estradiolValerate',
];
/** Prescription-only (处方药): sold against a prescription, with the prescriber recorded. */
export const RX = new Set([
  'amoxicillin',
  'cefixime',
  'azithromycin',
  ...Object.values(CHRONIC).flat(),
  'finasteride',
  'tamsulosin',
  'estradiolValerate',
  'domperidone',
]);
export const CONDITIONS: readonly (readonly [Condition, number])[] = [
  ['htn', 0.5],
  ['dm', 0.25],
  ['chd', 0.17],
  ['copd', 0.08],
];
export const CONDITION_CUM = cumulative(CONDITIONS.map(([, w]) => w));
export const SUPPLIERS = ['雅安康源医药有限公司', '四川蜀康医药物流有限公司', '雅安惠民医药配送有限公司', '川西医药贸易有限公司'];
export const MAKERS = [
  '华西康泰制药有限公司',
  '青衣江药业股份有限公司',
  '蜀南制药有限公司',
  '金沙药业集团有限公司',
  '岷山中药饮片有限公司',
];
export const WEEKDAY_SALES = [1.05, 0.95, 0.95, 0.95, 1.0, 1.05, 1.05];
export const CONDITION_BIT: Readonly<Record<Condition, number>> = { htn: 1, dm: 2, chd: 4, copd: 8 };
export const CHRONIC_DX: Readonly<Record<Condition, string>> = { htn: 'I10.x00', dm: 'E11.900', chd: 'I25.100', copd: 'J44.900' };
