import { z } from 'zod';
import { codeEnum } from '../../contract/code-enum.js';
import { HOSP_LV, INSUTYPE, MED_TYPE } from '../../contract/codes.js';
import { PATTERN_CODES } from '../../contract/patterns.js';

/**
 * The rule format (智能监控规则), one YAML file per rule under `rules/library/`. This zod schema is
 * the one definition of it; `rules/rule.schema.json` is generated from it for editors
 * (`npm run rules:schema`), and `Rule` is its inferred type.
 *
 * Logic is data, never SQL: named `conditions` are small expressions over canonical columns
 * (`rules/engine/expr.ts`), combined by `condition`; the `logic.kind` picks one of five archetypes
 * (`line`, `pair`, `quantity`, `interval`, `aggregate`) that the compiler turns into one set-based
 * DuckDB query. Expressions are checked later, against the columns of the rule's source.
 */

const Expr = z.string().min(1, '表达式不能为空');
const Name = z.string().regex(/^[a-z][a-z0-9_]*$/, '名称: 小写字母开头, 只含小写字母、数字和下划线');
const Conditions = z.record(Name, Expr).refine((r) => Object.keys(r).length > 0, '至少要有一个命名条件');

/** 应用场景: the national rule library's settings; `remote` is 异地就医 (参保地 ≠ 就医地, or med_type 25). */
export const Setting = z.enum(['inpatient', 'outpatient', 'pharmacy', 'remote']);
/** 监管环节. The batch engine runs 事后; the others are recorded for the exchange with the national platform. */
export const Stage = z.enum(['事前', '事中', '事后']);
/** 险种, 医院等级 and national 医疗类别 as the contract's code tables list them (contract §3, §4). */
export const Insutype = codeEnum(INSUTYPE);
export const HospLevel = codeEnum(HOSP_LV);
export const MedTypeClass = codeEnum(MED_TYPE);

const IsoDay = z.iso.date('日期: YYYY-MM-DD');

export const Scope = z.strictObject({
  settings: z.array(Setting).min(1).optional(),
  stages: z.array(Stage).min(1).optional(),
  insutypes: z.array(Insutype).min(1).optional(),
  hosp_levels: z.array(HospLevel).min(1).optional(),
  med_type_classes: z.array(MedTypeClass).min(1).optional(),
  /** The rule is in force from / until these days (inclusive): a fact dated outside is not judged by it. */
  valid_from: IsoDay.optional(),
  valid_until: IsoDay.optional(),
});

/** Per-line limit: fee lines for which `condition` holds; one hit per visit and item. */
const LineLogic = z.strictObject({
  kind: z.literal('line'),
  source: z.literal('fee_line').default('fee_line'),
  conditions: Conditions,
  condition: Expr,
});

/** Co-occurrence: two items `a` and `b` charged in the same visit (and day, when `within: day`). */
const PairLogic = z.strictObject({
  kind: z.literal('pair'),
  source: z.literal('fee_line').default('fee_line'),
  /** 同一日, 同一次就诊, 同一小时 (the same clock hour), 6小时 (within 6 hours of each other). */
  within: z.enum(['day', 'visit', 'clock_hour', '6_hours']),
  conditions: Conditions,
  condition: Expr,
});

/** Quantity or frequency per period: the net quantity of one item in a visit (or a visit's day) against a limit. */
const QuantityLogic = z.strictObject({
  kind: z.literal('quantity'),
  source: z.literal('fee_line').default('fee_line'),
  per: z.enum(['day', 'visit']),
  conditions: Conditions,
  condition: Expr,
});

/** Interval since the previous event of the same partition (rolling): `prev.<column>`, `gap_days`, `gap_hours`. */
const IntervalLogic = z.strictObject({
  kind: z.literal('interval'),
  source: z.literal('visit').default('visit'),
  partition_by: z.array(Name).min(1),
  order_by: Name,
  conditions: Conditions,
  condition: Expr,
});

export const Aggregate = z.enum(['sum', 'count', 'min', 'max', 'earliest', 'latest', 'count_distinct']);
const Measure = z.strictObject({
  agg: Aggregate,
  /** The value aggregated (not needed for `count`). */
  of: Expr.optional(),
  /** For `earliest` / `latest`: the column that orders the rows. */
  by: Name.optional(),
  /** Only rows where this holds. */
  where: Expr.optional(),
});

/** The sources a rule may read (rules/engine/columns.ts). */
const SourceName = z.enum(['fee_line', 'psi_line', 'visit', 'settlement', 'trace_code']);

/** Aggregates over groups of source rows in a calendar window, against a threshold. */
const AggregateLogic = z.strictObject({
  kind: z.literal('aggregate'),
  source: SourceName,
  group_by: z.array(Name).min(1),
  window: z.enum(['all', 'day', 'month']).default('all'),
  measures: z.record(Name, Measure).refine((r) => Object.keys(r).length > 0, '至少要有一个度量'),
  /** Which rows of a group that crosses the threshold are its 违规项 (default: all rows). */
  items: Expr.optional(),
  conditions: Conditions,
  condition: Expr,
});

/**
 * Per-person history across visits and institutions: each row `a` of `source` with the rows `b` of
 * `with` that share its person (or institution) and lie within `within_days` of it — a stay's whole
 * span for a visit. `relate` says which of them count (over `a.` and `b.`), `measures` total them;
 * `condition` reads `a.`, the measures and `related` (how many count). One hit per `a`; the related
 * rows are its 涉及项.
 */
const RelatedLogic = z.strictObject({
  kind: z.literal('related'),
  source: SourceName,
  with: SourceName,
  match: z.enum(['person', 'institution']).default('person'),
  within_days: z.int().nonnegative(),
  relate: Expr.optional(),
  measures: z.record(Name, Measure).default({}),
  conditions: Conditions,
  condition: Expr,
});

export const Logic = z.discriminatedUnion('kind', [LineLogic, PairLogic, QuantityLogic, IntervalLogic, AggregateLogic, RelatedLogic]);

export const Rule = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, '规则 id: 小写字母、数字和连字符 (kebab-case)'),
  version: z.int().positive(),
  title: z.string().min(2).max(100),
  description: z.string().min(2),
  status: z.enum(['experimental', 'test', 'stable', 'deprecated']),
  owner: z.string().min(1),
  /** 政策依据: what the rule cites; joined into the hit's vola_evid. */
  references: z.array(z.string().min(2)).min(1),
  pattern: z.enum(PATTERN_CODES),
  severity: z.enum(['definite', 'suspect']),
  scope: Scope.default({}),
  logic: Logic,
  /** 违规金额 of one 违规项 row, summed over the hit (default: per source, see compile). */
  amount: Expr.optional(),
  /** 违规内容 template; `{column}` placeholders are filled per hit. */
  vola_cont: z.string().min(2),
  /** Columns shown to the reviewer with each hit (stored as JSON in hit.evidence). */
  evidence: z.array(Expr).default([]),
  /** Markdown note for the reviewer: what to check first. */
  triage: z.string().min(2),
});

export type Rule = z.infer<typeof Rule>;
export type Logic = z.infer<typeof Logic>;
export type Scope = z.infer<typeof Scope>;
export type Measure = z.infer<typeof Measure>;

/** `<id>.test.yaml`: rows loaded into empty canonical tables, and which must and must not hit. */
const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A row of a test: scalars, and for a message's child lists (a discharge's `diseinfo`) a list of objects. */
const Row = z.record(z.string(), z.union([Cell, z.array(z.record(z.string(), Cell))]));
export const RuleTest = z.strictObject({
  rule: z.string().min(1),
  description: z.string().optional(),
  /** Rows per canonical or reference table: fee_line, visit, discharge, settlement, psi_line, insured, institution, catalog. */
  given: z.record(z.string(), z.array(Row)),
  /** Refs (contract §6) that must appear among a hit's 违规项, one entry per expected hit. */
  hits: z.array(z.string().min(1)).min(1, '至少要有一条必须命中的记录'),
  /** Refs that must not appear in any hit. */
  not_hits: z.array(z.string().min(1)).min(1, '至少要有一条不得命中的记录'),
});
export type RuleTest = z.infer<typeof RuleTest>;
