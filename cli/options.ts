import { isPattern } from '../contract/patterns.js';
import { FundwatchError } from '../core/errors.js';

/** The checks of the options the list commands share (`--pattern`, `--limit`): a usage error when wrong. */
export function checkListOptions(opts: { pattern?: string; limit?: number }): void {
  if (opts.pattern !== undefined && !isPattern(opts.pattern)) throw new FundwatchError('usage', `未知的模式 ${opts.pattern} (见合同 §6)`);
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0))
    throw new FundwatchError('usage', '--limit 需要正整数');
}
