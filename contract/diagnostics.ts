import type { z } from 'zod';
import { describe } from './scalars.js';
import { PII_FIELDS } from './tables.js';

/**
 * A located problem with an input, as data (style item 3): a stable kebab-case code, where it is,
 * and what was expected against what was found. Formatting is separate.
 */
export interface Diagnostic {
  readonly code: string;
  /** Field path, e.g. `input.feedetail[1].med_list_codg`; empty for the whole message. */
  readonly path: string;
  /** Short Chinese label, e.g. 必填字段缺失. */
  readonly message: string;
  readonly expected?: string;
  readonly got?: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

const ZOD_CODES: Record<string, [string, string]> = {
  invalid_type: ['invalid-type', '类型错误'],
  too_small: ['too-small', '数量不足'],
  too_big: ['too-big', '超出上限'],
  invalid_union: ['invalid-type', '类型错误'],
  unrecognized_keys: ['unknown-field', '未知字段'],
  invalid_value: ['invalid-enum', '取值不在代码表中'],
};

/** Zod issues → diagnostics; a value at a personal-data path is never shown. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Diagnostic[] {
  return issues.map((issue) => {
    const fullPath = [...prefix, ...issue.path];
    const last = fullPath[fullPath.length - 1];
    const isPii = typeof last === 'string' && PII_FIELDS.has(last);
    const params = (issue.code === 'custom' ? issue.params : undefined) as { code?: string; expected?: string; got?: string } | undefined;
    let code: string;
    let message: string;
    let expected: string | undefined;
    let got: string | undefined;
    if (params?.code) {
      code = params.code;
      message = issue.message;
      expected = params.expected;
      got = params.got;
    } else {
      const [c, m] = ZOD_CODES[issue.code] ?? ['invalid', '无效'];
      code = c;
      message = m;
      if (issue.code === 'invalid_type') {
        expected = issue.expected;
        got = describe(issue.input);
      } else if (issue.code === 'too_small') {
        expected = `至少 ${String(issue.minimum)} 项`;
      } else if (issue.code === 'too_big') {
        expected = `至多 ${String(issue.maximum)} 项`;
      }
    }
    return {
      code,
      path: formatPath(fullPath),
      message,
      ...(expected === undefined ? {} : { expected }),
      ...(got === undefined ? {} : { got: isPii && got !== '缺失' ? '[个人信息已隐去]' : got }),
    };
  });
}

/** `input.feedetail[1].cnt: 不是有效数值 (期望 数值(最多4位小数), 实际 "two")` */
export function formatDiagnostic(d: Diagnostic): string {
  const detail = d.expected !== undefined || d.got !== undefined ? ` (期望 ${d.expected ?? '-'}, 实际 ${d.got ?? '-'})` : '';
  return `${d.path ? `${d.path}: ` : ''}${d.message}${detail}`;
}
