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
  any: '任意值',
};
