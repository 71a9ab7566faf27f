import type { SubjectKind } from './subject.js';

/** Case states, as stored (English codes) and as supervisors call them. */
export const STATES = {
  new: '待初审',
  triaged: '初审',
  reviewed: '复核',
  confirmed: '确认',
  dismissed: '驳回',
  rectifying: '整改',
  closed: '结案',
} as const;
export type CaseState = keyof typeof STATES;

export const SUBJECT_NAMES: Record<SubjectKind, string> = { doctor: '医师', person: '参保人', institution: '机构' };

export const SEVERITY_NAMES = { definite: '明确违规', suspect: '可疑' } as const;

/** States of a case whose violation a supervisor confirmed: credit and rule feedback count these. */
export const CONFIRMED_STATES = ['confirmed', 'rectifying', 'closed'] as const satisfies readonly CaseState[];

/** The confirmed states as an SQL list of constants, for `state IN (…)`. */
export const CONFIRMED_SQL = CONFIRMED_STATES.map((x) => `'${x}'`).join(', ');
