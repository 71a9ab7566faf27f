import { describe, expect, it } from 'vitest';
import { LONG_NUMBER_PREFIX } from '../contract/scalars.js';
import { protectLongNumbers } from '../ingest/numbers.js';

/**
 * protectLongNumbers on JSON texts whose output was written out by hand: a number token of more
 * than 15 significant digits becomes a JSON string of the sentinel and the token's own text
 * (`"\u001f…:<token>"`, see ingest/numbers.ts); every other byte stays where it was.
 */

/** The JSON text a protected token becomes. */
const kept = (token: string) => `"\\u001f${LONG_NUMBER_PREFIX.slice(1)}${token}"`;

describe('the 15-significant-digit bound', () => {
  it.each([
    ['123456789012345', '15 digits'],
    ['-123456789012345', 'a sign is not a digit'],
    ['1234567890.12345', 'nor is the point'],
    ['0.00123456789012345', 'nor are leading zeros'],
    ['-0.00123456789012345', 'negative, with leading zeros'],
    ['123456789012345e2', 'nor is the exponent'],
    ['1.23456789012345E-20', 'an upper-case exponent'],
  ])('%s (%s) stays a number', (token) => {
    // Beside a 20-digit string, so that the quick test lets the text into the character walk.
    const text = `{"s":"12345678901234567890","a":${token},"b":[${token}]}`;
    expect(protectLongNumbers(text)).toBe(text);
    expect(JSON.parse(protectLongNumbers(text))).toEqual({ s: '12345678901234567890', a: Number(token), b: [Number(token)] });
  });

  it.each([
    ['1234567890123456', '16 digits'],
    ['-1234567890123456', 'negative'],
    ['1234567890.123456', 'with a point'],
    ['0.1234567890123456', 'a leading zero'],
    ['0.001234567890123456', 'leading zeros'],
    ['-0.0001234567890123456', 'negative, with leading zeros'],
    ['1.234567890123456e5', 'with an exponent'],
    ['99999999999999.99', 'an amount a double cannot hold'],
  ])('%s (%s) keeps its source text', (token) => {
    expect(protectLongNumbers(`{"a":${token}}`)).toBe(`{"a":${kept(token)}}`);
    expect(JSON.parse(protectLongNumbers(`{"a":${token}}`))).toEqual({ a: `${LONG_NUMBER_PREFIX}${token}` });
  });
});

describe('where a number token starts', () => {
  it('after a colon, a comma or a bracket, with or without white space', () => {
    const long = '1234567890123456';
    expect(protectLongNumbers(`{"a": ${long}}`)).toBe(`{"a": ${kept(long)}}`);
    expect(protectLongNumbers(`{"a":\n\t${long}}`)).toBe(`{"a":\n\t${kept(long)}}`);
    expect(protectLongNumbers(`[1,${long}]`)).toBe(`[1,${kept(long)}]`);
    expect(protectLongNumbers(`[${long}, 2]`)).toBe(`[${kept(long)}, 2]`);
    expect(protectLongNumbers(`[-${long},-1]`)).toBe(`[${kept(`-${long}`)},-1]`);
  });

  it('rewrites every long token of a text and nothing between them', () => {
    const text = '{"a":12345678901234567,"b":1.5,"c":[-98765432109876543,0,true,null],"d":-2.25}';
    expect(protectLongNumbers(text)).toBe(
      `{"a":${kept('12345678901234567')},"b":1.5,"c":[${kept('-98765432109876543')},0,true,null],"d":-2.25}`,
    );
  });

  it('a text cut off inside a long number still has it protected, to its last digit', () => {
    expect(protectLongNumbers('{"a":12345678901234567')).toBe(`{"a":${kept('12345678901234567')}`);
  });

  it('leaves a text without long numbers as it is, strings of digits included', () => {
    for (const text of ['{"a":1.5,"b":-0.25}', '{"a":"123456789012345678901234","b":7}', '[]', '', '{"a": 12345678901234}'])
      expect(protectLongNumbers(text)).toBe(text);
  });
});

describe('strings are not numbers', () => {
  it('digits inside a string stay, also after an escaped quote', () => {
    const text = '{"s":"x\\"12345678901234567890","t":"\\"","n":1}';
    expect(JSON.parse(text)).toEqual({ s: 'x"12345678901234567890', t: '"', n: 1 });
    expect(protectLongNumbers(text)).toBe(text);
  });

  it('an escaped backslash ends no string early and hides no number', () => {
    const text = '{"s":"a\\\\","n":12345678901234567,"t":"\\\\\\"1234567890123456789"}';
    expect(JSON.parse(text)).toMatchObject({ s: 'a\\', t: '\\"1234567890123456789' });
    expect(protectLongNumbers(text)).toBe(`{"s":"a\\\\","n":${kept('12345678901234567')},"t":"\\\\\\"1234567890123456789"}`);
  });

  it('keys of digits are strings too', () => {
    const text = '{"12345678901234567890":12345678901234567890}';
    expect(protectLongNumbers(text)).toBe(`{"12345678901234567890":${kept('12345678901234567890')}}`);
  });
});
