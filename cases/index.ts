/** Cases (issue 14): hits grouped by subject, pattern and period, with risk and workflow fields. */
export { groupCases, appendAudit, nowText, formatGroupSummary, type GroupSummary, type AuditEntry } from './group.js';
export { listCases, showCase, caseHitIds, type CaseRow, type CaseDetail, type CaseFilter, type CaseHitRow, type AuditRow } from './read.js';
export { riskOf, type Risk, type RiskInput, type RiskParts } from './risk.js';
export { caseKeyOf, caseIdOf, CASE_SHAPES, type CaseKey, type SubjectKind, type PeriodKind } from './subject.js';
export { STATES, SUBJECT_NAMES, SEVERITY_NAMES, CONFIRMED_STATES, CONFIRMED_SQL, type CaseState } from './workflow.js';
export { ruleStats, type RuleStats, type RuleStatsArgs } from './stats.js';
