import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../core/config.js';
import {
  customIssue,
  formatIssue,
  formatLocation,
  formatSummary,
  fromZod,
  Issue,
  ISSUE_CODES,
  parseYaml,
  readYaml,
  type Finding,
} from '../core/diagnostics/index.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

/**
 * The one diagnostics module (core/diagnostics): the code list, the zod converter, the YAML
 * locator and the two output forms. Contract rejections, reference rows, rule lint, knowledge
 * tables and rule tests all report through it.
 */

describe('issue codes', () => {
  it('are exactly this list, kebab-case, each with a Chinese meaning (a code is an interface: never renamed)', () => {
    expect(Object.keys(ISSUE_CODES)).toEqual([
      'invalid-type',
      'invalid-enum',
      'invalid-format',
      'missing-field',
      'unknown-field',
      'too-small',
      'too-big',
      'invalid',
      'text-too-long',
      'control-character',
      'invalid-decimal',
      'too-many-decimals',
      'decimal-overflow',
      'invalid-date',
      'invalid-datetime',
      'invalid-integer',
      'invalid-structure',
      'message-too-large',
      'invalid-json',
      'not-an-object',
      'unknown-infno',
      'duplicate-key-in-message',
      'reversal-without-origin',
      'double-encoded',
      'wrong-body-node',
      'code-as-number',
      'request-not-settlement',
      'bare-date',
      'time-dropped',
      'display-name',
      'unknown-code',
      'alias-used',
      'alias-conflict',
      'one-object-node',
      'empty-file',
      'csv-syntax',
      'missing-column',
      'duplicate-column',
      'field-count',
      'invalid-encoding',
      'duplicate-key',
      'yaml-syntax',
      'missing-table',
      'missing-bound',
      'empty-range',
      'same-item',
      'too-many',
      'invalid-workbook',
      'unknown-workbook',
      'missing-sheet',
      'invalid-code',
      'footer-row',
      'empty-row',
      'unmatched-join',
      'content-mismatch',
      'missing-overlay',
      'stale-overlay',
      'expression-syntax',
      'unknown-column',
      'unknown-name',
      'unknown-list',
      'unknown-function',
      'bad-arguments',
      'list-key-mismatch',
      'list-without-lookup',
      'list-outside-condition',
      'ambiguous-column',
      'dangling-condition',
      'condition-cycle',
      'type-mismatch',
      'bad-placeholder',
      'duplicate-name',
      'unused-condition',
      'scope-not-applicable',
      'duplicate-id',
      'missing-test',
      'test-mismatch',
      'version-not-bumped',
      'version-decreased',
      'not-locked',
      'lock-outdated',
      'bad-test-row',
    ]);
    for (const [code, zh] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(Object.keys(ISSUE_CODES)).not.toContain('bad-enum');
  });
});

describe('fromZod', () => {
  const S = z.strictObject({
    name: z.string(),
    count: z.int(),
    kind: z.enum(['line', 'pair']),
    tags: z.array(z.string()).min(2),
    certno: z.string().max(3),
    logic: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('a') }), z.strictObject({ kind: z.literal('b') })]),
  });
  const input = { count: 'seven', kind: 'lin', tags: ['x'], certno: '51180219680412031X', logic: { kind: 'c' }, colour: 'red' };
  const findings = (() => {
    const r = S.safeParse(input);
    return r.success ? [] : fromZod(r.error.issues, { input, redact: (p) => p[p.length - 1] === 'certno' });
  })();
  const by = (path: string) => findings.find((f) => f.path.join('.') === path);

  it('tells a missing field from a wrong type by the value found, and names what was found', () => {
    expect(by('name')).toMatchObject({ code: 'missing-field', got: '缺失', hint: '添加字段 name' });
    expect(by('count')).toMatchObject({ code: 'invalid-type', expected: 'number', got: '"seven"' });
  });

  it('maps a bad option and a discriminator that matches no option to invalid-enum, with the options as the hint', () => {
    expect(by('kind')).toMatchObject({ code: 'invalid-enum', expected: 'line|pair', got: '"lin"', hint: '可选值: line, pair' });
    expect(by('logic.kind')).toMatchObject({ code: 'invalid-enum', expected: 'a|b', got: '"c"' });
  });

  it('puts an unknown key at the key itself, and counts items and characters in sizes', () => {
    expect(by('colour')).toMatchObject({ code: 'unknown-field', message: '未知字段 colour' });
    expect(by('tags')).toMatchObject({ code: 'too-small', expected: '至少 2 项' });
    expect(by('certno')).toMatchObject({ code: 'too-big', expected: '至多 3 个字符' });
  });

  it('never shows a value at a personal-data path', () => {
    expect(by('certno')?.got).toBe('[个人信息已隐去]');
    expect(JSON.stringify(findings)).not.toContain('51180219680412031X');
  });

  it("takes a schema check's own code from its params, and prefixes paths", () => {
    const T = z.object({ a: z.number() }).superRefine((v, ctx) => {
      if (v.a < 0) customIssue(ctx, '不能为负', { code: 'decimal-overflow', expected: '≥ 0', got: String(v.a) }, ['a']);
    });
    const r = T.safeParse({ a: -1 });
    expect(r.success ? [] : fromZod(r.error.issues, { input: { a: -1 }, prefix: ['input', 'data'] })).toEqual([
      { code: 'decimal-overflow', severity: 'error', message: '不能为负', expected: '≥ 0', got: '-1', path: ['input', 'data', 'a'] },
    ]);
  });
});

describe('the YAML locator', () => {
  const text = [
    'id: x',
    'logic:',
    '  conditions:',
    '    a: "cnt > > 1"',
    '    b: |',
    '      first line',
    '      cnt < < 2',
    'list:',
    '  - { k: 1 }',
    '',
  ].join('\n');
  const read = readYaml(text, 'r.yaml');
  const yaml = read.ok ? read.yaml : undefined;

  it('places a path, a missing key (at its parent) and an offset inside quoted and block strings', () => {
    expect(yaml?.position(['logic', 'conditions', 'a'])).toEqual({ line: 4, col: 8 });
    expect(yaml?.position(['logic', 'conditions', 'a'], { offset: 6 })).toEqual({ line: 4, col: 15 });
    expect(yaml?.position(['logic', 'conditions', 'b'], { offset: 15 })).toEqual({ line: 7, col: 11 });
    expect(yaml?.position(['logic', 'missing'])).toEqual({ line: 3, col: 3 });
    expect(yaml?.position(['list', 0, 'k'])).toEqual({ line: 9, col: 10 });
    expect(yaml?.position(['list', 0, 'k'], { key: true })).toEqual({ line: 9, col: 7 });
  });

  it('turns a finding into an issue at file:line:col with its field path', () => {
    const f: Finding = {
      code: 'expression-syntax',
      severity: 'error',
      message: '表达式语法错误',
      path: ['logic', 'conditions', 'a'],
      offset: 6,
    };
    expect(yaml?.locate(f)).toEqual({
      code: 'expression-syntax',
      severity: 'error',
      message: '表达式语法错误',
      at: { file: 'r.yaml', line: 4, col: 15, path: 'logic.conditions.a' },
    });
  });

  it('reports a syntax error and a repeated key at their position, never a throw', () => {
    const bad = readYaml('a: 1\na: 2\n', 'd.yaml');
    expect(bad.ok ? [] : bad.issues.map((i) => [i.code, i.at.line, i.hint])).toEqual([['yaml-syntax', 2, '删除重复的键']]);
    const parsed = parseYaml('id: 5\n', 'p.yaml', z.strictObject({ id: z.string() }));
    expect(parsed.ok ? [] : parsed.issues.map((i) => formatIssue(i))).toEqual([
      'p.yaml:1:5 错误 [invalid-type] id: 类型错误 (期望 string, 实际 数字 5)',
    ]);
  });
});

describe('formatting', () => {
  const base = { code: 'invalid-decimal', severity: 'error', message: '不是有效数值', expected: '数值', got: '"two"' } as const;

  it('writes each kind of location the way its reader knows it', () => {
    expect(formatLocation({ file: 'a.ndjson', line: 4 })).toBe('a.ndjson:4');
    expect(formatLocation({ file: 'batch8.xlsx', sheet: 'Sheet1', cell: 'C14' })).toBe('batch8.xlsx Sheet1!C14');
    expect(formatLocation({ file: 'hi.fee', partition: 2, offset: 1500 })).toBe('hi.fee[2]@1500');
    expect(formatIssue({ ...base, at: { file: 'hi.fee', partition: 2, offset: 1500, path: 'input.feedetail[1].cnt' } })).toBe(
      'hi.fee[2]@1500 错误 [invalid-decimal] input.feedetail[1].cnt: 不是有效数值 (期望 数值, 实际 "two")',
    );
    expect(formatIssue({ ...base, severity: 'warning', hint: '改正', at: {} })).toBe(
      '警告 [invalid-decimal] 不是有效数值 (期望 数值, 实际 "two") — 修改建议: 改正',
    );
    expect(
      formatSummary([
        { ...base, at: {} },
        { ...base, severity: 'warning', at: {} },
      ]),
    ).toBe('✗ 1 个错误, 1 个警告');
    expect(formatSummary([])).toBe('✓ 0 个错误, 0 个警告');
  });
});

describe('one shape on the command line', () => {
  it('rules lint --json and rejected list --json print the same Issue objects, one per line', () => {
    const dir = tempDir('diagnostics');
    const db = path.join(dir, 'd.duckdb');
    expect(runCli(['ingest', '--from', path.join(PACKAGE_ROOT, 'fixtures', 'messages', '06-invalid.ndjson'), '--db', db, '-q']).code).toBe(
      0,
    );
    const lines = (args: string[]) =>
      runCli(args)
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
    const rejected = lines(['rejected', 'list', '--json', '--db', db]);
    const lint = lines(['rules', 'lint', '--json', path.join('test', 'golden', 'broken-rules')]);
    expect(rejected.length).toBeGreaterThan(5);
    expect(lint.length).toBeGreaterThan(5);
    // Issue is strict: a field outside the shape fails to parse.
    for (const i of [...rejected, ...lint]) expect(Issue.safeParse(i).error).toBeUndefined();
    const keys = (xs: unknown[]) => new Set(xs.flatMap((x) => Object.keys(x as object)));
    expect([...keys(rejected)].every((k) => Object.keys(Issue.shape).includes(k))).toBe(true);
    expect([...keys(lint)].every((k) => Object.keys(Issue.shape).includes(k))).toBe(true);
  });
});
