import type { Entry, TableName } from './schema.js';
import type { Columns, RowReader } from './sheet.js';
import { AGE_GROUP_OF, DAYS, GEND_OF, HOSP_LEVEL_OF, INSURANCE_OF, PER_OF, SETTING_OF, SURGERY_GROUP_OF, UNIT_OF } from './vocab.js';

/**
 * The 14 published batch files: how each is recognised (its file name), its layout, its columns,
 * and what each row means as a typed entry. Two layouts occur: drug batches join Sheet1 (one row
 * per generic drug: the limit) and Sheet2 (one row per national drug code) on 药品通用名; service
 * batches are one sheet, one row per service code (or code pair).
 */

type Typed<N extends TableName> = Omit<Entry<N>, 'src'>;
type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** `o` when none of its values is undefined (a cell that did not read), else undefined. */
function need<T extends Record<string, unknown>>(o: T): Defined<T> | undefined {
  return Object.values(o).some((v) => v === undefined) ? undefined : (o as Defined<T>);
}

/** A file name as compared: no spaces, ASCII parentheses (the files mix （） and ()). */
export const normalName = (file: string): string => file.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');

const DRUG_SHEET1 = { name: ['药品通用名'], desc: ['药品说明'], type: ['限定类型'] } as const;
const DRUG_SHEET2 = { name: ['药品通用名'], code: ['国标代码', '药品代码'], type: ['限定类型'] } as const satisfies Columns;
type Sheet1Columns = typeof DRUG_SHEET1 & { value: readonly string[] };
export type DrugSheet2Columns = typeof DRUG_SHEET2;

export interface DrugBatch {
  readonly layout: 'drug';
  readonly table: TableName;
  readonly file: RegExp;
  /** The 限定类型 every row of both sheets carries. */
  readonly limitType: string;
  readonly sheet1: Sheet1Columns;
  readonly sheet2: DrugSheet2Columns;
  /** The typed fields of a Sheet1 row (the limit), given to each of its codes. */
  typed(r: RowReader<Sheet1Columns>): Readonly<Record<string, unknown>> | undefined;
}

export interface ServiceBatch {
  readonly layout: 'single';
  readonly table: TableName;
  readonly file: RegExp;
  readonly columns: Columns;
  /** Columns holding codes: a row without any of them and starting with 合计 / 备注 is a footer. */
  readonly codeColumns: readonly string[];
  /** The 限定类型 of every row, for batches whose sheet has that column. */
  readonly limitType?: string;
  entry(r: RowReader<Columns>): Readonly<Record<string, unknown>> | undefined;
}

export type Batch = DrugBatch | ServiceBatch;

function drugBatch<N extends TableName>(
  table: N,
  file: RegExp,
  limitType: string,
  value: '限定对象' | '限定值域',
  typed: (r: RowReader<Sheet1Columns>) => Omit<Typed<N>, 'med_list_codg' | 'name' | 'desc'> | undefined,
): DrugBatch {
  return { layout: 'drug', table, file, limitType, sheet1: { ...DRUG_SHEET1, value: [value] }, sheet2: DRUG_SHEET2, typed };
}

function serviceBatch<N extends TableName, C extends Columns>(
  table: N,
  file: RegExp,
  columns: C,
  codeColumns: readonly (keyof C & string)[],
  entry: (r: RowReader<C>) => Typed<N> | undefined,
  limitType?: string,
): ServiceBatch {
  return {
    layout: 'single',
    table,
    file,
    columns,
    codeColumns,
    ...(limitType === undefined ? {} : { limitType }),
    entry,
  };
}

const SERVICE = { name: ['项目名称'], code: ['国标代码', '项目编码', '项目代码'] } as const;
const serviceItem = <C extends typeof SERVICE>(r: RowReader<C>) => ({
  med_list_codg: r.code('code', 'service', '项目编码'),
  name: r.text('name', '项目名称'),
});

/** Every batch, in publication order. */
export const BATCHES: readonly Batch[] = [
  drugBatch('b1-drug-age', /^【第一批】药品规则库\(限定年龄对象\)/, '限定年龄对象', '限定对象', (r) =>
    need({ age_group: r.label('value', AGE_GROUP_OF, '限定对象') }),
  ),
  drugBatch('b1-drug-gender', /^【第一批】药品规则库\(限定性别对象\)/, '限定性别对象', '限定对象', (r) =>
    need({ gend: r.label('value', GEND_OF, '限定对象') }),
  ),
  serviceBatch(
    'b1-service-age',
    /^【第一批】项目规则库\(限定年龄对象\)/,
    { ...SERVICE, type: ['限定类型'], value: ['限定对象'] },
    ['code'],
    (r) => need({ ...serviceItem(r), age_group: r.label('value', AGE_GROUP_OF, '限定对象') }),
    '限定年龄对象',
  ),
  serviceBatch(
    'b1-service-gender',
    /^【第一批】项目规则库\(限定性别对象\)/,
    { ...SERVICE, desc: ['项目说明'], type: ['限定类型'], value: ['限定性别'] },
    ['code'],
    (r) => need({ ...serviceItem(r), gend: r.label('value', GEND_OF, '限定性别'), desc: r.text('desc', '项目说明') }),
    '限定性别对象',
  ),
  serviceBatch(
    'b2-service-main-secondary',
    /^【第二批】项目规则库\(限定主次操作\)/,
    { ...SERVICE, desc: ['项目说明'], type: ['限定类型'], value: ['限定值域'] },
    ['code'],
    (r) => {
      const group = r.text('value', '限定值域');
      const groupId = group === undefined ? undefined : r.label('value', SURGERY_GROUP_OF, '手术组 (限定值域)');
      return need({
        ...serviceItem(r),
        group_id: groupId,
        group: groupId === undefined ? undefined : (group as keyof typeof SURGERY_GROUP_OF),
        desc: r.text('desc', '项目说明'),
      });
    },
    '限定主次操作',
  ),
  drugBatch('b3-drug-insurance', /^【第三批】药品规则库\(限定保险类型\)/, '限定保险类型', '限定对象', (r) =>
    need({ insurance: r.label('value', INSURANCE_OF, '保险类型 (限定对象)'), basic_payable: false as const }),
  ),
  drugBatch('b4-drug-setting', /^【第四批】药品规则库\(限定就医方式\)/, '限定就医方式', '限定值域', (r) =>
    need({ setting: r.label('value', SETTING_OF, '就医方式 (限定值域)') }),
  ),
  drugBatch('b5-drug-hosp-level', /^【第五批】药品规则库\(限定机构等级\)/, '限定机构等级', '限定值域', (r) =>
    need({ min_hosp_lv: r.label('value', HOSP_LEVEL_OF, '机构等级 (限定值域)') }),
  ),
  drugBatch('b6-drug-course', /^【第六批】药品规则库\(限定支付疗程\)/, '限定支付疗程', '限定值域', (r) =>
    need({ max_days: r.count('value', DAYS, '支付疗程 (限定值域)', 'N天, 如 14天') }),
  ),
  serviceBatch(
    'b7-service-duplicate',
    /^【第七批】项目规则库\(重复收费\)/,
    { per: ['频度'], main_name: ['主项名称'], main_codg: ['主项编码'], sub_name: ['从项名称'], sub_codg: ['从项编码'], note: ['备注'] },
    ['main_codg', 'sub_codg'],
    (r) => {
      const note = r.text('note', '备注', { optional: true });
      const v = need({
        main_codg: r.code('main_codg', 'service', '主项编码'),
        main_name: r.text('main_name', '主项名称'),
        sub_codg: r.code('sub_codg', 'service', '从项编码'),
        sub_name: r.text('sub_name', '从项名称'),
        per: r.label('per', PER_OF, '频度'),
      });
      if (v && v.main_codg === v.sub_codg) return r.fail('sub_codg', 'same-item', '主项与从项相同');
      return v && { ...v, ...(note === undefined ? {} : { note }) };
    },
  ),
  serviceBatch(
    'b8-1-service-frequency',
    /^【第八批-1】项目规则库\(限定频次\)/,
    { ...SERVICE, max_cnt: ['限制数量'], unit: ['数量单位'] },
    ['code'],
    (r) =>
      need({
        ...serviceItem(r),
        max_cnt: r.positiveInt('max_cnt', '限制数量'),
        unit: r.label('unit', UNIT_OF, '数量单位'),
        per: 'day' as const,
      }),
  ),
  serviceBatch('b8-2-service-age', /^【第八批-2】项目规则库\(限定年龄\)/, { ...SERVICE, note: ['备注'] }, ['code'], (r) =>
    need({ ...serviceItem(r), note: r.text('note', '备注') }),
  ),
  serviceBatch('b8-3-service-course', /^【第八批-3】项目规则库\(限定疗程\)/, { ...SERVICE, note: ['备注'] }, ['code'], (r) =>
    need({ ...serviceItem(r), note: r.text('note', '备注') }),
  ),
  serviceBatch(
    'b8-4-service-cycle',
    /^【第八批-4】项目规则库\(限定周期\)/,
    { ...SERVICE, max_cnt: ['频次上限'], period_days: ['疗程周期'], note: ['备注'] },
    ['code'],
    (r) => {
      const note = r.text('note', '备注', { optional: true });
      const v = need({
        ...serviceItem(r),
        max_cnt: r.positiveInt('max_cnt', '频次上限'),
        period_days: r.positiveInt('period_days', '疗程周期 (天)'),
      });
      return v && { ...v, ...(note === undefined ? {} : { note }) };
    },
  ),
];

/** The batch a file is, from its name (`【第七批 】项目规则库（重复收费）.xlsx`), if any. */
export function batchOf(fileName: string): Batch | undefined {
  const name = normalName(fileName);
  return BATCHES.find((b) => b.file.test(name));
}

/** Publication order of a file's batch (unrecognised files last), so output reads batch 1 to 8. */
export function batchOrder(fileName: string): number {
  const b = batchOf(fileName);
  return b === undefined ? BATCHES.length : BATCHES.indexOf(b);
}
