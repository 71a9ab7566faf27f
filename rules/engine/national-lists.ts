import { GEND } from '../../contract/codes.js';
import type { Knowledge } from '../knowledge.js';
import type { ListSpec, ListValue } from './list-spec.js';

/**
 * The national knowledge tables (batches 1–8, `rules/knowledge/national/`, written by `fundwatch
 * knowledge import`) as lists a rule looks up, named `nat_…`. Each declares the matching of its
 * table's header (drug codes exact; 15-digit service codes also meet a code with a local suffix),
 * and carries the overlays' parameters beside the entries that need them (age bounds, prose limits).
 */

const ZH_INSURANCE = { 'work-injury': '工伤保险', maternity: '生育保险' } as const;
const ZH_SETTING = { inpatient: '住院' } as const;
const ZH_PER = { day: '同一日', visit: '同一次就诊', '6h': '6小时内', hour: '同一小时' } as const;

/** min_age, max_age, unit, label of an age group (overlays/age-groups.yaml). */
function ageBounds(k: Knowledge, group: string): ListValue[] {
  const g = k.national.ageGroups.groups.find((x) => x.id === group);
  return g ? [g.label, g.min_age, g.max_age, g.unit] : [null, null, null, null];
}

/** The structured parameters of a prose limit (overlays/prose-limits.yaml) covering `code` of `table`. */
function prose(k: Knowledge, table: string, code: string) {
  return k.national.proseLimits.limits.find((l) => l.table === table && l.codes.includes(code))?.params;
}

const AGE_COLUMNS = { name: 'text', age_group: 'text', group_zh: 'text', min_age: 'number', max_age: 'number', unit: 'text' } as const;

export const NATIONAL_LISTS: Readonly<Record<string, ListSpec>> = {
  nat_drug_gender: {
    table: 'national/b1-drug-gender',
    sqlName: 'k_nat_drug_gender',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', gend: 'text', gend_zh: 'text', desc: 'text' },
    matching: 'exact',
    gloss: '国家第一批 药品限定性别对象 (gend: 限用性别 1 男 2 女)',
    rows: (k) => k.national.tables['b1-drug-gender'].entries.map((e) => [e.med_list_codg, e.name, e.gend, GEND[e.gend], e.desc]),
  },
  nat_service_gender: {
    table: 'national/b1-service-gender',
    sqlName: 'k_nat_service_gender',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', gend: 'text', gend_zh: 'text', desc: 'text' },
    matching: 'service-code',
    gloss: '国家第一批 医疗服务项目限定性别对象',
    rows: (k) => k.national.tables['b1-service-gender'].entries.map((e) => [e.med_list_codg, e.name, e.gend, GEND[e.gend], e.desc]),
  },
  nat_drug_age: {
    table: 'national/b1-drug-age',
    sqlName: 'k_nat_drug_age',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', ...AGE_COLUMNS, desc: 'text' },
    matching: 'exact',
    gloss:
      '国家第一批 药品限定年龄对象 (age_group 儿童/新生儿/婴幼儿; min_age ≤ 年龄 < max_age, unit year 或 day, 界限见 overlays/age-groups.yaml)',
    rows: (k) =>
      k.national.tables['b1-drug-age'].entries.map((e) => [e.med_list_codg, e.name, e.age_group, ...ageBounds(k, e.age_group), e.desc]),
  },
  nat_service_age: {
    table: 'national/b1-service-age',
    sqlName: 'k_nat_service_age',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', ...AGE_COLUMNS },
    matching: 'service-code',
    gloss: '国家第一批 医疗服务项目限定年龄对象 (界限见 overlays/age-groups.yaml)',
    rows: (k) =>
      k.national.tables['b1-service-age'].entries.map((e) => [e.med_list_codg, e.name, e.age_group, ...ageBounds(k, e.age_group)]),
  },
  nat_main_secondary: {
    table: 'national/b2-service-main-secondary',
    sqlName: 'k_nat_main_secondary',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', group_ids: 'list', groups: 'text' },
    matching: 'service-code',
    gloss:
      '国家第二批 限定主次操作的手术 (同一手术组经同一切口的第二及以后手术应折价; 每个手术一行, group_ids 为它所属的全部手术组, 两个手术同组: overlap(ma.group_ids, mb.group_ids) > 0)',
    // One row per surgery: the table has one entry per (surgery, group), and a lookup keyed on the
    // code must meet one row, or a pair of surgeries sharing two groups would be counted twice.
    rows: (k) => {
      const bySurgery = new Map<string, { name: string; ids: string[]; names: string[] }>();
      for (const e of k.national.tables['b2-service-main-secondary'].entries) {
        const s = bySurgery.get(e.med_list_codg) ?? { name: e.name, ids: [], names: [] };
        s.ids.push(e.group_id);
        s.names.push(e.group);
        bySurgery.set(e.med_list_codg, s);
      }
      return [...bySurgery].map(([code, s]) => [code, s.name, s.ids, s.names.join('、')]);
    },
  },
  nat_drug_insurance: {
    table: 'national/b3-drug-insurance',
    sqlName: 'k_nat_drug_insurance',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', insurance: 'text', insurance_zh: 'text' },
    matching: 'exact',
    gloss: '国家第三批 限定保险类型的药品 (工伤保险、生育保险目录用药, 基本医疗保险不予支付)',
    rows: (k) =>
      k.national.tables['b3-drug-insurance'].entries.map((e) => [e.med_list_codg, e.name, e.insurance, ZH_INSURANCE[e.insurance]]),
  },
  nat_drug_setting: {
    table: 'national/b4-drug-setting',
    sqlName: 'k_nat_drug_setting',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', setting: 'text', setting_zh: 'text', desc: 'text' },
    matching: 'exact',
    gloss: '国家第四批 限定就医方式的药品 (setting inpatient: 限住院使用)',
    rows: (k) =>
      k.national.tables['b4-drug-setting'].entries.map((e) => [e.med_list_codg, e.name, e.setting, ZH_SETTING[e.setting], e.desc]),
  },
  nat_drug_hosp_level: {
    table: 'national/b5-drug-hosp-level',
    sqlName: 'k_nat_drug_hosp_level',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', min_hosp_lv: 'number', desc: 'text' },
    matching: 'exact',
    gloss: '国家第五批 限定医疗机构等级的药品 (min_hosp_lv: 二级 2 / 三级 3 及以上方可支付)',
    rows: (k) => k.national.tables['b5-drug-hosp-level'].entries.map((e) => [e.med_list_codg, e.name, Number(e.min_hosp_lv), e.desc]),
  },
  nat_drug_course: {
    table: 'national/b6-drug-course',
    sqlName: 'k_nat_drug_course',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', max_days: 'number', desc: 'text' },
    matching: 'exact',
    gloss: '国家第六批 限定支付疗程的药品 (max_days: 最多支付天数)',
    rows: (k) => k.national.tables['b6-drug-course'].entries.map((e) => [e.med_list_codg, e.name, e.max_days, e.desc]),
  },
  nat_duplicate: {
    table: 'national/b7-service-duplicate',
    sqlName: 'k_nat_duplicate',
    key: ['item_a', 'item_b'],
    columns: {
      item_a: 'text',
      item_b: 'text',
      main_codg: 'text',
      main_name: 'text',
      sub_codg: 'text',
      sub_name: 'text',
      per: 'text',
      per_zh: 'text',
      note: 'text',
    },
    matching: 'service-code',
    gloss: '国家第七批 重复收费 (主项已含从项: per 内不得同时收取; 两个方向各一行, main_codg 为主项)',
    // Both directions, so a pair rule need not know which of its two items sorts first.
    rows: (k) =>
      k.national.tables['b7-service-duplicate'].entries.flatMap((e) => {
        const rest = [e.main_codg, e.main_name, e.sub_codg, e.sub_name, e.per, ZH_PER[e.per], e.note ?? null];
        return [
          [e.main_codg, e.sub_codg, ...rest],
          [e.sub_codg, e.main_codg, ...rest],
        ];
      }),
  },
  nat_frequency: {
    table: 'national/b8-1-service-frequency',
    sqlName: 'k_nat_frequency',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', max_cnt: 'number', unit: 'text' },
    matching: 'service-code',
    gloss: '国家第八批-1 限定频次 (每个自然日最多 max_cnt 个计价单位; unit day 日 / hour 小时)',
    rows: (k) => k.national.tables['b8-1-service-frequency'].entries.map((e) => [e.med_list_codg, e.name, e.max_cnt, e.unit]),
  },
  nat_service_age_prose: {
    table: 'national/b8-2-service-age',
    sqlName: 'k_nat_service_age_prose',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', note: 'text', min_age: 'number', max_age_male: 'number', max_age_female: 'number' },
    matching: 'service-code',
    gloss: '国家第八批-2 限年龄 (备注原文 note; 参数见 overlays/prose-limits.yaml: min_age ≤ 年龄 < max_age_male / max_age_female)',
    rows: (k) =>
      k.national.tables['b8-2-service-age'].entries.map((e) => {
        const p = prose(k, 'b8-2-service-age', e.med_list_codg);
        return [
          e.med_list_codg,
          e.name,
          e.note,
          p?.min_age_years ?? null,
          p?.max_age_years?.['1'] ?? null,
          p?.max_age_years?.['2'] ?? null,
        ];
      }),
  },
  nat_service_course: {
    table: 'national/b8-3-service-course',
    sqlName: 'k_nat_service_course',
    key: ['med_list_codg'],
    columns: {
      med_list_codg: 'text',
      name: 'text',
      note: 'text',
      course_max_days: 'number',
      course_scope: 'text',
      min_interval_days: 'number',
      max_per_week: 'number',
    },
    matching: 'service-code',
    gloss: '国家第八批-3 限支付疗程 (备注原文 note; 参数见 overlays/prose-limits.yaml)',
    rows: (k) =>
      k.national.tables['b8-3-service-course'].entries.map((e) => {
        const p = prose(k, 'b8-3-service-course', e.med_list_codg);
        return [
          e.med_list_codg,
          e.name,
          e.note,
          p?.course_max_days ?? null,
          p?.course_scope ?? null,
          p?.min_interval_days ?? null,
          p?.max_per_week ?? null,
        ];
      }),
  },
  nat_cycle: {
    table: 'national/b8-4-service-cycle',
    sqlName: 'k_nat_cycle',
    key: ['med_list_codg'],
    columns: { med_list_codg: 'text', name: 'text', max_cnt: 'number', period_days: 'number', note: 'text' },
    matching: 'service-code',
    gloss: '国家第八批-4 周期超频次 (任意 period_days 天内最多 max_cnt 次)',
    rows: (k) =>
      k.national.tables['b8-4-service-cycle'].entries.map((e) => [e.med_list_codg, e.name, e.max_cnt, e.period_days, e.note ?? null]),
  },
};
