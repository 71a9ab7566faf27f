/**
 * Pattern vocabulary of contract §6: every rule and detector declares one of these codes, and every
 * ground-truth label names one. New codes are added to the contract's text first, then here; the
 * rule schema, the label schema, the generator and the scorecard all take them from this table.
 */
export const PATTERNS = {
  'drug-substitution': '串换药品/项目',
  'phantom-bed': '挂床住院',
  'phantom-admission': '虚假住院',
  'unbundled-charges': '分解收费',
  'split-admission': '分解住院',
  'duplicate-charge': '重复收费',
  'over-price': '超标准收费',
  'excess-quantity': '超量开药/超频次',
  'gender-restricted': '限性别',
  'age-restricted': '限年龄/儿童',
  'scope-restricted': '限医疗机构级别/就医方式/险种',
  'inventory-mismatch': '进销存不符',
  'trace-code-reuse': '追溯码重复',
  resale: '倒卖/套取药品',
  'peer-outlier': '同级对比异常',
  'volume-spike': '费用突增',
  collusion: '结伴就医/团伙',
} as const satisfies Record<string, string>;

/** A code of the vocabulary. */
export type Pattern = keyof typeof PATTERNS;

/** The codes in the contract's order, as a non-empty tuple for `z.enum`. */
export const PATTERN_CODES = Object.keys(PATTERNS) as [Pattern, ...Pattern[]];

/** Narrows a string read from outside (a CLI option, a stored hit) to a code of the vocabulary. */
export function isPattern(code: string): code is Pattern {
  return Object.hasOwn(PATTERNS, code);
}
