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

export const isState = (s: string): s is CaseState => Object.hasOwn(STATES, s);

export const SUBJECT_NAMES: Record<SubjectKind, string> = { doctor: '医师', person: '参保人', institution: '机构' };

export const SEVERITY_NAMES = { definite: '明确违规', suspect: '可疑' } as const;

/**
 * The moves a supervisor may make from each state. 初审 and 复核 may dismiss; 复核 may send a case back
 * to 初审; a confirmed case goes to 整改 (money to recover) or straight to 结案 (nothing to recover).
 * A dismissed or closed case is reopened only by new facts (cases/group.ts), never by hand.
 */
export const TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  new: ['triaged', 'dismissed'],
  triaged: ['reviewed', 'dismissed'],
  reviewed: ['confirmed', 'dismissed', 'triaged'],
  confirmed: ['rectifying', 'closed'],
  rectifying: ['closed'],
  dismissed: [],
  closed: [],
};

/** Working days a case may stay in a state before it is overdue (办理期限), from entering it. */
export const DUE_WORKDAYS: Record<CaseState, number | null> = {
  new: 3,
  triaged: 5,
  reviewed: 5,
  confirmed: 10,
  rectifying: 30,
  dismissed: null,
  closed: null,
};

/** Why a case is dismissed (驳回理由): a code from this list, plus free text (required for `other`). */
export const DISMISS_REASONS = {
  'clinically-justified': '临床合理, 有医嘱与病历支持',
  'policy-allowed': '符合医保政策或已备案',
  'data-error': '上传数据错误, 已更正',
  duplicate: '与其他线索重复',
  'insufficient-evidence': '证据不足',
  whitelisted: '属于白名单或例外',
  other: '其他 (须写明说明)',
} as const;
export type DismissReason = keyof typeof DISMISS_REASONS;

/** What a transition may carry: the dismiss reason, the 追回/已追回/罚款 amounts (yuan). */
export interface TransitionInput {
  readonly to: string;
  readonly reason?: string | undefined;
  readonly note?: string | undefined;
  readonly recover_amt?: number | undefined;
  readonly recovered_amt?: number | undefined;
  readonly penalty_amt?: number | undefined;
}

const name = (s: string) => (isState(s) ? `${STATES[s]} (${s})` : s);

/**
 * Checks a transition from `from` against the workflow, in Chinese: null when allowed, else why
 * not. Pure, so the same check serves the CLI, the server and the tests.
 */
export function transitionProblem(from: string, t: TransitionInput, current: { recover_amt: number | null }): string | null {
  if (!isState(t.to)) return `未知的状态 ${t.to}, 可选: ${Object.keys(STATES).join(', ')}`;
  if (!isState(from)) return `线索处于未知状态 ${from}`;
  const allowed = TRANSITIONS[from];
  if (!allowed.includes(t.to))
    return allowed.length
      ? `不能从 ${name(from)} 转到 ${name(t.to)}: 只能转到 ${allowed.map(name).join('、')}`
      : `${name(from)} 的线索不能再转换状态 (只有新的违规事实会重新打开它)`;
  if (t.to === 'dismissed') {
    if (!t.reason || !Object.hasOwn(DISMISS_REASONS, t.reason))
      return `驳回须给出理由 --reason, 可选: ${Object.entries(DISMISS_REASONS)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`;
    if (t.reason === 'other' && !t.note?.trim()) return '理由为 other 时须用 --note 写明说明';
  } else if (t.reason !== undefined) return '只有驳回 (dismissed) 才带理由 --reason';
  for (const [k, v] of [
    ['--recover', t.recover_amt],
    ['--recovered', t.recovered_amt],
    ['--penalty', t.penalty_amt],
  ] as const)
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && Math.round(v * 100) === v * 100))
      return `${k} 须为不小于 0、最多两位小数的金额 (元)`;
  if (t.to === 'rectifying' && t.recover_amt === undefined) return '转入整改须写明追回金额 --recover <元>';
  if (t.to !== 'rectifying' && t.to !== 'closed' && (t.recover_amt ?? t.recovered_amt ?? t.penalty_amt) !== undefined)
    return '追回金额、已追回金额和罚款只在转入整改或结案时填写';
  if (t.to === 'closed' && from === 'rectifying' && t.recovered_amt === undefined) return '整改后结案须写明已追回金额 --recovered <元>';
  const recover = t.recover_amt ?? current.recover_amt;
  if (t.recovered_amt !== undefined && recover !== null && t.recovered_amt > recover)
    return `已追回金额 ${t.recovered_amt} 元超过应追回金额 ${recover} 元`;
  return null;
}

/** States of a case whose violation a supervisor confirmed: credit and rule feedback count these. */
export const CONFIRMED_STATES = ['confirmed', 'rectifying', 'closed'] as const satisfies readonly CaseState[];

/** The confirmed states as an SQL list of constants, for `state IN (…)`. */
export const CONFIRMED_SQL = CONFIRMED_STATES.map((x) => `'${x}'`).join(', ');
