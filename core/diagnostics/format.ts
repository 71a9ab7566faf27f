import type { Issue, Location } from './issue.js';

/**
 * Issues for people and for programs, kept apart from the data (issue.ts): one line of Chinese per
 * issue on the terminal, one JSON object per issue for `--json`.
 */

const SEVERITY_ZH = { error: '错误', warning: '警告' } as const;

/** `rules/library/x.yaml:12:7`, `batch8.xlsx Sheet1!C14`, `hi.fee[2]@1500`; empty when only a field path is known. */
export function formatLocation(at: Location): string {
  let out = at.file ?? '';
  if (at.line !== undefined) out += `:${at.line}${at.col === undefined ? '' : `:${at.col}`}`;
  if (at.sheet !== undefined) out += `${out ? ' ' : ''}${at.sheet}${at.cell === undefined ? '' : `!${at.cell}`}`;
  if (at.partition !== undefined) out += `[${at.partition}]`;
  if (at.offset !== undefined) out += `@${at.offset}`;
  return out;
}

/** `input.feedetail[1].cnt: 不是有效数值 (期望 数值(最多4位小数), 实际 "two")`: what and where inside the value. */
export function formatFinding(i: Pick<Issue, 'message' | 'expected' | 'got'> & { readonly at?: Pick<Location, 'path'> }): string {
  const detail = i.expected !== undefined || i.got !== undefined ? ` (期望 ${i.expected ?? '-'}, 实际 ${i.got ?? '-'})` : '';
  const path = i.at?.path;
  return `${path ? `${path}: ` : ''}${i.message}${detail}`;
}

/** `rules/library/x.yaml:12:7 错误 [unknown-column] logic.conditions.a: 未知的列 gnd — 修改建议: …` */
export function formatIssue(i: Issue): string {
  const where = formatLocation(i.at);
  return `${where ? `${where} ` : ''}${SEVERITY_ZH[i.severity]} [${i.code}] ${formatFinding(i)}${i.hint ? ` — 修改建议: ${i.hint}` : ''}`;
}

/** `✗ 2 个错误, 1 个警告` */
export function formatSummary(issues: readonly Issue[]): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return `${errors ? '✗' : '✓'} ${errors} 个错误, ${issues.length - errors} 个警告`;
}

/** `--json`: one issue per line (NDJSON), the same shape whatever the input. */
export function issuesJson(issues: readonly Issue[]): string {
  return issues.map((i) => `${JSON.stringify(i)}\n`).join('');
}
