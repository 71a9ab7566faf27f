/**
 * Inpatient care profiles: the diagnosis, who is admitted for it, length of stay, the lowest
 * hospital level that treats it, and what each day of the stay charges: admission examinations,
 * examinations repeated every third day, daily drugs and treatments (units per day), a surgery day,
 * and drugs taken home. Bed, nursing and the daily 住院诊查费 are added for every day by the stay
 * simulation. Items are catalogue aliases; `a|b` means "a, or b where a is not allowed here".
 */
import type { ProfileBase } from './clinical-outpatient.js';

export interface InpatientProfile extends ProfileBase {
  /** Newborn conditions: the patient's age in days must be under this. */
  readonly maxAgeDays?: number;
  readonly los: readonly [number, number];
  readonly minLevel: 1 | 2 | 3;
  /** National med_type class of the stay: 21 普通住院, 22 外伤住院, 52 生育住院. */
  readonly medType: '21' | '22' | '52';
  readonly nursing: 'nurse1' | 'nurse2';
  readonly admit: readonly string[];
  readonly repeat?: readonly string[];
  readonly daily: readonly (readonly [string, number])[];
  /** Daily items given only on the first `n` days (e.g. antibiotics course, steroids). */
  readonly course?: { readonly days: number; readonly items: readonly (readonly [string, number])[] };
  readonly surgery?: { readonly day: number; readonly items: readonly (readonly [string, number])[] };
  readonly takeHome?: readonly (readonly [string, number])[];
  readonly favouredAt?: readonly string[];
  readonly season?: number;
}

const LABS = ['cbc5', 'liverPanel', 'kidneyPanel', 'electrolytePanel'];

// prettier-ignore
export const INPATIENT_PROFILES: readonly InpatientProfile[] = [
  {
    key: 'pneumonia', icd: 'J18.900', dx: '肺炎', depts: ['A03.01', 'A07'], w: [1.2, 0.6, 2.2], los: [6, 10], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: [...LABS, 'crp', 'dr', 'ecg'], repeat: ['cbc5', 'crp'], season: 0.6,
    daily: [['ceftriaxone', 2], ['saline', 2], ['ambroxol', 3], ['infusion', 2], ['infusionSet', 2], ['nebulizer', 2]],
    takeHome: [['cefixime', 6]],
  },
  {
    key: 'copd-exacerbation', icd: 'J44.100', dx: '慢性阻塞性肺疾病伴急性加重', depts: ['A03.01'], w: [0, 0.3, 2.5], minAge: 40, los: [8, 12],
    minLevel: 1, medType: '21', nursing: 'nurse2', admit: [...LABS, 'crp', 'ct', 'ecg'], repeat: ['cbc5'], season: 0.5,
    daily: [['piptazo|ceftriaxone', 3], ['saline', 3], ['infusion', 3], ['infusionSet', 3], ['oxygen', 12], ['nebulizer', 2], ['sputum', 2]],
    course: { days: 5, items: [['methylpred', 2]] }, takeHome: [['budesonideFormoterol', 1]],
  },
  {
    key: 'stroke', icd: 'I63.900', dx: '脑梗死', depts: ['A03.03'], w: [0, 0.3, 2], minAge: 40, los: [10, 14], minLevel: 1, medType: '21',
    nursing: 'nurse1', admit: [...LABS, 'lipidPanel', 'coagPanel', 'ct', 'mri', 'ecg'], repeat: ['cbc5'],
    daily: [['aspirin', 1], ['clopidogrel', 1], ['atorvastatin', 1], ['xuesaitong', 4], ['saline', 1], ['infusion', 1], ['infusionSet', 1], ['sputum', 2]],
    takeHome: [['aspirin', 30], ['atorvastatin', 28]],
  },
  {
    key: 'heart-failure', icd: 'I50.900', dx: '心力衰竭', depts: ['A03.04'], w: [0, 0.2, 2], minAge: 40, los: [7, 10], minLevel: 1, medType: '21',
    nursing: 'nurse1', admit: [...LABS, 'dr', 'ecg'], repeat: ['electrolytePanel'],
    daily: [['metoprolol', 2], ['isosorbide', 1], ['irbesartan', 1], ['oxygen', 8], ['glucoseInj', 1], ['infusion', 1], ['infusionSet', 1]],
  },
  {
    key: 'pci', icd: 'I25.100', dx: '冠状动脉粥样硬化性心脏病', depts: ['A03.04'], w: [0, 0.4, 1.2], minAge: 40, los: [5, 8], minLevel: 3, medType: '21',
    nursing: 'nurse1', admit: [...LABS, 'lipidPanel', 'coagPanel', 'ecg', 'dr'],
    daily: [['aspirin', 1], ['clopidogrel', 1], ['atorvastatin', 1], ['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    // 第七批: 经皮冠状动脉内支架置入术 includes the day's 冠状动脉造影术, so it is not charged beside it.
    surgery: { day: 1, items: [['pci', 1], ['stent', 1], ['anesthesiaLocal', 1]] },
    takeHome: [['aspirin', 30], ['clopidogrel', 28], ['atorvastatin', 28]],
  },
  {
    key: 'appendicitis', icd: 'K35.900', dx: '急性阑尾炎', depts: ['A04.01'], w: [0.5, 1, 0.4], minAge: 6, los: [4, 6], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: ['cbc5', 'crp', 'coagPanel', 'liverPanel', 'kidneyPanel', 'usAbdomen', 'ecg'],
    daily: [['ceftriaxone', 2], ['saline', 2], ['infusion', 2], ['infusionSet', 2]],
    surgery: { day: 0, items: [['appendectomy', 1], ['anesthesiaGA', 1], ['suture', 1], ['catheterKit', 1]] },
  },
  {
    key: 'cholecystitis', icd: 'K80.100', dx: '胆囊结石伴急性胆囊炎', depts: ['A04.01'], w: [0, 1, 1], minAge: 18, los: [5, 7], minLevel: 2, medType: '21',
    nursing: 'nurse2', admit: [...LABS, 'coagPanel', 'usAbdomen', 'ct', 'ecg'],
    daily: [['ceftriaxone', 2], ['pantoprazole', 1], ['saline', 2], ['infusion', 2], ['infusionSet', 2]],
    surgery: { day: 1, items: [['lapChole', 1], ['anesthesiaGA', 1], ['stapler', 1], ['suture', 1]] },
  },
  {
    key: 'hernia', icd: 'K40.900', dx: '单侧腹股沟疝', depts: ['A04.01'], w: [0.2, 1, 1], minAge: 3, los: [3, 5], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: ['cbc5', 'coagPanel', 'ecg', 'dr'],
    daily: [['ceftriaxone', 1], ['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    surgery: { day: 1, items: [['hernia', 1], ['herniaMesh', 1], ['anesthesiaSpinal', 1]] },
  },
  {
    key: 'hip-fracture', icd: 'S72.000', dx: '股骨颈骨折', depts: ['A04.03'], w: [0, 0.2, 2], minAge: 50, los: [10, 14], minLevel: 2, medType: '22',
    nursing: 'nurse1', admit: [...LABS, 'coagPanel', 'dr', 'ct', 'ecg'], repeat: ['cbc5'],
    daily: [['saline', 1], ['infusion', 1], ['infusionSet', 1], ['paracetamol', 3]],
    course: { days: 3, items: [['ceftriaxone', 2]] },
    surgery: { day: 2, items: [['hipReplacement', 1], ['hipProsthesis', 1], ['anesthesiaSpinal', 1], ['suture', 2], ['catheterKit', 1]] },
  },
  {
    key: 'vaginal-delivery', icd: 'O80.000', dx: '单胎顺产', depts: ['A05.02'], w: [0, 1, 0], sex: '2', minAge: 20, maxAge: 40, los: [2, 3], minLevel: 1,
    medType: '52', nursing: 'nurse2', admit: ['cbc5', 'coagPanel', 'usObstetric'], favouredAt: ['maternity'],
    daily: [['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    surgery: { day: 0, items: [['vaginalDelivery', 1], ['oxytocin', 1]] },
  },
  {
    key: 'cesarean', icd: 'O82.000', dx: '经剖宫产术的单胎分娩', depts: ['A05.02'], w: [0, 0.8, 0], sex: '2', minAge: 20, maxAge: 42, los: [4, 6],
    minLevel: 2, medType: '52', nursing: 'nurse1', admit: ['cbc5', 'coagPanel', 'liverPanel', 'kidneyPanel', 'usObstetric', 'ecg'], favouredAt: ['maternity'],
    daily: [['saline', 2], ['infusion', 2], ['infusionSet', 2]],
    course: { days: 2, items: [['ceftriaxone', 1]] },
    surgery: { day: 0, items: [['cesarean', 1], ['anesthesiaSpinal', 1], ['oxytocin', 2], ['suture', 1], ['catheterKit', 1]] },
  },
  {
    key: 'turp', icd: 'N40.x00', dx: '前列腺增生', depts: ['A04.04'], w: [0, 0.2, 1.5], sex: '1', minAge: 50, los: [5, 7], minLevel: 2, medType: '21',
    nursing: 'nurse2', admit: ['cbc5', 'psa', 'coagPanel', 'kidneyPanel', 'usTransrectal', 'ecg'],
    daily: [['saline', 3], ['infusion', 1], ['infusionSet', 1], ['tamsulosin', 1]],
    course: { days: 3, items: [['ceftriaxone', 1]] },
    surgery: { day: 1, items: [['turp', 1], ['anesthesiaSpinal', 1], ['catheterKit', 1]] },
    takeHome: [['finasteride', 10], ['tamsulosin', 10]],
  },
  {
    key: 'diabetes-control', icd: 'E11.900', dx: '2型糖尿病', depts: ['A03.07'], w: [0, 0.8, 1.2], minAge: 25, los: [7, 10], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: [...LABS, 'hba1c', 'lipidPanel', 'urine', 'ecg', 'usAbdomen'],
    daily: [['metformin', 3], ['glucosePoct', 4]],
    course: { days: 1, items: [['insulinGlargine', 1], ['insulinAspart', 1]] },
    takeHome: [['metformin', 60]],
  },
  {
    key: 'lung-cancer', icd: 'C34.900', dx: '肺恶性肿瘤', depts: ['A19', 'A03.01'], w: [0, 0.3, 1], minAge: 40, los: [6, 10], minLevel: 2, medType: '21',
    nursing: 'nurse1', admit: [...LABS, 'coagPanel', 'ct', 'mri', 'ecg'], repeat: ['cbc5'], favouredAt: ['oncology'],
    daily: [['thymalfasin', 1], ['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    surgery: { day: 3, items: [['nabPaclitaxel', 3], ['tislelizumab', 2], ['ondansetron', 2]] },
  },
  {
    key: 'breast-cancer', icd: 'C50.900', dx: '乳腺恶性肿瘤', depts: ['A19', 'A04.01'], w: [0, 0.6, 0.4], sex: '2', minAge: 30, los: [6, 9], minLevel: 2,
    medType: '21', nursing: 'nurse1', admit: [...LABS, 'coagPanel', 'ct', 'ecg'], repeat: ['cbc5'], favouredAt: ['oncology'],
    daily: [['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    surgery: { day: 2, items: [['nabPaclitaxel', 3], ['trastuzumab', 3], ['ondansetron', 2]] },
  },
  {
    key: 'colon-cancer', icd: 'C18.900', dx: '结肠恶性肿瘤', depts: ['A19', 'A04.01'], w: [0, 0.3, 1], minAge: 40, los: [6, 9], minLevel: 2, medType: '21',
    nursing: 'nurse1', admit: [...LABS, 'coagPanel', 'ct', 'ecg'], repeat: ['cbc5'], favouredAt: ['oncology'],
    daily: [['saline', 1], ['infusion', 1], ['infusionSet', 1]],
    surgery: { day: 2, items: [['oxaliplatin', 3], ['fluorouracil', 12], ['bevacizumab', 4], ['ondansetron', 2]] },
  },
  {
    key: 'neonatal-jaundice', icd: 'P59.900', dx: '新生儿黄疸', depts: ['A07'], w: [1, 0, 0], maxAgeDays: 28, los: [3, 5], minLevel: 1, medType: '21',
    nursing: 'nurse1', admit: ['cbc5', 'tbil', 'dbil', 'hearingScreen'], repeat: ['tbil'], favouredAt: ['maternity'],
    daily: [['phototherapy', 12]],
  },
  {
    key: 'child-gastroenteritis', icd: 'A09.900', dx: '感染性腹泻', depts: ['A07', 'A03.02'], w: [1.5, 0.3, 0.5], los: [3, 5], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: ['cbc5', 'crp', 'electrolytePanel', 'urine'],
    daily: [['smectite', 3], ['glucoseInj', 1], ['saline', 1], ['infusion', 1], ['infusionSet', 1]],
  },
  {
    key: 'back-pain-tcm', icd: 'M54.500', dx: '腰痛', depts: ['A50', 'A04.03'], w: [0, 1, 1], minAge: 30, los: [8, 12], minLevel: 1, medType: '21',
    nursing: 'nurse2', admit: ['cbc5', 'dr', 'ecg'], favouredAt: ['tcm'],
    daily: [['acupuncture', 1], ['huangqi', 30], ['dangshen', 15], ['danggui', 10], ['gancao', 6], ['diclofenac', 1]],
  },
];
