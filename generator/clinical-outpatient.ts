/**
 * Outpatient care profiles: a diagnosis (ICD-10 医保版), who has it (age group weights, sex), the
 * department, and what a visit for it charges, each item with the probability of being prescribed.
 * Items are catalogue aliases (catalogue-data.ts). Honest visits are drawn from these and then
 * checked against the knowledge tables, so a profile can never make an honest visit break a rule.
 */

/** Age groups: child (< 14), adult (14 – 59), elder (60 +). */
export type AgeGroup = 0 | 1 | 2;

export type Condition = 'htn' | 'dm' | 'chd' | 'copd';

/** What every care profile says about its diagnosis and who has it. */
export interface ProfileBase {
  readonly key: string;
  readonly icd: string;
  readonly dx: string;
  /** Preferred departments, first available at the institution wins (else its general department). */
  readonly depts: readonly string[];
  /** Relative frequency per age group. */
  readonly w: readonly [number, number, number];
  readonly sex?: '1' | '2';
  readonly minAge?: number;
  readonly maxAge?: number;
}

export interface OutpatientProfile extends ProfileBase {
  /** Winter amplitude: weight × (1 + season × winterness). */
  readonly season?: number;
  readonly drugs: readonly (readonly [string, number])[];
  /** Drugs for children instead of `drugs`, when given. */
  readonly childDrugs?: readonly (readonly [string, number])[];
  readonly exams: readonly (readonly [string, number])[];
  /** Procedures done in the visit (with their probability). */
  readonly procedures?: readonly (readonly [string, number])[];
  /** Probability of intravenous therapy (infusion, set, saline, an injectable). */
  readonly iv?: number;
  /** Days of supply prescribed: [min, max]. */
  readonly days: readonly [number, number];
  /** A chronic condition the person must have (chronic visits sample people who have it). */
  readonly condition?: Condition;
  /** Relative weight among emergency visits (0 or absent: not seen in the emergency department). */
  readonly er?: number;
  /** Institution kinds where the profile is much more common. */
  readonly favouredAt?: readonly string[];
}

// prettier-ignore
export const OUTPATIENT_PROFILES: readonly OutpatientProfile[] = [
  {
    key: 'uri', icd: 'J06.900', dx: '急性上呼吸道感染', depts: ['A03.01', 'A07'], w: [3, 1.2, 0.8], season: 0.5, er: 2,
    drugs: [['amoxicillin', 0.35], ['cefixime', 0.2], ['lianhua', 0.35], ['ganmao', 0.3], ['paracetamol', 0.25]],
    childDrugs: [['childParacetamol', 0.5], ['childChiqiao', 0.4], ['amoxicillin', 0.3]],
    exams: [['cbc5', 0.5], ['crp', 0.3]], iv: 0.12, days: [3, 5],
  },
  {
    key: 'pharyngitis', icd: 'J02.900', dx: '急性咽炎', depts: ['A11', 'A03.01', 'A07'], w: [1.5, 1, 0.5], season: 0.3,
    drugs: [['amoxicillin', 0.4], ['azithromycin', 0.2], ['lianhua', 0.3]],
    childDrugs: [['childChiqiao', 0.5], ['amoxicillin', 0.4]],
    exams: [['cbc5', 0.4]], days: [3, 5],
  },
  {
    key: 'tonsillitis', icd: 'J03.900', dx: '急性扁桃体炎', depts: ['A11', 'A07', 'A03.01'], w: [2, 0.6, 0.2], er: 1,
    drugs: [['amoxicillin', 0.6], ['cefixime', 0.3], ['ibuprofenSR', 0.3]],
    childDrugs: [['amoxicillin', 0.6], ['ibuprofenSusp', 0.4]],
    exams: [['cbc5', 0.6], ['crp', 0.4]], iv: 0.2, days: [3, 5],
  },
  {
    key: 'bronchitis', icd: 'J20.900', dx: '急性支气管炎', depts: ['A03.01', 'A07'], w: [1.5, 1, 1.5], season: 0.4, er: 1,
    drugs: [['ambroxol', 0.6], ['azithromycin', 0.3], ['methoxyphenamine', 0.3]],
    childDrugs: [['childFeire', 0.5], ['childHuatan', 0.4], ['azithromycin', 0.2]],
    exams: [['cbc5', 0.5], ['dr', 0.3]], iv: 0.2, days: [3, 7],
  },
  {
    key: 'influenza', icd: 'J11.100', dx: '流行性感冒', depts: ['A03.01', 'A07'], w: [2, 1, 1], season: 1.5, er: 2,
    drugs: [['oseltamivir', 0.7], ['lianhua', 0.4], ['paracetamol', 0.3]],
    childDrugs: [['oseltamivir', 0.6], ['childParacetamol', 0.5]],
    exams: [['cbc5', 0.4], ['crp', 0.3]], days: [5, 5],
  },
  {
    key: 'fever', icd: 'R50.900', dx: '发热', depts: ['A07', 'A03.01'], w: [2.5, 0, 0], maxAge: 13, season: 0.5, er: 3,
    drugs: [], childDrugs: [['childParacetamol', 0.5], ['ibuprofenSusp', 0.5], ['childChiqiao', 0.3]],
    exams: [['cbc5', 0.7], ['crp', 0.5]], iv: 0.1, days: [3, 3],
  },
  {
    key: 'gastritis', icd: 'K29.700', dx: '胃炎', depts: ['A03.02'], w: [0.1, 1.2, 1.2],
    drugs: [['omeprazole', 0.7], ['hydrotalcite', 0.4], ['domperidone', 0.4]],
    exams: [['usAbdomen', 0.15]], days: [7, 14],
  },
  {
    key: 'diarrhoea', icd: 'A09.900', dx: '感染性腹泻', depts: ['A03.02', 'A07'], w: [1.5, 0.6, 0.6], er: 2,
    drugs: [['smectite', 0.8], ['levofloxacin', 0.2]], childDrugs: [['smectite', 0.9]],
    exams: [['cbc5', 0.3]], iv: 0.15, days: [3, 3],
  },
  {
    key: 'abdominal-pain', icd: 'R10.400', dx: '腹痛', depts: ['A03.02', 'A04.01'], w: [0.5, 1, 1], er: 3,
    drugs: [['omeprazole', 0.4]], exams: [['cbc5', 0.7], ['usAbdomen', 0.6], ['urine', 0.3]], days: [3, 3],
  },
  {
    key: 'hypertension', icd: 'I10.x00', dx: '高血压', depts: ['A03.04'], w: [0, 1, 1.5], minAge: 30, condition: 'htn',
    drugs: [['amlodipine', 0.5], ['nifedipine', 0.3], ['irbesartan', 0.3], ['metoprolol', 0.2]],
    exams: [['ecg', 0.2], ['kidneyPanel', 0.1], ['lipidPanel', 0.1], ['electrolytePanel', 0.05]], days: [14, 30],
  },
  {
    key: 'diabetes', icd: 'E11.900', dx: '2型糖尿病', depts: ['A03.07'], w: [0, 1, 1.3], minAge: 25, condition: 'dm',
    drugs: [['metformin', 0.8], ['glimepiride', 0.3], ['acarbose', 0.3], ['insulinGlargine', 0.1]],
    exams: [['glucose', 0.5], ['hba1c', 0.2], ['kidneyPanel', 0.1], ['liverPanel', 0.05]], days: [14, 30],
  },
  {
    key: 'hyperlipidaemia', icd: 'E78.500', dx: '高脂血症', depts: ['A03.04', 'A03.07'], w: [0, 1, 1], minAge: 30,
    drugs: [['atorvastatin', 0.6], ['rosuvastatin', 0.4]], exams: [['lipidPanel', 0.5], ['liverPanel', 0.2]], days: [14, 30],
  },
  {
    key: 'chd', icd: 'I25.100', dx: '冠状动脉粥样硬化性心脏病', depts: ['A03.04'], w: [0, 0.5, 1.5], minAge: 40, condition: 'chd',
    drugs: [['aspirin', 0.6], ['atorvastatin', 0.5], ['isosorbide', 0.4], ['danshen', 0.4], ['clopidogrel', 0.2]],
    exams: [['ecg', 0.5]], days: [14, 30],
  },
  {
    key: 'copd', icd: 'J44.900', dx: '慢性阻塞性肺疾病', depts: ['A03.01'], w: [0, 0.3, 2], minAge: 40, condition: 'copd',
    drugs: [['budesonideFormoterol', 0.6], ['salbutamol', 0.4], ['ambroxol', 0.3]], exams: [['dr', 0.2]], days: [14, 30],
  },
  {
    key: 'knee-oa', icd: 'M17.900', dx: '膝关节病', depts: ['A50', 'A04.03'], w: [0, 0.5, 1.5], minAge: 40, favouredAt: ['tcm'],
    drugs: [['diclofenac', 0.5], ['ibuprofenSR', 0.3]], exams: [['dr', 0.4]], procedures: [['acupuncture', 0.4]], days: [7, 14],
  },
  {
    key: 'low-back-pain', icd: 'M54.500', dx: '腰痛', depts: ['A50', 'A04.03'], w: [0, 1, 1], minAge: 16, favouredAt: ['tcm'],
    drugs: [['diclofenac', 0.4], ['nimesulide', 0.3], ['ibuprofenSR', 0.3]], exams: [['dr', 0.2]],
    procedures: [['acupuncture', 0.5]], days: [7, 7],
  },
  {
    key: 'fatigue-tcm', icd: 'R53.x00', dx: '乏力(中医调理)', depts: ['A50'], w: [0, 0.6, 1], minAge: 18, favouredAt: ['tcm'],
    drugs: [['huangqi', 0.9], ['dangshen', 0.8], ['danggui', 0.7], ['gancao', 0.9]], exams: [], days: [7, 7],
  },
  {
    key: 'uti', icd: 'N39.000', dx: '尿路感染', depts: ['A03.06', 'A04.04'], w: [0.2, 1, 1], minAge: 18,
    drugs: [['levofloxacin', 0.5], ['cefixime', 0.4]], exams: [['urine', 0.9], ['cbc5', 0.3]], days: [3, 7],
  },
  {
    key: 'bph', icd: 'N40.x00', dx: '前列腺增生', depts: ['A04.04'], w: [0, 0.3, 1.5], sex: '1', minAge: 50,
    drugs: [['tamsulosin', 0.6], ['finasteride', 0.5], ['qianliean', 0.1]],
    exams: [['psa', 0.3], ['usTransrectal', 0.2], ['urine', 0.3]], days: [14, 30],
  },
  {
    key: 'vaginitis', icd: 'N76.000', dx: '急性阴道炎', depts: ['A05.01'], w: [0, 1, 0.3], sex: '2', minAge: 18, favouredAt: ['maternity'],
    drugs: [], exams: [['vaginalSecretion', 0.9], ['usTransvaginal', 0.2], ['tct', 0.1]], days: [7, 7],
  },
  {
    key: 'prenatal', icd: 'Z34.900', dx: '正常妊娠监督', depts: ['A05.02'], w: [0, 1, 0], sex: '2', minAge: 20, maxAge: 40, favouredAt: ['maternity'],
    drugs: [], exams: [['usObstetric', 0.7], ['cbc5', 0.5], ['urine', 0.5], ['thyroidPanel', 0.1]], days: [1, 1],
  },
  {
    key: 'infertility', icd: 'N97.900', dx: '女性不孕症', depts: ['A05.01'], w: [0, 1, 0], sex: '2', minAge: 22, maxAge: 40, favouredAt: ['maternity'],
    drugs: [['clomiphene', 0.5], ['dydrogesterone', 0.4]], exams: [['usTransvaginal', 0.6]], days: [5, 5],
  },
  {
    key: 'menopause', icd: 'N95.100', dx: '绝经期综合征', depts: ['A05.01'], w: [0, 1, 0.3], sex: '2', minAge: 45, maxAge: 60,
    drugs: [['estradiolValerate', 0.7]], exams: [['tct', 0.2], ['usTransvaginal', 0.3]], days: [21, 30],
  },
  {
    key: 'missed-abortion', icd: 'O02.100', dx: '稽留流产', depts: ['A05.01'], w: [0, 0.2, 0], sex: '2', minAge: 18, maxAge: 45, favouredAt: ['maternity'],
    drugs: [['mifepristone', 0.3]], exams: [['usTransvaginal', 0.9], ['cbc5', 0.6]], procedures: [['abortion', 0.7], ['anesthesiaLocal', 0.7]], days: [3, 3],
  },
  {
    key: 'hypothyroidism', icd: 'E03.900', dx: '甲状腺功能减退症', depts: ['A03.07'], w: [0, 1, 0.8], minAge: 18,
    drugs: [], exams: [['thyroidPanel', 0.9]], days: [1, 1],
  },
  {
    key: 'male-infertility', icd: 'N46.x00', dx: '男性不育症', depts: ['A04.04'], w: [0, 0.3, 0], sex: '1', minAge: 22, maxAge: 45,
    drugs: [], exams: [['semen', 0.9]], days: [1, 1],
  },
  {
    key: 'phimosis', icd: 'N47.x00', dx: '包茎', depts: ['A04.04', 'A04.01'], w: [0.3, 0.1, 0], sex: '1', minAge: 5, maxAge: 30,
    drugs: [], exams: [], procedures: [['circumcision', 0.8], ['anesthesiaLocal', 0.8]], days: [1, 1],
  },
];
