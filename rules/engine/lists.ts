import { GEND } from '../../contract/codes.js';

/**
 * Knowledge tables as the relations a rule looks up with `<key> in list <name>`. Each list is a
 * flat table (`k_<name>`) filled from the validated knowledge files by parameterised inserts, so no
 * knowledge value ever enters SQL text. Names use `_` where the files use `-` (`-` is minus in an
 * expression). Pure: rows are computed here, loaded by `rules/run/knowledge.ts`.
 */

import type { ListSpec } from './list-spec.js';
import { NATIONAL_LISTS } from './national-lists.js';

export { isCodeKey, matchKey, type ListSpec, type ListValue, type Matching } from './list-spec.js';

const SETTING_CLASS = { outpatient: '11', emergency: '13', chronic: '14', pharmacy: '41' } as const;

export const LISTS: Readonly<Record<string, ListSpec>> = {
  gender_restricted: {
    table: 'gender-restricted',
    sqlName: 'k_gender_restricted',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', gend: 'text', gend_zh: 'text', reason: 'text' },
    matching: 'service-code', // drugs and services: a drug code has no '-'
    gloss: '限性别项目 (gend: 限用性别 1 男 2 女; gend_zh: 男/女)',
    rows: (k) => k['gender-restricted'].entries.map((e) => [e.med_list_codg, e.name, e.gend, GEND[e.gend], e.reason]),
  },
  age_restricted: {
    table: 'age-restricted',
    sqlName: 'k_age_restricted',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', category: 'text', min_age: 'number', max_age: 'number', unit: 'text', reason: 'text' },
    matching: 'service-code', // drugs and services: a drug code has no '-'
    gloss: '限年龄/儿童专用项目 (min_age ≤ 年龄 < max_age, unit 为 year 或 day)',
    rows: (k) =>
      k['age-restricted'].entries.map((e) => [e.med_list_codg, e.name, e.category, e.min_age ?? null, e.max_age ?? null, e.unit, e.reason]),
  },
  mutually_exclusive: {
    table: 'mutually-exclusive',
    sqlName: 'k_mutually_exclusive',
    key: ['item_a', 'item_b'],
    columns: { item_a: 'text', name_a: 'text', item_b: 'text', name_b: 'text', scope: 'text', reason: 'text' },
    matching: 'service-code',
    gloss: '互斥项目对 (两个方向各一行; scope: day 同日 / visit 同次就诊)',
    // Both directions, so a lookup need not know which of the two items came first.
    rows: (k) =>
      k['mutually-exclusive'].entries.flatMap((e) => [
        [e.items[0].med_list_codg, e.items[0].name, e.items[1].med_list_codg, e.items[1].name, e.scope, e.reason],
        [e.items[1].med_list_codg, e.items[1].name, e.items[0].med_list_codg, e.items[0].name, e.scope, e.reason],
      ]),
  },
  bundles: {
    table: 'bundles',
    sqlName: 'k_bundles',
    key: ['component'],
    columns: {
      bundle: 'text',
      bundle_name: 'text',
      component: 'text',
      component_name: 'text',
      components: 'list',
      min_components: 'number',
      scope: 'text',
    },
    matching: 'service-code',
    gloss: '打包项目的组成项目 (每个组成项目一行; components: 该打包项目的全部组成项目)',
    rows: (k) =>
      k.bundles.entries.flatMap((e) =>
        e.components.map((c) => [
          e.med_list_codg,
          e.name,
          c.med_list_codg,
          c.name,
          e.components.map((x) => x.med_list_codg),
          e.min_components,
          e.scope,
        ]),
      ),
  },
  frequency_limits: {
    table: 'frequency-limits',
    sqlName: 'k_frequency_limits',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', max_cnt: 'number', per: 'text', reason: 'text' },
    matching: 'service-code',
    gloss: '限频次项目 (per 为 day 或 visit 内最多 max_cnt)',
    rows: (k) => k['frequency-limits'].entries.map((e) => [e.med_list_codg, e.name, e.max_cnt, e.per, e.reason]),
  },
  days_supply: {
    table: 'days-supply',
    sqlName: 'k_days_supply',
    key: ['med_list_codg', 'med_type_class'],
    columns: {
      med_list_codg: 'text',
      name: 'text',
      med_type_class: 'text',
      max_daily_units: 'number',
      max_days: 'number',
      max_units: 'number',
      reason: 'text',
    },
    gloss: '限用量 (每个医疗类别一行: 11 门诊, 13 急诊, 14 门诊慢特病, 41 药店; max_units = 每日最大量 × 最长天数)',
    rows: (k) =>
      k['days-supply'].entries.flatMap((e) =>
        (Object.keys(SETTING_CLASS) as (keyof typeof SETTING_CLASS)[]).map((s) => [
          e.med_list_codg,
          e.name,
          SETTING_CLASS[s],
          e.max_daily_units,
          e.max_days[s],
          // Rounded to the 4 places quantities have, so 0.07 × 30 is 2.1 and not 2.1000000000000005.
          Math.round(e.max_daily_units * e.max_days[s] * 1e4) / 1e4,
          e.reason,
        ]),
      ),
  },
  scope_restricted: {
    table: 'scope-restricted',
    sqlName: 'k_scope_restricted',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', min_hosp_lv: 'number', med_type_classes: 'text', reason: 'text' },
    matching: 'service-code', // drugs and services: a drug code has no '-'
    gloss: '限医疗机构级别/就医方式 (med_type_classes 以逗号分隔)',
    rows: (k) =>
      k['scope-restricted'].entries.map((e) => [
        e.med_list_codg,
        e.name,
        e.min_hosp_lv === undefined ? null : Number(e.min_hosp_lv),
        e.med_type_classes?.join(',') ?? null,
        e.reason,
      ]),
  },
  calendar: {
    table: 'calendar',
    sqlName: 'k_calendar',
    key: ['day'],
    columns: { day: 'date', kind: 'text', name: 'text' },
    gloss: '法定节假日与调休日 (kind: holiday 放假 / workday 调休上班; name: 节日名)',
    rows: (k) => k.calendar.entries.map((e) => [e.day, e.kind, e.name]),
  },
  ...NATIONAL_LISTS,
};

export const LIST_NAMES = Object.keys(LISTS).sort();
