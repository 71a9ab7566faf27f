import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { codeEnum } from '../contract/code-enum.js';
import { MED_TYPE } from '../contract/codes.js';
import { byPosition, customIssue, parseYaml, type Issue } from '../core/diagnostics/index.js';
import { FundwatchError } from '../core/errors.js';
import { loadNationalKnowledge, type NationalKnowledge } from '../knowledge/index.js';
import type { TableName as NationalTableName } from '../knowledge/schema.js';

/**
 * Knowledge tables (知识库) of the rule engine: one YAML file per table under `rules/knowledge/`,
 * `{ version: <int>, description: <中文>, entries: [...] }`. The zod schemas here are the one
 * definition of each table; the rule engine and the synthetic city generator both load the files
 * through `loadKnowledge`, so rules and generated data speak the same codes.
 */

const listCode = z.string().regex(/^[A-Z0-9]{5,50}$/, '医保目录编码: 大写字母与数字, 5-50 位');
const name = z.string().min(1).max(200);
const reason = z.string().min(2).max(500);
const item = z.strictObject({ med_list_codg: listCode, name });

/** 限性别: the item is payable only for `gend` (1 男, 2 女). */
const GenderRestricted = z.strictObject({ med_list_codg: listCode, name, gend: z.enum(['1', '2']), reason });

/**
 * 限年龄 / 儿童专用: payable only when `min_age` ≤ age < `max_age` (either bound may be absent), age in
 * completed `unit`s on the day of the charge.
 */
const AgeRestricted = z
  .strictObject({
    med_list_codg: listCode,
    name,
    category: z.enum(['儿童专用', '新生儿专用', '成人用药', '限年龄']),
    min_age: z.number().nonnegative().optional(),
    max_age: z.number().positive().optional(),
    unit: z.enum(['year', 'day']),
    reason,
  })
  .superRefine((e, ctx) => {
    if (e.min_age === undefined && e.max_age === undefined)
      customIssue(ctx, 'min_age 与 max_age 至少要有一个', { code: 'missing-bound' }, ['max_age']);
    if (e.min_age !== undefined && e.max_age !== undefined && e.min_age >= e.max_age)
      customIssue(ctx, 'max_age 必须大于 min_age', { code: 'empty-range' }, ['max_age']);
  });

/** 互斥项目: the two items must not both be charged within `scope` (one day, or one visit). */
const MutuallyExclusive = z
  .strictObject({ items: z.tuple([item, item]), scope: z.enum(['day', 'visit']), reason })
  .superRefine((e, ctx) => {
    if (e.items[0].med_list_codg === e.items[1].med_list_codg)
      customIssue(ctx, '互斥的两项不能相同', { code: 'same-item' }, ['items', 1, 'med_list_codg']);
  });

/**
 * 打包项目: `med_list_codg` is the bundle; charging at least `min_components` of its components
 * separately within `scope` (without the bundle) is 分解收费.
 */
const Bundle = z
  .strictObject({
    med_list_codg: listCode,
    name,
    components: z.array(item).min(2),
    min_components: z.int().min(2),
    scope: z.enum(['day', 'visit']),
    reason,
  })
  .superRefine((e, ctx) => {
    if (e.min_components > e.components.length) customIssue(ctx, 'min_components 超过组成项目数', { code: 'too-many' }, ['min_components']);
    const seen = new Set<string>([e.med_list_codg]);
    e.components.forEach((c, i) => {
      if (seen.has(c.med_list_codg))
        customIssue(ctx, '组成项目重复或与打包项目相同', { code: 'duplicate-key' }, ['components', i, 'med_list_codg']);
      seen.add(c.med_list_codg);
    });
  });

/** 限频次: at most `max_cnt` units of the item per `per` (calendar day, or visit). */
const FrequencyLimit = z.strictObject({
  med_list_codg: listCode,
  name,
  max_cnt: z.number().positive(),
  per: z.enum(['day', 'visit']),
  reason,
});

/**
 * 限用量 (处方用量与天数): at most `max_daily_units` smallest billing units a day, for at most
 * `max_days[setting]` days in one prescription. Settings: 普通门诊, 急诊, 门诊慢特病 (长期处方),
 * 定点药店购药.
 */
const DaysSupply = z.strictObject({
  med_list_codg: listCode,
  name,
  max_daily_units: z.number().positive(),
  max_days: z.strictObject({
    outpatient: z.int().positive(),
    emergency: z.int().positive(),
    chronic: z.int().positive(),
    pharmacy: z.int().positive(),
  }),
  reason,
});

/**
 * 限医疗机构级别 / 就医方式: payable only at `min_hosp_lv` or above, and only for the national
 * `med_type` classes listed in `med_type_classes` (contract §4).
 */
const ScopeRestricted = z
  .strictObject({
    med_list_codg: listCode,
    name,
    min_hosp_lv: z.enum(['2', '3']).optional(),
    med_type_classes: z.array(codeEnum(MED_TYPE)).min(1).optional(),
    reason,
  })
  .superRefine((e, ctx) => {
    if (e.min_hosp_lv === undefined && e.med_type_classes === undefined)
      customIssue(ctx, 'min_hosp_lv 与 med_type_classes 至少要有一个', { code: 'missing-bound' }, ['min_hosp_lv']);
  });

/**
 * 法定节假日与调休 (the State Council's yearly holiday notices): `holiday` days off, `workday`
 * weekend days worked instead. Rules read it as a calendar (`fee_day in list calendar`).
 */
const CalendarDay = z.strictObject({
  day: z.iso.date('日期: YYYY-MM-DD'),
  kind: z.enum(['holiday', 'workday']),
  name: z.string().min(2).max(20),
});

function table<E extends z.ZodType>(entry: E) {
  return z.strictObject({ version: z.int().positive(), description: z.string().min(2), entries: z.array(entry).min(1) });
}

export const KNOWLEDGE_SCHEMAS = {
  'gender-restricted': table(GenderRestricted),
  'age-restricted': table(AgeRestricted),
  'mutually-exclusive': table(MutuallyExclusive),
  bundles: table(Bundle),
  'frequency-limits': table(FrequencyLimit),
  'days-supply': table(DaysSupply),
  'scope-restricted': table(ScopeRestricted),
  calendar: table(CalendarDay),
} as const;

type Raw = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const code = (e: Raw) => str(e['med_list_codg']);

/**
 * What makes an entry unique in each table, read from the raw entry so that duplicates are found
 * even when other entries have errors (every issue of a file is reported, not only the first).
 */
const KEYS: Readonly<Record<string, { readonly field: string; readonly of: (e: Raw) => string | undefined }>> = {
  'gender-restricted': { field: 'med_list_codg', of: code },
  'age-restricted': { field: 'med_list_codg', of: code },
  bundles: { field: 'med_list_codg', of: code },
  'days-supply': { field: 'med_list_codg', of: code },
  'scope-restricted': { field: 'med_list_codg', of: code },
  calendar: { field: 'day', of: (e) => str(e['day']) },
  'frequency-limits': { field: 'med_list_codg', of: (e) => (code(e) === undefined ? undefined : `${code(e)}|${str(e['per']) ?? ''}`) },
  'mutually-exclusive': {
    field: 'items',
    of: (e) => {
      const items = e['items'];
      if (!Array.isArray(items)) return undefined;
      const codes = items.map((i) => (i && typeof i === 'object' ? code(i as Raw) : undefined));
      return codes.every((c) => c !== undefined) ? [...codes].sort().join('|') : undefined;
    },
  },
};

export type KnowledgeName = keyof typeof KNOWLEDGE_SCHEMAS;
export const KNOWLEDGE_NAMES = Object.keys(KNOWLEDGE_SCHEMAS).sort() as KnowledgeName[];
export type KnowledgeTable<N extends KnowledgeName> = z.output<(typeof KNOWLEDGE_SCHEMAS)[N]>;
export type KnowledgeEntry<N extends KnowledgeName> = KnowledgeTable<N>['entries'][number];
/** The hand-made tables (rules/knowledge/*.yaml). */
export type HandKnowledge = { readonly [N in KnowledgeName]: KnowledgeTable<N> };
/** What rules look up: the hand-made tables, and the national ones (rules/knowledge/national/, `fundwatch knowledge import`). */
export type Knowledge = HandKnowledge & { readonly national: NationalKnowledge };
/** A table a rule can look up, as hits record it: a hand-made table's name, or `national/<table>`. */
export type ListTable = KnowledgeName | `national/${NationalTableName}`;

export type ParsedKnowledge<N extends KnowledgeName> =
  { readonly ok: true; readonly table: KnowledgeTable<N> } | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Parses one knowledge table. Pure: YAML text in, the validated table or every issue found (with
 * line and column), never a throw. `name` is the table name (the file name without `.yaml`).
 */
export function parseKnowledge<N extends KnowledgeName>(name: N, text: string, file = `${name}.yaml`): ParsedKnowledge<N> {
  const parsed = parseYaml(text, file, KNOWLEDGE_SCHEMAS[name]);
  const yaml = parsed.yaml;
  if (!yaml) return { ok: false, issues: parsed.ok ? [] : parsed.issues };
  // Duplicates are found in the raw entries, so they are reported even when other entries have errors.
  const raw = yaml.value;
  const entries = raw && typeof raw === 'object' && Array.isArray((raw as Raw)['entries']) ? ((raw as Raw)['entries'] as unknown[]) : [];
  const key = KEYS[name];
  const first = new Map<string, number>();
  const issues: Issue[] = parsed.ok ? [] : [...parsed.issues];
  entries.forEach((e, i) => {
    const k = key && e && typeof e === 'object' ? key.of(e as Raw) : undefined;
    if (k === undefined || !key) return;
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else
      issues.push(
        yaml.locate({
          code: 'duplicate-key',
          severity: 'error',
          message: `重复的条目, 与第 ${seen + 1} 条相同`,
          path: ['entries', i, key.field],
        }),
      );
  });
  if (parsed.ok && issues.length === 0) return { ok: true, table: parsed.value as KnowledgeTable<N> };
  return { ok: false, issues: issues.sort(byPosition) };
}

export type LoadedKnowledge =
  | { readonly ok: true; readonly knowledge: Knowledge; readonly version: string }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Reads every table of `dir` (`<name>.yaml`) and parses it; collects the issues of all files. A
 * missing table is an issue; an unreadable file is an I/O error (thrown).
 */
export function loadKnowledge(dir: string): LoadedKnowledge {
  const issues: Issue[] = [];
  const tables: Partial<Record<KnowledgeName, unknown>> = {};
  for (const name of KNOWLEDGE_NAMES) {
    const file = path.join(dir, `${name}.yaml`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        issues.push({ code: 'missing-table', severity: 'error', message: `缺少知识库表 ${name}.yaml`, at: { file } });
        continue;
      }
      throw new FundwatchError('io', `无法读取知识库文件 ${file}`, { cause: err });
    }
    const r = parseKnowledge(name, text, file);
    if (r.ok) tables[name] = r.table;
    else issues.push(...r.issues);
  }
  const national = loadNationalKnowledge(path.join(dir, 'national'));
  if (!national.ok) issues.push(...national.issues);
  if (issues.length || !national.ok) return { ok: false, issues };
  const knowledge: Knowledge = { ...(tables as HandKnowledge), national: national.knowledge };
  return { ok: true, knowledge, version: knowledgeVersion(knowledge) };
}

/** The version of a set of tables, as hits record it: `name@version` in name order, `;`-separated. */
export function knowledgeVersion(knowledge: Knowledge, names: readonly ListTable[] = KNOWLEDGE_NAMES): string {
  return [...names]
    .sort()
    .map((n) => `${n}@${tableVersion(knowledge, n)}`)
    .join(';');
}

/** The version of one table a rule can look up. */
export const tableVersion = (knowledge: Knowledge, name: ListTable): number =>
  name.startsWith('national/')
    ? knowledge.national.tables[name.slice('national/'.length) as NationalTableName].header.version
    : knowledge[name as KnowledgeName].version;
