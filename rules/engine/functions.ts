import type { Typed, ValueType } from './columns.js';

/** The functions of the expression language and its value types, as the compiler checks them. */

export const FUNCTIONS: Readonly<
  Record<string, { min: number; max: number; type: (args: Typed[]) => ValueType; sql: (a: string[]) => string }>
> = {
  coalesce: { min: 2, max: 8, type: (a) => a[0]?.type ?? 'any', sql: (a) => `coalesce(${a.join(', ')})` },
  abs: { min: 1, max: 1, type: () => 'number', sql: (a) => `abs(${a[0]})` },
  least: { min: 2, max: 8, type: (a) => a[0]?.type ?? 'any', sql: (a) => `least(${a.join(', ')})` },
  greatest: { min: 2, max: 8, type: (a) => a[0]?.type ?? 'any', sql: (a) => `greatest(${a.join(', ')})` },
  left: { min: 2, max: 2, type: () => 'text', sql: (a) => `left(${a[0]}, CAST(${a[1]} AS INTEGER))` },
  date: { min: 1, max: 1, type: () => 'date', sql: (a) => `CAST(${a[0]} AS DATE)` },
  round: { min: 1, max: 2, type: () => 'number', sql: (a) => `round(${a[0]}, CAST(${a[1] ?? '0'} AS INTEGER))` },
  // Date arithmetic and calendar windows: whole days between two days (the second minus the first),
  // hours between two times, a day N days on, and the parts of a time.
  days_between: { min: 2, max: 2, type: () => 'number', sql: (a) => `date_diff('day', CAST(${a[0]} AS DATE), CAST(${a[1]} AS DATE))` },
  hours_between: {
    min: 2,
    max: 2,
    type: () => 'number',
    sql: (a) => `((epoch(CAST(${a[1]} AS TIMESTAMP)) - epoch(CAST(${a[0]} AS TIMESTAMP))) / 3600.0)`,
  },
  add_days: { min: 2, max: 2, type: () => 'date', sql: (a) => `CAST(CAST(${a[0]} AS DATE) + to_days(CAST(${a[1]} AS INTEGER)) AS DATE)` },
  year: { min: 1, max: 1, type: () => 'number', sql: (a) => `year(${a[0]})` },
  quarter: { min: 1, max: 1, type: () => 'number', sql: (a) => `quarter(${a[0]})` },
  month: { min: 1, max: 1, type: () => 'number', sql: (a) => `month(${a[0]})` },
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: { min: 1, max: 1, type: () => 'number', sql: (a) => `isodow(${a[0]})` },
  hour: { min: 1, max: 1, type: () => 'number', sql: (a) => `hour(CAST(${a[0]} AS TIMESTAMP))` },
  // Text: a code's prefix (a drug class, an ICD-10 chapter), its end, a part of it.
  starts_with: { min: 2, max: 2, type: () => 'bool', sql: (a) => `starts_with(${a[0]}, ${a[1]})` },
  ends_with: { min: 2, max: 2, type: () => 'bool', sql: (a) => `ends_with(${a[0]}, ${a[1]})` },
  contains: { min: 2, max: 2, type: () => 'bool', sql: (a) => `contains(${a[0]}, ${a[1]})` },
  // Lists of codes (visit_items, day_items, dx_codes): one of them, or one starting with a prefix.
  has: { min: 2, max: 2, type: () => 'bool', sql: (a) => `list_contains(${a[0]}, ${a[1]})` },
  has_prefix: { min: 2, max: 2, type: () => 'bool', sql: (a) => `(len(list_filter(${a[0]}, x -> starts_with(x, ${a[1]}))) > 0)` },
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
