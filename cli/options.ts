import { isPattern } from '../contract/patterns.js';
import { NO_ACTOR } from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { PUBLISH_DEADLINE_WORKDAYS } from '../inspection/index.js';

/** The checks of the options the list commands share (`--pattern`, `--limit`): a usage error when wrong. */
export function checkListOptions(opts: { pattern?: string; limit?: number }): void {
  if (opts.pattern !== undefined && !isPattern(opts.pattern)) throw new FundwatchError('usage', `未知的模式 ${opts.pattern} (见合同 §6)`);
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0))
    throw new FundwatchError('usage', '--limit 需要正整数');
}

/**
 * Who is making a change: `--as`, else FUNDWATCH_USER. Every change to a case, a suppression or a
 * job names a person in the audit log, so a change without one is refused.
 */
export function actorOf(opts: { as?: string }): string {
  const actor = (opts.as ?? process.env.FUNDWATCH_USER ?? '').trim();
  if (!actor) throw new FundwatchError('usage', NO_ACTOR);
  return actor;
}

/** A positive whole number of working days, or a usage error. */
function workdays(v: string): number {
  const d = Number(v);
  if (!/^\d+$/.test(v) || d < 1) throw new FundwatchError('usage', `--deadline-days 须为 ≥ 1 的整数个工作日: ${v}`);
  return d;
}

/** `--deadline-days` of `draw publish` and `status`: the working days a draw's public record is due in. */
export const deadlineOption = [
  '--deadline-days <n>',
  `公开期限: 抽取后多少个工作日内须公开 (按法定节假日日历, default: ${PUBLISH_DEADLINE_WORKDAYS})`,
  workdays,
] as const;
