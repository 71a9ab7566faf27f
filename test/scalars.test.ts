import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  code,
  columnMeta,
  date,
  datetime,
  decimal,
  describe as describeValue,
  integer,
  isAbsent,
  jsonText,
  LONG_NUMBER_PREFIX,
  oneOf,
  text,
  type Check,
} from '../contract/scalars.js';

/**
 * The registered check of each scalar, the very function both zod and ingest's fast path run, on
 * values worked out by hand. test/fast.test.ts compares the two paths, which share these checks and
 * so cannot see their mistakes; this file can. A check gets present values only (absence is the
 * scalar's business) and answers the canonical text or a failure code.
 */

const checkOf = (schema: z.ZodType): Check => {
  const meta = columnMeta.get(schema);
  if (!meta) throw new Error('not a registered scalar');
  return meta.check;
};
/** The canonical text, or the failure's code. */
const run = (check: Check, v: unknown, separatorFree = false) => {
  const r = check(v, separatorFree);
  return typeof r === 'string' ? r : r.code;
};
const long = (token: string) => `${LONG_NUMBER_PREFIX}${token}`;

describe('text', () => {
  const t5 = checkOf(text(5));
  it.each([
    ['abcde', 'abcde'],
    ['医保医保医', '医保医保医'],
    ['abcdef', 'text-too-long'],
    [' a b ', ' a b '], // text is kept as sent, spaces too
    ['a\u001bb', 'a\u001bb'], // ESC is not one of the separators
    ['a\u001cb', 'control-character'],
    ['\u001f', 'control-character'],
    [5, 'invalid-type'],
    [true, 'invalid-type'],
    [long('1234567890123456'), 'invalid-type'],
  ])('%j → %j', (v, want) => {
    expect(run(t5, v)).toBe(want);
  });

  it('told separatorFree, it skips only the separator search', () => {
    expect(run(t5, 'a\u001cb', true)).toBe('a\u001cb');
    expect(run(t5, 'abcdef', true)).toBe('text-too-long');
    expect(run(t5, 7, true)).toBe('invalid-type');
    expect(run(t5, long('1234567890123456'), true)).toBe('invalid-type');
  });
});

describe('code', () => {
  const c3 = checkOf(code(3));
  const c20 = checkOf(code(20));
  it.each([
    [c3, 12, '12'],
    [c3, '012', '012'],
    [c3, -1, '-1'],
    [c3, 1234, 'text-too-long'],
    [c3, '1234', 'text-too-long'],
    [c3, 1.5, 'invalid-type'],
    [c3, null, 'invalid-type'],
    [c3, '1\u001d', 'control-character'],
    [c20, 2 ** 53 - 1, '9007199254740991'],
    [c20, 2 ** 53, 'invalid-type'],
    [c20, long('12345678901234567'), '12345678901234567'],
    [c3, long('12345678901234567'), 'text-too-long'],
  ])('%#: %j → %j', (check, v, want) => {
    expect(run(check, v)).toBe(want);
  });

  it('told separatorFree, it skips only the separator search', () => {
    expect(run(c3, '1\u001d', true)).toBe('1\u001d');
    expect(run(c3, '1234', true)).toBe('text-too-long');
    expect(run(c3, 1.5, true)).toBe('invalid-type');
  });
});

describe('decimal(p, s): at most s decimals and p - s integer digits', () => {
  const amount = checkOf(decimal(16, 2));
  const small = checkOf(decimal(4, 2));
  const price = checkOf(decimal(16, 6));
  it.each([
    [amount, 8.4, '8.4'],
    [amount, ' 8.40 ', '8.4'], // a numeric string is trimmed
    [amount, '\t-0.5\n', '-0.5'],
    [amount, -0, '0'],
    [amount, '0.010', '0.01'], // trailing zeros are not decimals
    [amount, '0.001', 'too-many-decimals'],
    [amount, 12345678901234, '12345678901234'], // 14 integer digits: the most DECIMAL(16,2) holds
    [amount, 123456789012345, 'decimal-overflow'],
    [amount, 1e21, 'decimal-overflow'], // JS writes it 1e+21
    [amount, long('99999999999999.99'), '99999999999999.99'],
    [amount, long('1.0000000000000001'), 'too-many-decimals'],
    [amount, NaN, 'invalid-decimal'],
    [amount, Infinity, 'invalid-decimal'],
    [amount, '1\u001f', 'invalid-decimal'],
    [amount, '', 'invalid-decimal'],
    [amount, true, 'invalid-type'],
    [amount, [1], 'invalid-type'],
    [small, '99.99', '99.99'],
    [small, '-99.99', '-99.99'],
    [small, '100', 'decimal-overflow'],
    [small, '0.005', 'too-many-decimals'],
    [price, 1e-6, '0.000001'],
    [price, 1e-7, 'too-many-decimals'], // JS writes it 1e-7
    [price, '8.200000', '8.2'],
  ])('%#: %j → %j', (check, v, want) => {
    expect(run(check, v)).toBe(want);
  });
});

describe('date and datetime', () => {
  const d = checkOf(date());
  const dt = checkOf(datetime());
  it.each([
    ['2024-02-29', '2024-02-29'], // divisible by 4
    ['2000-02-29', '2000-02-29'], // by 400
    ['2100-02-29', 'invalid-date'], // by 100, not 400
    ['2026-02-28', '2026-02-28'],
    ['2026-02-29', 'invalid-date'],
    ['2026-01-31', '2026-01-31'],
    ['2026-04-30', '2026-04-30'],
    ['2026-04-31', 'invalid-date'],
    ['2026-12-31', '2026-12-31'],
    ['2026-00-01', 'invalid-date'],
    ['2026-13-01', 'invalid-date'],
    ['2026-01-00', 'invalid-date'],
    [' 2026-01-01', 'invalid-date'],
    [20260101, 'invalid-date'],
  ])('date %j → %j', (v, want) => {
    expect(run(d, v)).toBe(want);
  });

  it.each([
    ['2026-03-02 00:00:00', '2026-03-02 00:00:00'],
    ['2026-03-02 23:59:59', '2026-03-02 23:59:59'],
    ['2026-03-02 24:00:00', 'invalid-datetime'],
    ['2026-03-02 23:60:00', 'invalid-datetime'],
    ['2026-03-02 23:59:60', 'invalid-datetime'],
    ['2026-02-29 12:00:00', 'invalid-datetime'],
    ['2026-03-02T10:00:00', 'invalid-datetime'],
    ['2026-03-02 10:00', 'invalid-datetime'],
  ])('datetime %j → %j', (v, want) => {
    expect(run(dt, v)).toBe(want);
  });
});

describe('integer and closed code tables', () => {
  const n = checkOf(integer());
  const mode = checkOf(oneOf(['1', '2', 'T1']));
  it.each([
    [n, 5, '5'],
    [n, '007', '7'],
    [n, ' 12 ', '12'],
    [n, '-3', '-3'],
    [n, '-0', '0'],
    [n, '123456789', '123456789'],
    [n, '1234567890', 'invalid-integer'],
    [n, 1.5, 'invalid-integer'],
    [n, '1e3', 'invalid-integer'],
    [n, true, 'invalid-integer'],
    [mode, 1, '1'],
    [mode, '2', '2'],
    [mode, 'T1', 'T1'],
    [mode, 3, 'invalid-enum'],
    [mode, ' 1', 'invalid-enum'],
    [mode, 't1', 'invalid-enum'],
    [mode, 1.5, 'invalid-enum'],
  ])('%#: %j → %j', (check, v, want) => {
    expect(run(check, v)).toBe(want);
  });
});

describe('jsonText (JSON columns)', () => {
  it.each([
    [{ a: 1, b: 'x' }, '{"a":1,"b":"x"}'],
    [{ a: long('12345678901234567') }, '{"a":12345678901234567}'], // a long number goes back as the number sent
    [[long('-1.0000000000000001e5')], '[-1.0000000000000001e5]'],
    [{ a: `x${long('12345678901234567')}` }, `{"a":"x\\u001f${LONG_NUMBER_PREFIX.slice(1)}12345678901234567"}`], // only at the start
    [{ a: '\ud800' }, '{"a":"\\ufffd"}'], // a lone surrogate, as VARCHAR columns get it
    [{ a: 'x\udc00y' }, '{"a":"x\\ufffdy"}'],
    [{ a: '\\ud800' }, '{"a":"\\\\ud800"}'], // an escaped backslash then "ud800" is text
    [{ a: '😀' }, '{"a":"😀"}'],
    [{ a: '\u001f' }, '{"a":"\\u001f"}'],
  ])('%j → %s', (v, want) => {
    expect(jsonText(v)).toBe(want);
  });
});

describe('what a rejection reason shows', () => {
  it.each([
    [undefined, '缺失'],
    ['abc', '"abc"'],
    ['x'.repeat(40), `"${'x'.repeat(40)}"`],
    ['x'.repeat(41), `"${'x'.repeat(40)}…"`],
    [long('12345678901234567'), '数字 12345678901234567'],
    [5, '数字 5'],
    [[], '数组'],
    [null, 'null'],
    [true, 'true'],
    [{}, '对象'],
  ])('%j → %s', (v, want) => {
    expect(describeValue(v)).toBe(want);
  });

  it('"" and null are absent; 0, false and a space are values', () => {
    expect([undefined, null, ''].map(isAbsent)).toEqual([true, true, true]);
    expect([0, false, ' ', 'x'].map(isAbsent)).toEqual([false, false, false, false]);
  });
});
