import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Visit } from '../contract/bodies.js';
import { plainDecimal } from '../contract/decimal.js';
import { contractIssues } from '../contract/diagnostics.js';
import { piiHash, piiMask, scrubRaw, scrubText } from '../contract/pii.js';
import { amount, code, date, datetime, decimal, LONG_NUMBER_PREFIX, price, quantity, text } from '../contract/scalars.js';
import { decodeMessage, type Decoded, type DecodedMessage, type Rejection } from '../ingest/decode.js';
import { protectLongNumbers } from '../ingest/numbers.js';
import { PII_KEY } from './support/fixtures.js';
import { feeMessage, messageText, raw, rowCells, visitMessage } from './support/messages.js';

/** A scalar's verdict: the normalised value, or the code of the first issue. */
function verdict(schema: z.ZodType, v: unknown): { value: unknown } | { code: string | undefined } {
  const r = schema.safeParse(v);
  return r.success ? { value: r.data } : { code: contractIssues(r.error.issues, v)[0]?.code };
}

function accepted(d: Decoded): DecodedMessage {
  if (!d.ok) throw new Error(`expected acceptance, got ${d.rejection.reason}`);
  return d.message;
}

function rejected(d: Decoded): Rejection {
  if (d.ok) throw new Error('expected a rejection');
  return d.rejection;
}

const hmac = (key: string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest('hex');

describe('decimals (contract §2 N: number or numeric string, exact, never a binary float)', () => {
  it.each([
    ['amount', amount(), 8.4, '8.4'],
    ['amount', amount(), '8.40', '8.4'],
    ['amount', amount(), '35.00', '35'],
    ['amount', amount(), 35, '35'],
    ['amount', amount(), 0, '0'],
    ['amount', amount(), '-13.92', '-13.92'],
    ['amount', amount(), '-0.00', '0'],
    ['amount', amount(), '007.50', '7.5'],
    ['amount', amount(), '99999999999999.99', '99999999999999.99'],
    ['price', price(), '8.200000', '8.2'],
    ['price', price(), 0.35, '0.35'],
    ['price', price(), '1234567890.123456', '1234567890.123456'],
    ['quantity', quantity(), -24, '-24'],
    ['quantity', quantity(), '1.00000', '1'],
  ])('%s %j → %j', (_kind, schema, input, want) => {
    expect(verdict(schema, input)).toEqual({ value: want });
  });

  it.each([
    ['"1e2"', amount(), '1e2', '100'],
    ['"2.5E3"', amount(), '2.5E3', '2500'],
    ['"1.5e-1"', amount(), '1.5e-1', '0.15'],
    ['"-1.25e+1"', amount(), '-1.25e+1', '-12.5'],
    ['"1e-2"', amount(), '1e-2', '0.01'],
    ['1e-6 (a number JS prints as 0.000001)', price(), 1e-6, '0.000001'],
    ['2.5e3 (a number)', amount(), 2.5e3, '2500'],
  ])('exponent form %s → %j', (_label, schema, input, want) => {
    expect(verdict(schema, input)).toEqual({ value: want });
  });

  it.each([
    ['"12.345" as amount', amount(), '12.345', 'too-many-decimals'],
    ['12.345 as amount (number)', amount(), 12.345, 'too-many-decimals'],
    ['1e-7 as price (JS prints it 1e-7)', price(), 1e-7, 'too-many-decimals'],
    ['"1.00001" as quantity', quantity(), '1.00001', 'too-many-decimals'],
    ['"1e-3" as amount', amount(), '1e-3', 'too-many-decimals'],
    ['15 integer digits as amount', amount(), '123456789012345', 'decimal-overflow'],
    ['11 integer digits as price', price(), '12345678901', 'decimal-overflow'],
    ['1e21 (a number) as amount', amount(), 1e21, 'decimal-overflow'],
    ['"two"', amount(), 'two', 'invalid-decimal'],
    ['"1,5"', amount(), '1,5', 'invalid-decimal'],
    ['"0x10"', amount(), '0x10', 'invalid-decimal'],
    ['"NaN"', amount(), 'NaN', 'invalid-decimal'],
    ['"."', amount(), '.', 'invalid-decimal'],
    ['"1e999"', amount(), '1e999', 'invalid-decimal'],
    ['true', amount(), true, 'invalid-type'],
    ['an object', amount(), { v: 1 }, 'invalid-type'],
    ['an array', amount(), [1], 'invalid-type'],
  ])('rejects %s: %s', (_label, schema, input, want) => {
    expect(verdict(schema, input)).toEqual({ code: want });
  });

  it('plainDecimal shifts exponents and reports scale and integer digits', () => {
    expect(plainDecimal('-0012.3400')).toEqual({ text: '-12.34', scale: 2, intDigits: 2 });
    expect(plainDecimal('1e-7')).toEqual({ text: '0.0000001', scale: 7, intDigits: 0 });
    expect(plainDecimal('2.5E3')).toEqual({ text: '2500', scale: 0, intDigits: 4 });
    expect(plainDecimal('-0.000')).toEqual({ text: '0', scale: 0, intDigits: 0 });
    expect(plainDecimal('abc')).toBeUndefined();
    expect(plainDecimal('1e401')).toBeUndefined();
  });
});

describe('long numbers (more than 15 significant digits keep their source text)', () => {
  it('protectLongNumbers rewrites only long number tokens, outside strings', () => {
    const src = '{"a":12345678901234.56,"b":1.5,"c":"12345678901234567890","d":[1234567890123456]}';
    const out = protectLongNumbers(src);
    expect(JSON.parse(out)).toEqual({
      a: `${LONG_NUMBER_PREFIX}12345678901234.56`,
      b: 1.5,
      c: '12345678901234567890',
      d: [`${LONG_NUMBER_PREFIX}1234567890123456`],
    });
    const plain = '{"a":1.5,"b":"123456789012345678901234","c":-0.25}';
    expect(protectLongNumbers(plain)).toBe(plain);
  });

  it.each(['12345678901234.56', '99999999999999.99'])('an amount sent as the number %s lands as exactly that text', (token) => {
    // What a double would have made of it: the last digits are not kept by JSON.parse alone.
    if (token === '99999999999999.99') expect(String(JSON.parse(token))).toBe('99999999999999.98');
    const m = accepted(decodeMessage(feeMessage({ det_item_fee_sumamt: raw(token), inscp_amt: raw(token) }), PII_KEY));
    expect(rowCells(m)[0]).toMatchObject({ det_item_fee_sumamt: token, inscp_amt: token });
  });

  it('a number with more decimals than the column is rejected even when a double would round it away', () => {
    expect(Number('8.4000000000000001')).toBe(8.4);
    const r = rejected(decodeMessage(feeMessage({ det_item_fee_sumamt: raw('8.4000000000000001') }), PII_KEY));
    expect(r.code).toBe('too-many-decimals');
    expect(r.reason).toContain('input.feedetail[0].det_item_fee_sumamt');
    expect(r.reason).toContain('8.4000000000000001');
  });

  it('trailing zeros past the scale are not decimals: 8.4000000000000000 is 8.4', () => {
    const m = accepted(decodeMessage(feeMessage({ det_item_fee_sumamt: raw('8.4000000000000000') }), PII_KEY));
    expect(rowCells(m)[0]?.['det_item_fee_sumamt']).toBe('8.4');
  });

  it('a long number in a field the contract does not know is kept as the number sent', () => {
    const m = accepted(decodeMessage(feeMessage({ sc_big: raw('12345678901234567890'), sc_small: 2.5 }), PII_KEY));
    expect(rowCells(m)[0]?.['extra']).toBe('{"sc_big":12345678901234567890,"sc_small":2.5}');
  });

  it('a long number where text is expected is a type error, shown as the number sent', () => {
    // psn_no is text; an id (mdtrt_id, feedetl_sn …) may be an integer (contract §8, test/senders.test.ts).
    const r = rejected(decodeMessage(feeMessage({ psn_no: raw('12345678901234567') }), PII_KEY));
    expect(r.issues[0]).toMatchObject({ code: 'invalid-type', at: { path: 'input.feedetail[0].psn_no' }, got: '数字 12345678901234567' });
    // eslint-disable-next-line no-control-regex -- the staging separators must not reach a reason
    expect(r.reason).not.toMatch(/[\u001c-\u001f]/);
  });
});

describe('codes (string or integer, stored as text)', () => {
  it.each([
    [code(1), 2, '2'],
    [code(1), '2', '2'],
    [code(6), 390, '390'],
    [code(10), '140104', '140104'],
    [code(10), 11, '11'],
  ])('%#: %j → %j', (schema, input, want) => {
    expect(verdict(schema, input)).toEqual({ value: want });
  });

  it.each([
    [code(6), 1.5, 'invalid-type'],
    [code(6), true, 'invalid-type'],
    [code(6), { c: 1 }, 'invalid-type'],
    [code(20), 2 ** 53, 'invalid-type'],
    [code(1), 12, 'text-too-long'],
    [code(6), '1234567', 'text-too-long'],
  ])('%#: rejects %j with %s', (schema, input, want) => {
    expect(verdict(schema, input)).toEqual({ code: want });
  });

  it('a settlement with gend and insutype as numbers lands them as text', () => {
    const m = accepted(
      decodeMessage(
        Buffer.from(
          messageText('2207', {
            setlinfo: {
              setl_id: 'JS1',
              mdtrt_id: 'MZ1',
              psn_no: 'P1',
              gend: 2,
              brdy: '1990-11-05',
              insutype: 390,
              med_type: 140104,
              setl_time: '2026-03-02 14:48:30',
              medfee_sumamt: 25.36,
              fund_pay_sumamt: '12.68',
              psn_cash_pay: 0,
            },
          }),
        ),
        PII_KEY,
      ),
    );
    expect(rowCells(m)[0]).toMatchObject({
      gend: '2',
      insutype: '390',
      med_type: '140104',
      med_type_class: '14',
      medfee_sumamt: '25.36',
      psn_cash_pay: '0',
    });
  });
});

describe('messages that are not JSON objects', () => {
  it.each([
    ['[1]', 'array'],
    ['null', 'null'],
    ['"text"', 'string'],
    ['7', 'number'],
    ['true', 'boolean'],
  ])('%s is rejected as not-an-object, naming its JSON type', (line, type) => {
    const r = rejected(decodeMessage(Buffer.from(line), PII_KEY));
    expect(r.code).toBe('not-an-object');
    expect(r.reason).toBe(`消息不是 JSON 对象 (期望 JSON object, 实际 ${type})`);
    expect(r.raw.toString()).toBe(line);
  });

  it('broken JSON is rejected as invalid-json, with where it broke and no quoted text', () => {
    const r = rejected(decodeMessage(Buffer.from('{"psn_name":"张伟","certno":"5118021968'), PII_KEY));
    expect(r.code).toBe('invalid-json');
    expect(r.reason).not.toContain('张伟');
    expect(r.reason).toMatch(/^不是有效的 JSON \(期望 JSON 对象, 实际 (内容不完整|第 \d+ 个字符处|语法错误)\)$/);
  });
});

describe('"" and null count as absent', () => {
  it('optional fields sent as "" or null are absent', () => {
    const r = Visit.safeParse({
      mdtrt_id: 'M1',
      psn_no: 'P1',
      med_type: '11',
      begntime: '2026-03-02 08:35:12',
      insutype: '',
      dise_codg: null,
    });
    expect(r.success).toBe(true);
    expect(r.data?.insutype).toBeUndefined();
    expect(r.data?.dise_codg).toBeUndefined();
    const m = accepted(decodeMessage(visitMessage({ insutype: '', dise_codg: null }), PII_KEY));
    expect(rowCells(m)[0]).toMatchObject({ insutype: '', dise_codg: '', extra: '' });
  });

  it.each([
    ['""', ''],
    ['null', null],
    ['missing', undefined],
  ])('a required field %s is a missing field', (_label, value) => {
    const r = rejected(decodeMessage(visitMessage({ mdtrt_id: value }), PII_KEY));
    expect(r.issues).toEqual([
      {
        code: 'missing-field',
        severity: 'error',
        message: '必填字段缺失',
        expected: '文本或整数(最长30)',
        got: '缺失',
        at: { path: 'input.data.mdtrt_id' },
      },
    ]);
  });
});

describe('dates and datetimes', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31'])('date %s is valid', (v) => {
    expect(verdict(date(), v)).toEqual({ value: v });
  });

  it.each([
    '2026-02-29',
    '2026-02-30',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-3-1',
    '20260301',
    '2026/03/01',
    20260301,
  ])('date %j is rejected', (v) => {
    expect(verdict(date(), v)).toEqual({ code: 'invalid-date' });
  });

  it.each(['2026-03-02 00:00:00', '2026-03-02 23:59:59', '2024-02-29 12:00:00'])('datetime %s is valid', (v) => {
    expect(verdict(datetime(), v)).toEqual({ value: v });
  });

  it.each([
    '2026-03-02 24:00:00',
    '2026-03-02 10:60:00',
    '2026-03-02 10:00:60',
    '2026-02-30 10:00:00',
    '2026/03/02 10:00',
    '2026/3/2 10:00:00',
    '2026-03-02 10:00',
    '2026-03-02T10:00:00+08:00',
  ])('datetime %j is rejected', (v) => {
    expect(verdict(datetime(), v)).toEqual({ code: 'invalid-datetime' });
  });
});

describe('text', () => {
  it('counts characters, not bytes', () => {
    expect(verdict(text(30), 'x'.repeat(30))).toEqual({ value: 'x'.repeat(30) });
    expect(verdict(text(30), '医'.repeat(30))).toEqual({ value: '医'.repeat(30) });
    expect(verdict(text(30), 'x'.repeat(31))).toEqual({ code: 'text-too-long' });
    expect(verdict(text(30), '医'.repeat(31))).toEqual({ code: 'text-too-long' });
  });

  it('an identifier sent as a number is a type error', () => {
    expect(verdict(text(30), 123)).toEqual({ code: 'invalid-type' });
    expect(verdict(text(30), { id: 'x' })).toEqual({ code: 'invalid-type' });
  });

  it.each([0x1c, 0x1d, 0x1e, 0x1f])('the separator U+%s is rejected in text, codes and decimals', (cp) => {
    const ch = String.fromCharCode(cp);
    expect(verdict(text(30), `a${ch}b`)).toEqual({ code: 'control-character' });
    expect(verdict(code(10), `1${ch}`)).toEqual({ code: 'control-character' });
    expect(verdict(decimal(16, 2), `1${ch}`)).toEqual({ code: 'invalid-decimal' });
  });

  it('a string imitating the long-number sentinel is not a number', () => {
    expect(verdict(amount(), '\u001fN:5')).toEqual({ code: 'invalid-decimal' });
    expect(verdict(code(10), '\u001fN:11')).toEqual({ code: 'control-character' });
    const r = rejected(decodeMessage(feeMessage({ cnt: '\u001fN:5' }), PII_KEY));
    expect(r.issues[0]).toMatchObject({ code: 'invalid-decimal', at: { path: 'input.feedetail[0].cnt' } });
  });

  it('other control characters are not separators: a tab is text', () => {
    expect(verdict(text(30), 'a\tb')).toEqual({ value: 'a\tb' });
  });
});

describe('personal data (contract §5)', () => {
  it('piiHash is HMAC-SHA-256 in hex (RFC 4231 test case 2)', () => {
    expect(piiHash('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(piiHash('other', 'what do ya want for nothing?')).not.toBe(piiHash('Jefe', 'what do ya want for nothing?'));
  });

  it.each([
    ['certno', '511802198001011234', '5118**********1234'],
    ['certno', '51180220160618005X', '5118**********005X'],
    ['prsc_dr_certno', '511802197506110039', '5118**********0039'],
    ['certno', '12345678', '********'],
    ['psn_name', '张伟', '张*'],
    ['psn_name', '欧阳娜娜', '欧***'],
    ['psn_name', '李', '*'],
  ])('piiMask(%s, %s) = %s', (field, value, want) => {
    expect(piiMask(field, value)).toBe(want);
  });

  it('scrubRaw replaces PII values and ID runs, and keeps every other byte exactly, invalid UTF-8 included', () => {
    const invalidUtf8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
    const line = Buffer.concat([
      Buffer.from('{"psn_name":"张伟","certno":"51180220160618005X","x":"'),
      invalidUtf8,
      Buffer.from(
        '","drug_trac_codg":"83925410037456120813","note":"证件 511802196804120310 号","prsc_dr_certno":511802197506110039,"n19":"1234567890123456789","certno" : "511802199011050141"}',
      ),
    ]);
    const k = PII_KEY;
    const want = Buffer.concat([
      Buffer.from(`{"psn_name":"${hmac(k, '张伟')}","certno":"${hmac(k, '51180220160618005X')}","x":"`),
      invalidUtf8,
      Buffer.from(
        `","drug_trac_codg":"83925410037456120813","note":"证件 ${hmac(k, '511802196804120310')} 号","prsc_dr_certno":"${hmac(k, '511802197506110039')}","n19":"1234567890123456789","certno" : "${hmac(k, '511802199011050141')}"}`,
      ),
    ]);
    expect(scrubRaw(k, line).equals(want)).toBe(true);
  });

  it('scrubRaw leaves a line without personal data byte for byte', () => {
    const line = Buffer.concat([
      Buffer.from('{"drug_trac_codg":"81276350098812347765","x":"'),
      Buffer.from([0xe5, 0x80]),
      Buffer.from('"}'),
    ]);
    expect(scrubRaw(PII_KEY, line).equals(line)).toBe(true);
  });

  it('scrubRaw removes an ID number cut off by a truncated line', () => {
    const out = scrubRaw(PII_KEY, Buffer.from('{"input":{"data":{"certno":"5118021968')).toString('utf8');
    expect(out).not.toContain('5118021968');
    expect(out).toMatch(/^\{"input":\{"data":\{"certno":"[0-9a-f]{64}"$/);
  });

  it('a hash that itself contains an 18-digit run is written once, not hashed again', () => {
    // Found by search: HMAC(test key, this value) contains the run 709582970867617099.
    const value = '51180219001428327X';
    expect(hmac(PII_KEY, value)).toMatch(/(?<![0-9])[0-9]{18}(?![0-9])/);
    expect(scrubRaw(PII_KEY, Buffer.from(`{"certno":"${value}"}`)).toString()).toBe(`{"certno":"${hmac(PII_KEY, value)}"}`);
    expect(scrubText(PII_KEY, `id ${value}`)).toBe(`id ${hmac(PII_KEY, value)}`);
  });

  it('an ID number sent in a non-PII field is scrubbed from the reason and the issues', () => {
    const r = rejected(decodeMessage(feeMessage({ psn_no: raw('511802196804120310') }), PII_KEY));
    expect(JSON.stringify(r.issues)).not.toContain('511802196804120310');
    expect(r.reason).not.toContain('511802196804120310');
    expect(r.issues[0]?.got).toBe(`数字 ${hmac(PII_KEY, '511802196804120310')}`);
    expect(r.raw.toString()).not.toContain('511802196804120310');
  });
});
