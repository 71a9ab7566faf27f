/** Cases (issue 14): hits grouped by subject, pattern and period, with risk and workflow fields. */
export { groupCases, appendAudit, formatGroupSummary, type GroupSummary, type AuditEntry } from './group.js';
export { listCases, showCase, caseHitIds, type CaseRow, type CaseDetail, type CaseFilter, type CaseHitRow, type AuditRow } from './read.js';
export { riskOf, type Risk, type RiskInput, type RiskParts } from './risk.js';
export { caseKeyOf, caseIdOf, CASE_SHAPES, type CaseKey, type SubjectKind, type PeriodKind } from './subject.js';
export {
  STATES,
  SUBJECT_NAMES,
  SEVERITY_NAMES,
  CONFIRMED_STATES,
  CONFIRMED_SQL,
  TRANSITIONS,
  DUE_WORKDAYS,
  DISMISS_REASONS,
  isState,
  transitionProblem,
  type CaseState,
  type DismissReason,
  type TransitionInput,
} from './workflow.js';
export {
  transitionCase,
  assignCase,
  commentCase,
  type ChangeContext,
  type Changed,
  type TransitionArgs,
  type AssignArgs,
} from './change.js';
export { mergeCases, detachHit, type MergeArgs, type DetachArgs } from './merge.js';
export { ruleStats, type RuleStats, type RuleStatsArgs } from './stats.js';
export {
  addSuppression,
  listSuppressions,
  expireSuppression,
  applySuppressions,
  countExpiringSoon,
  parseSuppression,
  SuppressionInput,
  SUPPRESS_FIELDS,
  EXPIRING_DAYS,
  MAX_DAYS_AHEAD,
  type SuppressField,
  type SuppressionRow,
  type AddedSuppression,
  type ListedSuppressions,
} from './suppress.js';
export { NO_ACTOR, requireActor } from './actor.js';
export { lineSharesSql, SHARE_SQL } from './shares.js';
