import { z } from 'zod';
import {
  AGE_GROUPS,
  DRUG_CODE,
  DRUG_CODE_TEXT,
  GEND_OF,
  HOSP_LEVEL_OF,
  INSURANCE_OF,
  PER_OF,
  SERVICE_CODE,
  SERVICE_CODE_TEXT,
  SETTING_OF,
  SURGERY_GROUP_OF,
  UNIT_OF,
} from './vocab.js';

/**
 * The national knowledge tables (国家知识点, batches 1–8): the entry of each table and the YAML
 * header beside its entry file. These schemas are the one definition; the importer builds entries
 * through them and the loader reads the shipped files through them.
 */

const values = <V extends Readonly<Record<string, string>>>(vocab: V) =>
  [...new Set(Object.values(vocab))] as [V[keyof V], ...V[keyof V][]];

export const DrugCode = z.string().regex(DRUG_CODE, DRUG_CODE_TEXT);
export const ServiceCode = z.string().regex(SERVICE_CODE, SERVICE_CODE_TEXT);
const name = z.string().min(1).max(200);
const prose = z.string().min(1).max(2000);
const row = z.int().min(2);
const sheet = z.string().min(1);

/** Where an entry came from: the workbook, sheet and row; for a drug, also the Sheet1 row it joined. */
export const Src = z.strictObject({
  file: z.string().min(1),
  sheet,
  row,
  joined: z.strictObject({ sheet, row }).optional(),
});
export type Src = z.infer<typeof Src>;

const gend = z.enum(values(GEND_OF));
const ageGroup = z.enum(AGE_GROUPS);
const drug = { med_list_codg: DrugCode, name };
const service = { med_list_codg: ServiceCode, name };

/** 第一批 药品 限定年龄对象: payable only for the age group (bounds: overlays/age-groups.yaml). */
const DrugAge = z.strictObject({ ...drug, age_group: ageGroup, desc: prose, src: Src });
/** 第一批 药品 限定性别对象: payable only for `gend`. */
const DrugGender = z.strictObject({ ...drug, gend, desc: prose, src: Src });
/** 第三批 限定保险类型: a 工伤 / 生育 insurance drug, not payable from basic medical insurance. */
const DrugInsurance = z.strictObject({
  ...drug,
  insurance: z.enum(values(INSURANCE_OF)),
  basic_payable: z.literal(false),
  desc: prose,
  src: Src,
});
/** 第四批 限定就医方式: payable only in this setting (住院 → inpatient). */
const DrugSetting = z.strictObject({ ...drug, setting: z.enum(values(SETTING_OF)), desc: prose, src: Src });
/** 第五批 限定机构等级: payable only at `min_hosp_lv` (contract HOSP_LV) or above. */
const DrugHospLevel = z.strictObject({ ...drug, min_hosp_lv: z.enum(values(HOSP_LEVEL_OF)), desc: prose, src: Src });
/** 第六批 限定支付疗程: payable for at most `max_days` days (the wording in `desc` says of what). */
const DrugCourse = z.strictObject({ ...drug, max_days: z.int().positive(), desc: prose, src: Src });

/** 第一批 项目 限定年龄对象. */
const ServiceAge = z.strictObject({ ...service, age_group: ageGroup, src: Src });
/** 第一批 项目 限定性别对象. */
const ServiceGender = z.strictObject({ ...service, gend, desc: prose, src: Src });
/**
 * 第二批 限定主次操作: a surgery of group `group_id`; the second and later surgeries of one group
 * through one incision are charged at a discount. A surgery may sit in several groups: one entry each.
 */
const ServiceMainSecondary = z.strictObject({
  ...service,
  group_id: z.enum(values(SURGERY_GROUP_OF)),
  group: z.enum(Object.keys(SURGERY_GROUP_OF) as [keyof typeof SURGERY_GROUP_OF, ...(keyof typeof SURGERY_GROUP_OF)[]]),
  desc: prose,
  src: Src,
});
/** 第七批 重复收费: the 从项 may not be charged with the 主项 within `per` (a day, a visit, 6 hours, one clock hour). */
const ServiceDuplicate = z.strictObject({
  main_codg: ServiceCode,
  main_name: name,
  sub_codg: ServiceCode,
  sub_name: name,
  per: z.enum(values(PER_OF)),
  note: prose.optional(),
  src: Src,
});
/** 第八批-1 限定频次: at most `max_cnt` units (`unit`: a day, or an hour) per calendar day (`per`). */
const ServiceFrequency = z.strictObject({
  ...service,
  max_cnt: z.int().positive(),
  unit: z.enum(values(UNIT_OF)),
  per: z.literal('day'),
  src: Src,
});
/** 第八批-2 限定年龄 / 第八批-3 限定疗程: the limit is prose (`note`); its parameters are in overlays/prose-limits.yaml. */
const ServiceProse = z.strictObject({ ...service, note: prose, src: Src });
/** 第八批-4 周期超频次: at most `max_cnt` within any `period_days` days. */
const ServiceCycle = z.strictObject({
  ...service,
  max_cnt: z.int().positive(),
  period_days: z.int().positive(),
  note: prose.optional(),
  src: Src,
});

/**
 * How a fee line's `med_list_codg` meets an entry's code: `exact` (drug codes, matched whole);
 * `service-code` (a 15-digit service code, also matching `<code>-<local price-item suffix>`);
 * `prefix` (the entry names a class: every code starting with it).
 */
export const Matching = z.enum(['exact', 'service-code', 'prefix']);
export type Matching = z.infer<typeof Matching>;

interface TableDef<E extends z.ZodType> {
  /** Chinese, for the person reading the header. */
  readonly title: string;
  readonly batch: string;
  readonly matching: Matching;
  /** The fields whose values make an entry unique. */
  readonly key: readonly string[];
  readonly entry: E;
}

const def = <E extends z.ZodType>(d: TableDef<E>) => d;

/** Every national table: its entry schema, key and matching mode (one table per batch file). */
export const TABLES = {
  'b1-drug-age': def({ title: '药品限定年龄对象', batch: '第一批', matching: 'exact', key: ['med_list_codg'], entry: DrugAge }),
  'b1-drug-gender': def({ title: '药品限定性别对象', batch: '第一批', matching: 'exact', key: ['med_list_codg'], entry: DrugGender }),
  'b1-service-age': def({
    title: '医疗服务项目限定年龄对象',
    batch: '第一批',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceAge,
  }),
  'b1-service-gender': def({
    title: '医疗服务项目限定性别对象',
    batch: '第一批',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceGender,
  }),
  'b2-service-main-secondary': def({
    title: '医疗服务项目限定主次操作',
    batch: '第二批',
    matching: 'service-code',
    key: ['med_list_codg', 'group_id'],
    entry: ServiceMainSecondary,
  }),
  'b3-drug-insurance': def({ title: '药品限定保险类型', batch: '第三批', matching: 'exact', key: ['med_list_codg'], entry: DrugInsurance }),
  'b4-drug-setting': def({ title: '药品限定就医方式', batch: '第四批', matching: 'exact', key: ['med_list_codg'], entry: DrugSetting }),
  'b5-drug-hosp-level': def({
    title: '药品限定机构等级',
    batch: '第五批',
    matching: 'exact',
    key: ['med_list_codg'],
    entry: DrugHospLevel,
  }),
  'b6-drug-course': def({ title: '药品限定支付疗程', batch: '第六批', matching: 'exact', key: ['med_list_codg'], entry: DrugCourse }),
  'b7-service-duplicate': def({
    title: '医疗服务项目重复收费',
    batch: '第七批',
    matching: 'service-code',
    key: ['main_codg', 'sub_codg', 'per'],
    entry: ServiceDuplicate,
  }),
  'b8-1-service-frequency': def({
    title: '医疗服务项目限定频次',
    batch: '第八批-1',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceFrequency,
  }),
  'b8-2-service-age': def({
    title: '医疗服务项目限年龄',
    batch: '第八批-2',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceProse,
  }),
  'b8-3-service-course': def({
    title: '医疗服务项目限支付疗程',
    batch: '第八批-3',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceProse,
  }),
  'b8-4-service-cycle': def({
    title: '医疗服务项目周期超频次',
    batch: '第八批-4',
    matching: 'service-code',
    key: ['med_list_codg'],
    entry: ServiceCycle,
  }),
} as const;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES).sort() as [TableName, ...TableName[]];
export type Entry<N extends TableName> = z.output<(typeof TABLES)[N]['entry']>;
export type AnyEntry = Entry<TableName>;

/** An entry's key: the values of its table's key fields, `|`-joined. */
export function keyOf(table: TableName, entry: Readonly<Record<string, unknown>>): string {
  return TABLES[table].key
    .map((k) => {
      const v = entry[k];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    })
    .join('|');
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256: 64 位小写十六进制');
const IsoDate = z.iso.date('日期: yyyy-MM-dd');

/** The YAML header of a table (`<table>.yaml`, beside `<table>.ndjson`). */
export const Header = z.strictObject({
  table: z.enum(TABLE_NAMES),
  title: z.string().min(1),
  version: z.int().positive(),
  matching: Matching,
  key: z.array(z.string().min(1)).min(1),
  /** When the entries are in force; null = open. The workbooks carry no dates. */
  validity: z.strictObject({ from: IsoDate.nullable(), to: IsoDate.nullable() }),
  source: z.strictObject({
    publisher: z.string().min(1),
    batch: z.string().min(1),
    file: z.string().min(1),
    sha256: Sha256,
    sheets: z.array(sheet).min(1),
  }),
  entries: z.strictObject({ file: z.string().min(1), count: z.int().nonnegative(), sha256: Sha256 }),
});
export type Header = z.infer<typeof Header>;

/** A loaded table: its header and its entries in file order. */
export interface NationalTable<N extends TableName> {
  readonly header: Header;
  readonly entries: readonly Entry<N>[];
}
export type NationalTables = { readonly [N in TableName]: NationalTable<N> };
