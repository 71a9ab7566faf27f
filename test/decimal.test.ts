import { describe, expect, it } from 'vitest';
import { plainDecimal } from '../contract/decimal.js';

/**
 * plainDecimal against values worked out by hand: the plain text, the digits after the point
 * (scale) and before it (intDigits), which the decimal scalar compares with the column's DECIMAL(p, s).
 * Both of its paths are pinned: the quick one for plain `-?digits[.digits]`, and the general one
 * (sign, exponent, a bare point) that everything else goes through.
 */

const d = (text: string, scale: number, intDigits: number) => ({ text, scale, intDigits });

describe('plain digits (the quick path)', () => {
  it.each([
    ['12', d('12', 0, 2)],
    ['100', d('100', 0, 3)], // zeros of the integer part are digits, not padding
    ['0', d('0', 0, 0)],
    ['-0', d('0', 0, 0)], // no negative zero
    ['00', d('0', 0, 0)],
    ['-00', d('0', 0, 0)], // all zeros: the integer part strips to nothing, still zero
    ['-00.000', d('0', 0, 0)],
    ['0.5', d('0.5', 1, 0)], // a lone 0 before the point is not an integer digit
    ['-0.50', d('-0.5', 1, 0)],
    ['007.50', d('7.5', 1, 1)],
    ['10.05', d('10.05', 2, 2)],
    ['1.0050', d('1.005', 3, 1)], // only the trailing zeros go, not the inner ones
    ['-13.92', d('-13.92', 2, 2)],
    ['99999999999999.99', d('99999999999999.99', 2, 14)],
  ])('%s', (src, want) => {
    expect(plainDecimal(src)).toEqual(want);
  });
});

describe('sign, bare point and exponent (the general path)', () => {
  it.each([
    ['+5', d('5', 0, 1)],
    ['-5.', d('-5', 0, 1)],
    ['5.', d('5', 0, 1)],
    ['.5', d('0.5', 1, 0)],
    ['-.5', d('-0.5', 1, 0)],
    ['+0.0', d('0', 0, 0)],
    ['-0.', d('0', 0, 0)],
    ['+12.50', d('12.5', 1, 2)],
    ['1e2', d('100', 0, 3)],
    ['1E2', d('100', 0, 3)],
    ['12e1', d('120', 0, 3)],
    ['1.2e3', d('1200', 0, 4)], // the fraction shifts left and is padded with zeros
    ['1.2345e2', d('123.45', 2, 3)], // an exponent shorter than the fraction
    ['-1.25e+1', d('-12.5', 1, 2)],
    ['00.5e1', d('5', 0, 1)],
    ['10.5e1', d('105', 0, 3)], // an inner zero of the integer part stays
    ['-0e3', d('0', 0, 0)], // negative zero on the exponent path: zero, without a sign
    ['-0.0e-2', d('0', 0, 0)],
    ['12.5e-1', d('1.25', 2, 1)], // a negative exponent shorter than the integer part
    ['123e-2', d('1.23', 2, 1)],
    ['-125e-1', d('-12.5', 1, 2)],
    ['1.5e-3', d('0.0015', 4, 0)], // longer than the integer part: zeros are put in front
    ['1e-2', d('0.01', 2, 0)],
    ['1.050e0', d('1.05', 2, 1)],
    ['1.500e0', d('1.5', 1, 1)],
    ['5e-0', d('5', 0, 1)],
    ['1e+0', d('1', 0, 1)],
  ])('%s', (src, want) => {
    expect(plainDecimal(src)).toEqual(want);
  });

  it('takes exponents up to 400 in size, and no further', () => {
    expect(plainDecimal('1e400')).toEqual(d(`1${'0'.repeat(400)}`, 0, 401));
    expect(plainDecimal('1e-400')).toEqual(d(`0.${'0'.repeat(399)}1`, 400, 0));
    expect(plainDecimal('1e401')).toBeUndefined();
    expect(plainDecimal('1e-401')).toBeUndefined();
    expect(plainDecimal('0e401')).toBeUndefined();
    expect(plainDecimal(`1e${'9'.repeat(30)}`)).toBeUndefined();
  });
});

describe('not a number', () => {
  it.each([
    '',
    '.',
    '-',
    '+',
    '-.',
    'e5',
    '.e1',
    '1e',
    '1e+',
    '1.2.3',
    '1..2',
    '--1',
    '+-1',
    'abc',
    'x12',
    '12x',
    '1.x',
    '1,5',
    ' 1',
    '1 ',
    '0x10',
    'NaN',
    'Infinity',
    '1e2.5',
    '١٢',
  ])('%j', (src) => {
    expect(plainDecimal(src)).toBeUndefined();
  });
});
