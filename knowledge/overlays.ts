import { z } from 'zod';
import { customIssue, parseYaml, type Issue, type YamlFile } from '../core/diagnostics/index.js';
import { ServiceCode } from './schema.js';
import { AGE_GROUP_OF, AGE_GROUPS } from './vocab.js';

/**
 * The hand-written tables beside the imported ones (`overlays/`): what the batches name but do not
 * define. The age groups' bounds (儿童, 新生儿, 婴幼儿), each with its source; and the limits batches
 * 8-2 and 8-3 give only as prose, entered once per prose as structured parameters. The importer
 * never writes them; the loader checks them against the imported tables (every group and every
 * prose covered, every prose still the one the batch publishes).
 */

export const OVERLAY_DIR = 'overlays';
export const AGE_GROUPS_FILE = 'age-groups.yaml';
export const PROSE_LIMITS_FILE = 'prose-limits.yaml';

const Source = z.strictObject({
  title: z.string().min(2),
  url: z.url().optional(),
  /** What the source says, quoted or closely paraphrased, so a reader can check the bound against it. */
  says: z.string().min(2),
});

const version = z.int().positive();
const description = z.string().min(2);

/** An age group's bounds: min_age ≤ age < max_age, in completed `unit`s on the day of the charge. */
const AgeGroupBound = z
  .strictObject({
    id: z.enum(AGE_GROUPS),
    label: z.enum(Object.keys(AGE_GROUP_OF) as [keyof typeof AGE_GROUP_OF, ...(keyof typeof AGE_GROUP_OF)[]]),
    min_age: z.number().nonnegative(),
    max_age: z.number().positive(),
    unit: z.enum(['year', 'day']),
    sources: z.array(Source).min(1),
    note: z.string().min(2).optional(),
  })
  .superRefine((g, ctx) => {
    if (AGE_GROUP_OF[g.label] !== g.id)
      customIssue(ctx, `${g.label} 的 id 应为 ${AGE_GROUP_OF[g.label]}`, { code: 'invalid-enum', expected: AGE_GROUP_OF[g.label] }, ['id']);
    if (g.min_age >= g.max_age) customIssue(ctx, 'max_age 必须大于 min_age', { code: 'empty-range' }, ['max_age']);
  });

export const AgeGroups = z.strictObject({ version, description, groups: z.array(AgeGroupBound).min(1) });
export type AgeGroups = z.infer<typeof AgeGroups>;

/** The structured parameters of a prose limit; at least one. */
const ProseParams = z
  .strictObject({
    /** 支付 (or 总时间) 不超过 N 天: days from the first charge of the item. */
    course_max_days: z.int().positive().optional(),
    /** What the course counts: one treatment of the item, or one disease episode (一个疾病过程). */
    course_scope: z.enum(['treatment', 'disease-episode']).optional(),
    /** 间隔时间不短于 N 天 between two charges. */
    min_interval_days: z.int().positive().optional(),
    /** 每周最多支付 N 次. */
    max_per_week: z.int().positive().optional(),
    /** Payable only from this age (completed years). */
    min_age_years: z.int().nonnegative().optional(),
    /** Payable only below this age (completed years), by `gend`. */
    max_age_years: z.strictObject({ '1': z.int().positive(), '2': z.int().positive() }).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: '至少要有一个参数', params: { code: 'too-small' } });
export type ProseParams = z.infer<typeof ProseParams>;

export const PROSE_TABLES = ['b8-2-service-age', 'b8-3-service-course'] as const;

const ProseLimit = z.strictObject({
  table: z.enum(PROSE_TABLES),
  /** The batch's 备注, exactly as imported: the loader checks it is still what the batch says. */
  prose: z.string().min(2),
  codes: z.array(ServiceCode).min(1),
  params: ProseParams,
  sources: z.array(Source).min(1).optional(),
  note: z.string().min(2).optional(),
});
export type ProseLimit = z.infer<typeof ProseLimit>;

export const ProseLimits = z.strictObject({ version, description, limits: z.array(ProseLimit).min(1) });
export type ProseLimits = z.infer<typeof ProseLimits>;

/** A parsed overlay, with its YAML positions (the loader's cross-checks are located in it too). */
export type OverlayParse<T> =
  { readonly ok: true; readonly value: T; readonly yaml: YamlFile } | { readonly ok: false; readonly issues: readonly Issue[] };

export function parseAgeGroups(text: string, file: string): OverlayParse<AgeGroups> {
  const r = parseYaml(text, file, AgeGroups);
  return r.ok ? { ok: true, value: r.value, yaml: r.yaml } : { ok: false, issues: r.issues };
}

export function parseProseLimits(text: string, file: string): OverlayParse<ProseLimits> {
  const r = parseYaml(text, file, ProseLimits);
  return r.ok ? { ok: true, value: r.value, yaml: r.yaml } : { ok: false, issues: r.issues };
}
