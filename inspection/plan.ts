import { z } from 'zod';
import {
  byPosition,
  customIssue,
  parseYaml,
  readYaml,
  type FieldPath,
  type Finding,
  type Issue,
  type YamlFile,
} from '../core/diagnostics/index.js';

/**
 * The draw plan (contract §9): a YAML file with exactly the keys of the contract, validated with
 * the shared diagnostics, every problem at its `file:line:col`. Beyond what a schema sees, the
 * source text decides two things the parsed value cannot: `10.0` parses to the integer 10 but is
 * a float, and `2026-10-01` unquoted is a YAML date in YAML 1.1 readers (a string in ours): both
 * are plan errors, so that every reader of the plan sees the same values.
 */

/** The institution columns (contract §3, `institutions.csv`) a stratum may filter on. */
export const FILTER_FIELDS = ['fixmedins_code', 'fixmedins_name', 'fixmedins_type', 'hosp_lv', 'admdvs', 'beds', 'specialty'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

const HINT = '见合同 §9 与 inspection/README.md 的计划格式';

const int = (min: number, max?: number) => {
  const base = z.int().min(min);
  return max === undefined ? base : base.max(max);
};

const isoDate = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}$/.test(s) &&
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      params: { code: 'invalid-date', expected: 'YYYY-MM-DD', hint: "日期须为有效的 'YYYY-MM-DD' (加引号)" },
      message: '日期格式错误',
    },
  );

const Filter = z.partialRecord(z.enum(FILTER_FIELDS), z.string());

export const Stratum = z
  .strictObject({
    name: z.string().min(1),
    filter: Filter,
    ratio_pct: int(1, 100).optional(),
    count: int(1).optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.ratio_pct === undefined) === (s.count === undefined))
      customIssue(ctx, '每个分层须有且只有 ratio_pct 与 count 之一', {
        code: 'invalid',
        expected: 'ratio_pct 或 count',
        got: s.ratio_pct === undefined ? '两者都没有' : '两者都有',
        hint: 'ratio_pct: 1–100 的整数 (抽取比例), count: ≥ 1 的整数 (抽取家数)',
      });
  });

export const Directed = z.strictObject({ min_case_risk: int(0, 100), max_targets: int(1) });

export const Plan = z
  .strictObject({
    plan_id: z.string().min(1),
    period: z.strictObject({ from: isoDate, to: isoDate }),
    strata: z.array(Stratum).min(1),
    inspectors_per_target: int(1),
    max_targets_per_inspector: int(1).optional(),
    exclude_inspected_within_months: int(0).optional(),
    inspector_roles: z.array(z.string().min(1)).min(1).optional(),
    directed: Directed.optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.strata.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first === undefined) seen.set(s.name, i);
      else
        customIssue(
          ctx,
          `分层名称 ${s.name} 重复 (第一次在 strata[${first}])`,
          { code: 'duplicate-name', hint: '每个分层的 name 须唯一' },
          ['strata', i, 'name'],
        );
    });
    if (p.period.from > p.period.to)
      customIssue(ctx, '期间的开始晚于结束', { code: 'empty-range', expected: 'from ≤ to', got: `${p.period.from} > ${p.period.to}` }, [
        'period',
        'to',
      ]);
  });

export type Plan = z.infer<typeof Plan>;
export type Stratum = z.infer<typeof Stratum>;

/** The plan as hashed (contract §9 step 1): everything but `directed`, which never touches the random part. */
export type HashedPlan = Omit<Plan, 'directed'>;

export function hashedPlan(plan: Plan | HashedPlan): HashedPlan {
  const { directed: _directed, ...rest } = plan as Plan;
  return rest;
}

export type PlanParsed = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: Issue[] };

const DATE_LIKE = /^\d{4}-\d{1,2}-\d{1,2}([Tt ]|$)/;

/** Findings only the source text shows: floats written as numbers, unquoted dates. */
function sourceFindings(yaml: YamlFile): Finding[] {
  const out: Finding[] = [];
  const walk = (v: unknown, path: FieldPath): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else if (typeof v === 'number') {
      const src = yaml.source(path)?.trim() ?? '';
      if (!/^[-+]?[0-9]+$/.test(src))
        out.push({
          code: 'invalid-integer',
          severity: 'error',
          path,
          message: '计划中的数值须为整数 (不允许小数或其他写法)',
          expected: '整数',
          got: src || String(v),
          hint: '写成十进制整数, 如 10',
        });
    } else if (typeof v === 'string' && DATE_LIKE.test(v)) {
      const src = yaml.source(path)?.trim() ?? '';
      if (!src.startsWith("'") && !src.startsWith('"'))
        out.push({
          code: 'invalid-type',
          severity: 'error',
          path,
          message: '未加引号的 YAML 日期 (有的 YAML 读取器把它读成日期而不是文本)',
          expected: "带引号的 'YYYY-MM-DD'",
          got: src,
          hint: `写成 '${v}'`,
        });
    } else if (v === null)
      out.push({
        code: 'invalid-type',
        severity: 'error',
        path,
        message: '计划中不允许空值 (null)',
        expected: '一个值, 或删除该键',
        got: 'null',
        hint: '填写值, 可选的键不需要时整行删除',
      });
  };
  walk(yaml.value, []);
  return out;
}

/**
 * Parses a plan file's text: the plan, or every issue located at `file:line:col` in reading order.
 * Never throws on bad input.
 */
export function parsePlan(text: string, file: string): PlanParsed {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const own = sourceFindings(read.yaml).map((f) => read.yaml.locate(f));
  const parsed = parseYaml(text, file, Plan, {
    hint: (f) => (f.path.includes('filter') && f.code === 'invalid-type' ? "筛选值须为带引号的文本, 如 fixmedins_type: '2'" : HINT),
  });
  if (parsed.ok && !own.length) return { ok: true, plan: parsed.value };
  // One issue per place: what the source shows says more than zod's type error at the same path.
  const taken = new Set(own.map((i) => i.at.path ?? ''));
  const rest = parsed.ok ? [] : parsed.issues.filter((i) => !taken.has(i.at.path ?? ''));
  return { ok: false, issues: [...own, ...rest].sort(byPosition) };
}
