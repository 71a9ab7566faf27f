import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Adjusted,
  amount,
  code,
  codeIn,
  columnMeta,
  date,
  datetime,
  decimal,
  describe as describeValue,
  id,
  integer,
  isAbsent,
  jsonOf,
  jsonText,
  listCode,
  LONG_NUMBER_PREFIX,
  oneOf,
  price,
  quantity,
  text,
  TRACE_SEP,
  traceList,
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
  // A §8 variant, as plain data: its text, its note, and the value kept as sent.
  return typeof r === 'string' ? r : r instanceof Adjusted ? { text: r.text, note: r.note, asSent: r.asSent } : r.code;
};
const long = (token: string) => `${LONG_NUMBER_PREFIX}${token}`;

/**
 * Test titles without the sentinel's random part, which differs from process to process: Stryker
 * finds a test again in another process by its title.
 */
const stable = (x: unknown) =>
  typeof x === 'function' ? '' : (JSON.stringify(x) ?? String(x)).replaceAll(LONG_NUMBER_PREFIX.slice(2, -1), '…');
function named<T extends unknown[]>(rows: readonly T[]): [string, ...T][] {
  return rows.map((r, i) => [`${i}: ${r.map(stable).filter(Boolean).join(' → ')}`, ...r]);
}

describe('text', () => {
  const t5 = checkOf(text(5));
  it.each(
    named<[unknown, string]>([
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
    ]),
  )('%s', (_title, v, want) => {
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
  it.each(
    named<[Check, unknown, string]>([
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
    ]),
  )('%s', (_title, check, v, want) => {
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
  it.each(
    named<[Check, unknown, string]>([
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
    ]),
  )('%s', (_title, check, v, want) => {
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
    ['2026-01-01x', 'invalid-date'],
    [20260101, 'invalid-date'],
    [['2026-01-01'], 'invalid-date'], // not a string, whatever it prints as
    // Contract §8: a date-time in a D field gives its day; a time other than midnight is kept as sent.
    ['2026-03-02 00:00:00', '2026-03-02'],
    ['2026-03-02T00:00:00.000', '2026-03-02'],
    ['2026-03-02 10:00:00', { text: '2026-03-02', note: 'time-dropped', asSent: '2026-03-02 10:00:00' }],
    ['2026-03-02T00:00:00.5', { text: '2026-03-02', note: 'time-dropped', asSent: '2026-03-02T00:00:00.5' }],
    ['2026-02-29 10:00:00', 'invalid-date'],
    ['2026-03-02 24:00:00', 'invalid-date'],
    ['2026-03-02T10:00:00+08:00', 'invalid-date'],
  ])('date %j → %j', (v, want) => {
    expect(run(d, v)).toEqual(want);
  });

  it.each([
    ['2026-03-02 00:00:00', '2026-03-02 00:00:00'],
    ['2026-03-02 23:59:59', '2026-03-02 23:59:59'],
    ['2026-03-02 24:00:00', 'invalid-datetime'],
    ['2026-03-02 23:60:00', 'invalid-datetime'],
    ['2026-03-02 23:59:60', 'invalid-datetime'],
    ['2026-02-29 12:00:00', 'invalid-datetime'],
    ['2026-03-02 10:00', 'invalid-datetime'],
    ['x2026-03-02 10:00:00', 'invalid-datetime'],
    [['2026-03-02 10:00:00'], 'invalid-datetime'],
    // Contract §8: the ISO form is the same instant, its fraction of a second kept; no offset.
    ['2026-03-02T10:00:00', '2026-03-02 10:00:00'],
    ['2026-03-02 10:00:00.5', '2026-03-02 10:00:00.5'],
    ['2026-03-02T10:00:00.123456', '2026-03-02 10:00:00.123456'],
    ['2026-03-02T10:00:00.1234567', 'invalid-datetime'],
    ['2026-03-02T10:00:00Z', 'invalid-datetime'],
    ['2026-03-02T10:00:00+08:00', 'invalid-datetime'],
    // …and a bare date is midnight, flagged.
    ['2026-03-02', { text: '2026-03-02 00:00:00', note: 'bare-date', asSent: undefined }],
    ['2026-02-29', 'invalid-datetime'],
  ])('datetime %j → %j', (v, want) => {
    expect(run(dt, v)).toEqual(want);
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
    [mode, ['1'], 'invalid-enum'],
    [checkOf(oneOf(['1.5'])), 1.5, 'invalid-enum'], // a code is a string or an integer, never a fraction
  ])('%#: %j → %j', (check, v, want) => {
    expect(run(check, v)).toBe(want);
  });
});

describe('jsonText (JSON columns)', () => {
  it.each(
    named<[unknown, string]>([
      [{ a: 1, b: 'x' }, '{"a":1,"b":"x"}'],
      [{ a: long('12345678901234567') }, '{"a":12345678901234567}'], // a long number goes back as the number sent
      [[long('-1.0000000000000001e5')], '[-1.0000000000000001e5]'],
      [{ a: `x${long('12345678901234567')}` }, `{"a":"x\\u001f${LONG_NUMBER_PREFIX.slice(1)}12345678901234567"}`], // only at the start
      [{ a: '\ud800' }, '{"a":"\\ufffd"}'], // a lone surrogate, as VARCHAR columns get it
      [{ a: 'x\udc00y' }, '{"a":"x\\ufffdy"}'],
      [{ a: '\\ud800' }, '{"a":"\\\\ud800"}'], // an escaped backslash then "ud800" is text
      [{ a: '😀' }, '{"a":"😀"}'],
      [{ a: '\u001f' }, '{"a":"\\u001f"}'],
      [{ a: long('12345678901234567'), b: [long('-98765432109876543')] }, '{"a":12345678901234567,"b":[-98765432109876543]}'],
      [{ a: '\ud800\udfff\udbff' }, '{"a":"\ud800\udfff\\ufffd"}'], // a pair, then a lone one
    ]),
  )('%s', (_title, v, want) => {
    expect(jsonText(v)).toBe(want);
  });
});

/** What a scalar registers, without its check function. */
const meta = (schema: z.ZodType) => {
  const { check: _check, ...rest } = columnMeta.get(schema) ?? { check: undefined };
  return rest;
};

describe('what each scalar registers for its column', () => {
  it.each([
    ['text(30)', text(30), { kind: 'text', sql: 'VARCHAR', required: true, expected: '文本(最长30)' }],
    ['text(30, false)', text(30, false), { kind: 'text', sql: 'VARCHAR', required: false, expected: '文本(最长30)' }],
    ['code(6)', code(6), { kind: 'code', sql: 'VARCHAR', required: true, expected: '代码(文本或整数, 最长6)' }],
    ['decimal(16, 2)', decimal(16, 2), { kind: 'decimal', sql: 'DECIMAL(16,2)', required: true, expected: '数值(最多2位小数)' }],
    ['amount()', amount(), { kind: 'decimal', sql: 'DECIMAL(16,2)', required: true, expected: '数值(最多2位小数)' }],
    ['price(false)', price(false), { kind: 'decimal', sql: 'DECIMAL(16,6)', required: false, expected: '数值(最多6位小数)' }],
    ['quantity()', quantity(), { kind: 'decimal', sql: 'DECIMAL(16,4)', required: true, expected: '数值(最多4位小数)' }],
    ['date()', date(), { kind: 'date', sql: 'DATE', required: true, expected: '日期 yyyy-MM-dd', adjustable: true }],
    [
      'datetime()',
      datetime(),
      { kind: 'datetime', sql: 'TIMESTAMP', required: true, expected: '时间 yyyy-MM-dd HH:mm:ss', adjustable: true },
    ],
    ['integer()', integer(), { kind: 'code', sql: 'INTEGER', required: true, expected: '整数' }],
    ['oneOf(T0, T1)', oneOf(['T0', 'T1']), { kind: 'code', sql: 'VARCHAR', required: true, expected: '代码 T0|T1' }],
    ['jsonOf(…)', jsonOf(z.array(z.string())), { kind: 'json', sql: 'JSON', required: true, expected: '结构化数据(见接口规范)' }],
  ])('%s', (_name, schema, want) => {
    expect(meta(schema)).toEqual(want);
  });

  it('the reasons people read, one per failure', () => {
    const failure = (check: Check, v: unknown) => {
      const r = check(v, false);
      return typeof r === 'string' || r instanceof Adjusted ? r : [r.code, r.message];
    };
    expect([
      failure(checkOf(text(1)), 5),
      failure(checkOf(text(1)), 'ab'),
      failure(checkOf(code(1)), 12),
      failure(checkOf(text(5)), '\u001f'),
      failure(checkOf(amount()), 'x'),
      failure(checkOf(amount()), '0.001'),
      failure(checkOf(amount()), '1e20'),
      failure(checkOf(date()), '2026-02-30'),
      failure(checkOf(datetime()), '2026-02-28 24:00:00'),
      failure(checkOf(integer()), 'x'),
      failure(checkOf(oneOf(['1'])), '2'),
      failure(checkOf(jsonOf(z.array(z.string()))), [1]),
    ]).toEqual([
      ['invalid-type', '类型错误'],
      ['text-too-long', '文本过长'],
      ['text-too-long', '代码过长'],
      ['control-character', '含有控制字符'],
      ['invalid-decimal', '不是有效数值'],
      ['too-many-decimals', '小数位数超出'],
      ['decimal-overflow', '数值超出范围'],
      ['invalid-date', '日期格式错误'],
      ['invalid-datetime', '时间格式错误'],
      ['invalid-integer', '不是整数'],
      ['invalid-enum', '取值不在代码表中'],
      ['invalid-structure', '结构不符'],
    ]);
  });
});

describe('jsonOf (a nested structure kept as JSON)', () => {
  const diagnoses = z.array(z.looseObject({ diag_code: z.string() }));
  it('lands as JSON text; absent is missing when required, left out when optional', () => {
    expect(jsonOf(diagnoses).safeParse([{ diag_code: 'J06.9', x: 1 }])).toEqual({ success: true, data: '[{"diag_code":"J06.9","x":1}]' });
    const missing = jsonOf(diagnoses).safeParse(null);
    expect(missing.error?.issues.map((i) => [i.code, i.message, (i as { params?: unknown }).params])).toEqual([
      ['custom', '必填字段缺失', { code: 'missing-field', expected: '结构化数据(见接口规范)', got: '缺失' }],
    ]);
    expect(jsonOf(diagnoses, false).safeParse('')).toEqual({ success: true, data: undefined });
  });

  it("reports the inner schema's issues at their own paths", () => {
    const r = jsonOf(diagnoses).safeParse([{ diag_code: 'J06.9' }, { diag_code: 7 }]);
    expect(r.error?.issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', [1, 'diag_code']]]);
  });
});

describe('what a rejection reason shows', () => {
  it.each(
    named<[unknown, string]>([
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
    ]),
  )('%s', (_title, v, want) => {
    expect(describeValue(v)).toBe(want);
  });

  it('"" and null are absent; 0, false and a space are values', () => {
    expect([undefined, null, ''].map(isAbsent)).toEqual([true, true, true]);
    expect([0, false, ' ', 'x'].map(isAbsent)).toEqual([false, false, false, false]);
  });
});

describe('the variants of contract §8', () => {
  it.each(
    named<[Check, unknown, unknown]>([
      // An id: text, or a JSON integer as its decimal text; a long one from its source text.
      [checkOf(id(30)), 'MZ0001', 'MZ0001'],
      [checkOf(id(30)), 901, '901'],
      [checkOf(id(30)), 0, '0'],
      [checkOf(id(30)), long('12345678901234567890'), '12345678901234567890'],
      [checkOf(id(30)), -1, 'invalid-type'],
      [checkOf(id(30)), 1.5, 'invalid-type'],
      [checkOf(id(30)), long('1234567890123456.5'), 'invalid-type'],
      [checkOf(id(30)), long('-12345678901234567'), 'invalid-type'],
      [checkOf(id(3)), 1234, 'text-too-long'],
      [checkOf(id(30)), true, 'invalid-type'],
      // A national list code: text only; a JSON number has lost its leading zeros.
      [checkOf(listCode(50)), '001102000010000', '001102000010000'],
      [checkOf(listCode(50)), 1102000010000, 'code-as-number'],
      [checkOf(listCode(50)), long('12345678901234567890'), 'code-as-number'],
      [checkOf(listCode(50)), ['X'], 'invalid-type'],
      // A code of a table: the code (string or integer), a display name → its code, else null; both noted.
      [
        checkOf(
          codeIn(
            { '1': '男', '2': '女' },
            new Map([
              ['男', '1'],
              ['男性', '1'],
            ]),
          ),
        ),
        '1',
        '1',
      ],
      [checkOf(codeIn({ '1': '男', '2': '女' }, new Map([['男', '1']]))), 2, '2'],
      [checkOf(codeIn({ '1': '男' }, new Map([['男性', '1']]))), '男性', { text: '1', note: 'display-name', asSent: '男性' }],
      [checkOf(codeIn({ '1': '男' }, new Map([['男', '1']]))), ' 男 ', { text: '1', note: 'display-name', asSent: ' 男 ' }],
      [checkOf(codeIn({ '1': '男' }, new Map())), '3', { text: undefined, note: 'unknown-code', asSent: '3' }],
      [checkOf(codeIn({ '1': '男' }, new Map())), 1.5, { text: undefined, note: 'unknown-code', asSent: '1.5' }],
      [checkOf(codeIn({ '1': '男' }, new Map())), {}, 'invalid-type'],
      // A trace list: one object or a list; the codes joined by U+001E; items without a code skipped.
      [checkOf(traceList()), [{ drug_trac_codg: 'A1' }, { drug_trac_codg: 'A2' }], `A1${TRACE_SEP}A2`],
      [checkOf(traceList()), { drug_trac_codg: 'A1' }, 'A1'],
      [checkOf(traceList()), [{ drug_trac_codg: '' }, { other: 1 }], ''],
      [checkOf(traceList()), [{ drug_trac_codg: long('81234567890123456789') }], '81234567890123456789'],
      [checkOf(traceList()), '[{"drug_trac_codg":"A1"}]', 'invalid-structure'],
      [checkOf(traceList()), [{ drug_trac_codg: 'A1' }, 'A2'], 'invalid-structure'],
      [checkOf(traceList()), [{ drug_trac_codg: [1] }], 'invalid-structure'],
    ]),
  )('%s', (_title, check, v, want) => {
    expect(run(check, v)).toEqual(want);
  });

  it('registers the variant checks as adjustable (the row builder looks for their notes), and a trace list as no column', () => {
    expect(meta(codeIn({ '1': '男' }, new Map()))).toEqual({
      kind: 'code',
      sql: 'VARCHAR',
      required: true,
      expected: '代码 1',
      adjustable: true,
    });
    expect(meta(id(30))).toEqual({ kind: 'text', sql: 'VARCHAR', required: true, expected: '文本或整数(最长30)' });
    expect(meta(traceList(false))).toEqual({ kind: 'child', sql: '', required: false, expected: '列表 [{ drug_trac_codg }]' });
  });
});
