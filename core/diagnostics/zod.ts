import type { z } from 'zod';
import { isIssueCode, type IssueCode } from './codes.js';
import type { FieldPath, Finding } from './issue.js';

/**
 * zod issues → findings, the one converter (messages, reference rows, rules, knowledge tables and
 * rule tests all go through it). A schema's own checks name their code in `params.code` (see
 * `customIssue`); zod's built-in checks map to the codes below.
 */

/** What a consumer adds: the value that was parsed, how to show a value, which paths are personal data. */
export interface ZodFindingOptions {
  /** The value given to safeParse: what was found at a path is read from it (zod issues do not carry it). */
  readonly input?: unknown;
  /** Prepended to every issue's path (a body parsed on its own is `input.…` of its message). */
  readonly prefix?: FieldPath;
  /** How a found value is shown (default: JSON text up to 40 characters, or its kind). */
  readonly describe?: (value: unknown) => string;
  /** True for a path whose value must never be shown (personal data, contract §5). */
  readonly redact?: (path: FieldPath) => boolean;
  /** A fix hint for an issue that has none of its own (e.g. where the format is documented). */
  readonly hint?: (f: Omit<Finding, 'hint'>) => string | undefined;
}

/** The params of a schema's own check, carried by a zod `custom` issue. */
export interface CustomParams {
  readonly code: IssueCode;
  readonly expected?: string;
  readonly got?: string;
  readonly hint?: string;
}

/** Adds a schema check's own issue with a registered code (in superRefine / check). */
export function customIssue(ctx: z.RefinementCtx, message: string, params: CustomParams, path?: FieldPath): void {
  ctx.addIssue({ code: 'custom', message, params, ...(path === undefined ? {} : { path: [...path] }) });
}

export const REDACTED = '[个人信息已隐去]';
export const MISSING = '缺失';

/** A JSON value as a reason shows it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return MISSING;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return `数字 ${v}`;
  if (Array.isArray(v)) return '数组';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  return typeof v === 'object' ? '对象' : typeof v;
}

/** The value at `path` of `root`, undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.hasOwn(v, seg) ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return v;
}

const toPath = (p: readonly PropertyKey[]): FieldPath => p.map((s) => (typeof s === 'number' ? s : String(s)));

const unit = (origin: string) => (origin === 'string' ? '个字符' : origin === 'array' || origin === 'set' ? '项' : '');

function findingOf(issue: z.core.$ZodIssue, o: ZodFindingOptions): Omit<Finding, 'hint'> & { hint?: string } {
  const describe = o.describe ?? describeValue;
  const base = toPath(issue.path);
  const input = o.input === undefined ? undefined : valueAt(o.input, issue.path);
  const got = o.input === undefined ? undefined : describe(input);
  const common = { severity: 'error' as const, path: [...(o.prefix ?? []), ...base] };
  switch (issue.code) {
    case 'custom': {
      const p = issue.params as Partial<CustomParams> | undefined;
      const code = isIssueCode(p?.code) ? p.code : 'invalid';
      return {
        ...common,
        code,
        message: issue.message,
        ...(p?.expected === undefined ? {} : { expected: p.expected }),
        ...(p?.got === undefined ? (got === undefined ? {} : { got }) : { got: p.got }),
        ...(p?.hint === undefined ? {} : { hint: p.hint }),
      };
    }
    case 'invalid_type': {
      // zod reports a missing key as a type error; the value found tells them apart.
      const missing = o.input === undefined || input === undefined;
      const name = base[base.length - 1];
      return missing
        ? {
            ...common,
            code: 'missing-field',
            message: '缺少必填字段',
            expected: issue.expected,
            got: MISSING,
            ...(name === undefined ? {} : { hint: `添加字段 ${String(name)}` }),
          }
        : { ...common, code: 'invalid-type', message: '类型错误', expected: issue.expected, ...(got === undefined ? {} : { got }) };
    }
    case 'invalid_value':
      return {
        ...common,
        code: 'invalid-enum',
        message: '取值不在可选值中',
        expected: issue.values.map(String).join('|'),
        ...(got === undefined ? {} : { got }),
        hint: `可选值: ${issue.values.map(String).join(', ')}`,
      };
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        // A discriminated union whose tag matched no option: the tag's own value is what is wrong.
        const options = 'options' in issue && issue.options ? issue.options.map(String) : [];
        const tagAt = base[base.length - 1] === issue.discriminator ? issue.path : [...issue.path, issue.discriminator];
        const tag = o.input === undefined ? undefined : describe(valueAt(o.input, tagAt));
        const tagPath = [...(o.prefix ?? []), ...toPath(tagAt)];
        return {
          ...common,
          path: tagPath,
          code: 'invalid-enum',
          message: '取值不在可选值中',
          expected: options.join('|'),
          ...(tag === undefined ? {} : { got: tag }),
          ...(options.length ? { hint: `可选值: ${options.join(', ')}` } : {}),
        };
      }
      return { ...common, code: 'invalid-type', message: '类型错误', ...(got === undefined ? {} : { got }) };
    }
    case 'unrecognized_keys':
      return {
        ...common,
        path: [...common.path, ...issue.keys.slice(0, 1)],
        code: 'unknown-field',
        message: `未知字段 ${issue.keys.join(', ')}`,
        hint: '删除该字段或检查拼写',
      };
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = String(small ? issue.minimum : issue.maximum);
      const u = unit(issue.origin);
      return {
        ...common,
        code: small ? 'too-small' : 'too-big',
        message: small ? '数量或长度不足' : '超出上限',
        expected: u ? `${small ? '至少' : '至多'} ${bound} ${u}` : `${small ? '不小于' : '不大于'} ${bound}`,
        ...(got === undefined ? {} : { got }),
      };
    }
    case 'invalid_format':
      // The schema's own message (Chinese in fundwatch's schemas) says what the format is.
      return { ...common, code: 'invalid-format', message: issue.message, expected: issue.format, ...(got === undefined ? {} : { got }) };
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
      return { ...common, code: 'invalid', message: '无效', ...(got === undefined ? {} : { got }) };
  }
}

/** Every zod issue as a finding; a value at a personal-data path is never shown. */
export function fromZod(issues: readonly z.core.$ZodIssue[], options: ZodFindingOptions = {}): Finding[] {
  return issues.map((issue) => {
    const f = findingOf(issue, options);
    const hidden = f.got !== undefined && f.got !== MISSING && options.redact?.(f.path) === true;
    const out: Finding = { ...f, ...(hidden ? { got: REDACTED } : {}) };
    const hint = out.hint ?? options.hint?.(out);
    return hint === undefined ? out : { ...out, hint };
  });
}
