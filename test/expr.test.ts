import { describe, expect, it } from 'vitest';
import { parseExpr, walk, type Expr } from '../rules/engine/expr.js';

/**
 * The rule expression language (rules/engine/expr.ts) on expressions whose syntax trees and error
 * offsets were worked out by hand: every node with the 0-based offset it reports problems at.
 */

const ref = (at: number, ...path: string[]): Expr => ({ t: 'ref', path, at });
const num = (value: number, at: number): Expr => ({ t: 'num', value, at });
const str = (value: string, at: number): Expr => ({ t: 'str', value, at });
const bool = (value: boolean, at: number): Expr => ({ t: 'bool', value, at });
const bin = (op: string, left: Expr, right: Expr, at: number) => ({ t: 'binary', op, left, right, at }) as Expr;
const un = (op: 'not' | '-', arg: Expr, at: number): Expr => ({ t: 'unary', op, arg, at });

function ast(text: string): Expr {
  const r = parseExpr(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message} at ${r.error.at}`);
  return r.expr;
}

function error(text: string): { at: number; message: string } {
  const r = parseExpr(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r.error;
}

describe('literals and references', () => {
  it.each([
    ['12', num(12, 0)],
    ['  7  ', num(7, 2)],
    ['1.5', num(1.5, 0)],
    ['.5', num(0.5, 0)],
    ['1e3', num(1000, 0)],
    ['2.5E-2', num(0.025, 0)],
    ['1e+2', num(100, 0)],
    ["'abc'", str('abc', 0)],
    ['"x y"', str('x y', 0)],
    ["'a\"b'", str('a"b', 0)],
    ["''", str('', 0)],
    ['true', bool(true, 0)],
    ['false', bool(false, 0)],
    ['TRUE', bool(true, 0)],
    ['False', bool(false, 0)],
    ['gend', ref(0, 'gend')],
    ['_x1', ref(0, '_x1')],
    ['person.gend', ref(0, 'person', 'gend')],
    ['a.b.c', ref(0, 'a', 'b', 'c')],
    ['list.reason', ref(0, 'list', 'reason')],
    ['(a)', ref(1, 'a')],
    ['((1))', num(1, 2)],
  ])('%s', (text, want) => {
    expect(ast(text)).toEqual(want);
  });

  it('true and false compare like any value', () => {
    expect(ast('flag = true')).toEqual(bin('=', ref(0, 'flag'), bool(true, 7), 5));
    expect(ast('not false or x <> FALSE')).toEqual(
      bin('or', un('not', bool(false, 4), 0), bin('<>', ref(13, 'x'), bool(false, 18), 15), 10),
    );
    expect(ast("x in ['true']")).toEqual({ t: 'in', negated: false, arg: ref(0, 'x'), values: [str('true', 6)], at: 2 });
  });
});

describe('operators and precedence', () => {
  it('not > and > or, comparisons over sums over products, all left-associative', () => {
    expect(ast('a or not b and c > 1 + 2 * d')).toEqual(
      bin(
        'or',
        ref(0, 'a'),
        bin(
          'and',
          un('not', ref(9, 'b'), 5),
          bin('>', ref(15, 'c'), bin('+', num(1, 19), bin('*', num(2, 23), ref(27, 'd'), 25), 21), 17),
          11,
        ),
        2,
      ),
    );
    expect(ast('a or b or c')).toEqual(bin('or', bin('or', ref(0, 'a'), ref(5, 'b'), 2), ref(10, 'c'), 7));
    expect(ast('a and b and c')).toEqual(bin('and', bin('and', ref(0, 'a'), ref(6, 'b'), 2), ref(12, 'c'), 8));
    expect(ast('a - b + c')).toEqual(bin('+', bin('-', ref(0, 'a'), ref(4, 'b'), 2), ref(8, 'c'), 6));
    expect(ast('a / b * c')).toEqual(bin('*', bin('/', ref(0, 'a'), ref(4, 'b'), 2), ref(8, 'c'), 6));
    expect(ast('(a + b) * c')).toEqual(bin('*', bin('+', ref(1, 'a'), ref(5, 'b'), 3), ref(10, 'c'), 8));
    expect(ast('not not a')).toEqual(un('not', un('not', ref(8, 'a'), 4), 0));
    expect(ast('- -a')).toEqual(un('-', un('-', ref(3, 'a'), 2), 0));
    expect(ast('a - -1')).toEqual(bin('-', ref(0, 'a'), un('-', num(1, 5), 4), 2));
  });

  it.each(['=', '<>', '<', '<=', '>', '>='])('the comparison %s', (op) => {
    expect(ast(`a ${op} 1`)).toEqual(bin(op, ref(0, 'a'), num(1, 3 + op.length), 2));
  });

  it('!= is <>, and keywords are read in any case', () => {
    expect(ast('a != 1')).toEqual(bin('<>', ref(0, 'a'), num(1, 5), 2));
    expect(ast('a AND NOT b Or c')).toEqual(bin('or', bin('and', ref(0, 'a'), un('not', ref(10, 'b'), 6), 2), ref(15, 'c'), 12));
  });

  it('a call with no, one and several arguments; names keep their case', () => {
    expect(ast('f()')).toEqual({ t: 'call', fn: 'f', args: [], at: 0 });
    expect(ast('Days(a)')).toEqual({ t: 'call', fn: 'Days', args: [ref(5, 'a')], at: 0 });
    expect(ast("f(a, 1 + 2, 'x')")).toEqual({
      t: 'call',
      fn: 'f',
      args: [ref(2, 'a'), bin('+', num(1, 5), num(2, 9), 7), str('x', 12)],
      at: 0,
    });
    expect(ast('f(a or b)')).toEqual({ t: 'call', fn: 'f', args: [bin('or', ref(2, 'a'), ref(7, 'b'), 4)], at: 0 });
  });
});

describe('in, in list, like, is null', () => {
  it('in a list of constants, negative numbers included; not in', () => {
    expect(ast("dx in ['Z51.0', 3, -2]")).toEqual({
      t: 'in',
      negated: false,
      arg: ref(0, 'dx'),
      values: [str('Z51.0', 7), num(3, 16), num(-2, 19)],
      at: 3,
    });
    expect(ast("dx not in ['Z51.0']")).toEqual({ t: 'in', negated: true, arg: ref(0, 'dx'), values: [str('Z51.0', 11)], at: 7 });
    expect(ast('dx NOT IN [1]')).toMatchObject({ t: 'in', negated: true, at: 7 });
  });

  it('in list NAME, negated, and a tuple on its left', () => {
    expect(ast('item in list gender_restricted')).toEqual({
      t: 'inlist',
      negated: false,
      arg: ref(0, 'item'),
      list: 'gender_restricted',
      listAt: 13,
      at: 5,
    });
    expect(ast('item not in list x')).toEqual({ t: 'inlist', negated: true, arg: ref(0, 'item'), list: 'x', listAt: 17, at: 9 });
    expect(ast('(a.item, b.item) in list mutually_exclusive')).toEqual({
      t: 'inlist',
      negated: false,
      arg: { t: 'tuple', items: [ref(1, 'a', 'item'), ref(9, 'b', 'item')], at: 0 },
      list: 'mutually_exclusive',
      listAt: 25,
      at: 17,
    });
  });

  it('like and not like take a string pattern', () => {
    expect(ast("name like '%针%'")).toEqual({ t: 'like', negated: false, arg: ref(0, 'name'), pattern: '%针%', at: 5 });
    expect(ast("name not like 'x_'")).toEqual({ t: 'like', negated: true, arg: ref(0, 'name'), pattern: 'x_', at: 9 });
  });

  it('is null and is not null', () => {
    expect(ast('a is null')).toEqual({ t: 'isnull', negated: false, arg: ref(0, 'a'), at: 2 });
    expect(ast('a IS NOT NULL')).toEqual({ t: 'isnull', negated: true, arg: ref(0, 'a'), at: 2 });
    expect(ast('a + 1 is null and b')).toEqual(
      bin('and', { t: 'isnull', negated: false, arg: bin('+', ref(0, 'a'), num(1, 4), 2), at: 6 }, ref(18, 'b'), 14),
    );
  });
});

describe('syntax errors at their offsets', () => {
  it.each([
    ['', 0, '表达式不完整'],
    ['a +', 3, '表达式不完整'],
    ['a + )', 4, '这里应为列名、常量或 ('],
    ['()', 1, '这里应为列名、常量或 ('],
    ['cnt > > 1', 6, '这里应为列名、常量或 ('],
    ['a == 1', 3, '这里应为列名、常量或 ('],
    ['a b', 2, '表达式在这里多出了内容'],
    ['a not b', 2, '表达式在这里多出了内容'],
    ['a = b = c', 6, '表达式在这里多出了内容'],
    ['1a', 1, '表达式在这里多出了内容'],
    ['1.', 1, '表达式在这里多出了内容'],
    ['(a', 2, '这里应为 )'],
    ['(a, b', 5, '这里应为 )'],
    ['f(a', 3, '这里应为 )'],
    ['f(a,)', 4, '这里应为列名、常量或 ('],
    ['a.', 2, '. 之后应为列名'],
    ['a.(b)', 2, '. 之后应为列名'],
    ['x in list', 9, 'in list 之后应为知识库表名, 如 gender_restricted'],
    ['x in list 5', 10, 'in list 之后应为知识库表名, 如 gender_restricted'],
    ['x in (1)', 5, '这里应为 ['],
    ['x in []', 6, '这里应为数字或字符串常量'],
    ['x in [1', 7, '这里应为 ]'],
    ['x in [1,]', 8, '这里应为数字或字符串常量'],
    ['x in [y]', 6, '这里应为数字或字符串常量'],
    ['x in [-y]', 6, '这里应为数字或字符串常量'],
    ['x like 5', 7, 'like 之后应为字符串'],
    ['x is 5', 5, 'is 之后应为 null 或 not null'],
    ['x is not', 8, 'is 之后应为 null 或 not null'],
    ["gend = '1", 7, '字符串缺少结束引号'],
    ['"abc', 0, '字符串缺少结束引号'],
    ['x in [y 5]', 6, '这里应为数字或字符串常量'],
    ['x in [+5]', 6, '这里应为数字或字符串常量'],
    // A string that reads like an operator is a string.
    ["x in ['a' ',' 'b']", 10, '这里应为 ]'],
    ["(a ')'", 3, '这里应为 )'],
    ["a '=' 1", 2, '表达式在这里多出了内容'],
    // Only `list` may start a column path while being a keyword.
    ['and.x', 0, '这里应为列名、常量或 ('],
    ['null.x', 0, '这里应为列名、常量或 ('],
    ['a ; b', 2, '无法识别的字符 ";"'],
    ['a ! b', 2, '无法识别的字符 "!"'],
  ])('%j: at %i, %s', (text, at, message) => {
    expect(error(text)).toEqual({ at, message });
  });

  it.each(['and', 'or', 'not', 'in', 'list', 'is', 'null', 'like', 'true', 'false'])('the keyword %s cannot name a list', (kw) => {
    expect(error(`x in list ${kw}`)).toEqual({ at: 10, message: 'in list 之后应为知识库表名, 如 gender_restricted' });
  });

  it.each(['and', 'or', 'in', 'list', 'is', 'null', 'like', 'AND', 'Null'])('the keyword %s cannot be a column', (kw) => {
    expect(error(`a + ${kw}`)).toEqual({ at: 4, message: '这里应为列名、常量或 (' });
  });

  it('not cannot be a column either', () => {
    expect(error('a + not')).toEqual({ at: 4, message: '这里应为列名、常量或 (' });
  });
});

describe('walk', () => {
  it('visits every node depth first, left to right', () => {
    const e = ast("f(a, -b) or (c, d) in list l or e is null or g like 'x' or h in [1, 'y'] or not i or true");
    const seen: string[] = [];
    walk(e, (n) => {
      if (n.t === 'ref') seen.push(`ref:${n.path.join('.')}`);
      else if (n.t === 'num' || n.t === 'str' || n.t === 'bool') seen.push(`${n.t}:${String(n.value)}`);
      else if (n.t === 'binary' || n.t === 'unary') seen.push(n.op);
      else seen.push(n.t);
    });
    expect(seen).toEqual([
      ...['or', 'or', 'or', 'or', 'or', 'or'],
      ...['call', 'ref:a', '-', 'ref:b'],
      ...['inlist', 'tuple', 'ref:c', 'ref:d'],
      ...['isnull', 'ref:e'],
      ...['like', 'ref:g'],
      ...['in', 'ref:h', 'num:1', 'str:y'],
      ...['not', 'ref:i'],
      'bool:true',
    ]);
  });
});
