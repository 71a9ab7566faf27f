/** Credit (信用): practitioners' 医保支付资格 记分 and institutions' 0–100 score, from confirmed cases. */
export {
  recomputeCredit,
  showCredit,
  creditOfCase,
  type RecomputeArgs,
  type RecomputeSummary,
  type ShowArgs,
  type CreditRow,
  type CreditCase,
} from './compute.js';
export {
  casePoints,
  consequenceOf,
  practitionerYears,
  practitionerKey,
  patternCredit,
  PATTERN_CREDIT,
  BANDS,
  SUSPEND_AT,
  TERMINATE_AT,
  SUSPEND_MONTHS,
  MAJOR_AMOUNT,
  type Band,
  type CasePoints,
  type Charges,
  type ConfirmedCase,
  type Consequence,
  type PatternCredit,
  type Practitioner,
  type PractitionerYear,
} from './points.js';
export { deductionOf, gradeOf, institutionYears, GRADES, GRAVITY_DEDUCTION, type Deduction, type InstitutionYear } from './institution.js';
