import type { Typed, ValueType } from './columns.js';

/** The functions of the expression language and its value types, as the compiler checks them. */

export const FUNCTIONS: Readonly<
  Record<
    string,
    {
      min: number;
      max: number;
      type: (args: Typed[]) => ValueType;
      /** The call read aloud in Chinese (`rules explain`), from its arguments read aloud. */
      zh: (a: string[]) => string;
      sql: (a: string[]) => string;
    }
  >
> = {
  coalesce: {
    min: 2,
    max: 8,
    type: (a) => a[0]?.type ?? 'any',
    zh: (a) => `${a[0]}（缺失时取 ${a.slice(1).join('，再缺失取 ')}）`,
    sql: (a) => `coalesce(${a.join(', ')})`,
  },
  abs: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 的绝对值`, sql: (a) => `abs(${a[0]})` },
  least: { min: 2, max: 8, type: (a) => a[0]?.type ?? 'any', zh: (a) => `${a.join('、')} 中较小者`, sql: (a) => `least(${a.join(', ')})` },
  greatest: {
    min: 2,
    max: 8,
    type: (a) => a[0]?.type ?? 'any',
    zh: (a) => `${a.join('、')} 中较大者`,
    sql: (a) => `greatest(${a.join(', ')})`,
  },
  left: { min: 2, max: 2, type: () => 'text', zh: (a) => `${a[0]} 的前 ${a[1]} 位`, sql: (a) => `left(${a[0]}, CAST(${a[1]} AS INTEGER))` },
  date: { min: 1, max: 1, type: () => 'date', zh: (a) => `${a[0]} 的日期`, sql: (a) => `CAST(${a[0]} AS DATE)` },
  round: {
    min: 1,
    max: 2,
    type: () => 'number',
    zh: (a) => `${a[0]} 四舍五入到 ${a[1] ?? '0'} 位小数`,
    sql: (a) => `round(${a[0]}, CAST(${a[1] ?? '0'} AS INTEGER))`,
  },
  // Date arithmetic and calendar windows: whole days between two days (the second minus the first),
  // hours between two times, a day N days on, and the parts of a time.
  days_between: {
    min: 2,
    max: 2,
    type: () => 'number',
    zh: (a) => `${a[0]} 到 ${a[1]} 的天数`,
    sql: (a) => `date_diff('day', CAST(${a[0]} AS DATE), CAST(${a[1]} AS DATE))`,
  },
  hours_between: {
    min: 2,
    max: 2,
    type: () => 'number',
    zh: (a) => `${a[0]} 到 ${a[1]} 的小时数`,
    sql: (a) => `((epoch(CAST(${a[1]} AS TIMESTAMP)) - epoch(CAST(${a[0]} AS TIMESTAMP))) / 3600.0)`,
  },
  add_days: {
    min: 2,
    max: 2,
    type: () => 'date',
    zh: (a) => `${a[0]} 之后 ${a[1]} 天的日期`,
    sql: (a) => `CAST(CAST(${a[0]} AS DATE) + to_days(CAST(${a[1]} AS INTEGER)) AS DATE)`,
  },
  year: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 的年份`, sql: (a) => `year(${a[0]})` },
  quarter: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 的季度`, sql: (a) => `quarter(${a[0]})` },
  month: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 的月份`, sql: (a) => `month(${a[0]})` },
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 是星期几 (1 周一 … 7 周日)`, sql: (a) => `isodow(${a[0]})` },
  hour: { min: 1, max: 1, type: () => 'number', zh: (a) => `${a[0]} 的钟点`, sql: (a) => `hour(CAST(${a[0]} AS TIMESTAMP))` },
  // Text: a code's prefix (a drug class, an ICD-10 chapter), its end, a part of it.
  starts_with: { min: 2, max: 2, type: () => 'bool', zh: (a) => `${a[0]} 以 ${a[1]} 开头`, sql: (a) => `starts_with(${a[0]}, ${a[1]})` },
  ends_with: { min: 2, max: 2, type: () => 'bool', zh: (a) => `${a[0]} 以 ${a[1]} 结尾`, sql: (a) => `ends_with(${a[0]}, ${a[1]})` },
  contains: { min: 2, max: 2, type: () => 'bool', zh: (a) => `${a[0]} 含有 ${a[1]}`, sql: (a) => `contains(${a[0]}, ${a[1]})` },
  // Lists of codes (visit_items, day_items, dx_codes): one of them, or one starting with a prefix.
  has: { min: 2, max: 2, type: () => 'bool', zh: (a) => `${a[0]} 中有 ${a[1]}`, sql: (a) => `list_contains(${a[0]}, ${a[1]})` },
  // How many codes two lists share (the components of a bundle charged in a day: overlap(day_items, list.components)).
  overlap: {
    min: 2,
    max: 2,
    type: () => 'number',
    zh: (a) => `${a[0]} 与 ${a[1]} 共有的项目数`,
    sql: (a) => `len(list_intersect(${a[0]}, ${a[1]}))`,
  },
  has_prefix: {
    min: 2,
    max: 2,
    type: () => 'bool',
    zh: (a) => `${a[0]} 中有以 ${a[1]} 开头的编码`,
    sql: (a) => `(len(list_filter(${a[0]}, x -> starts_with(x, ${a[1]}))) > 0)`,
  },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

/** Whether two values may be compared (a time with a date, anything with a value of unknown type). */
export const comparable = (a: ValueType, b: ValueType) =>
  a === 'any' || b === 'any' || a === b || ((a === 'time' || a === 'date') && (b === 'time' || b === 'date'));

/** How a message names a value's type. */
export const TYPE_ZH: Readonly<Record<ValueType, string>> = {
  text: '文本',
  number: '数值',
  time: '时间',
  date: '日期',
  bool: '条件',
  list: '列表',
  any: '任意值',
};
