import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { Issue } from '../core/diagnostics/index.js';
import { buildLock, lintPaths, lintTexts } from '../rules/index.js';
import { runCli } from './support/cli.js';

/**
 * `fundwatch rules lint` on a folder of deliberately broken rules (test/golden/broken-rules/): one
 * broken rule per issue code, each reported at the exact line and column, all in one run, exit 1,
 * never a stack trace.
 */

const DIR = path.join('test', 'golden', 'broken-rules');

/** file → the one error it must produce: code, line, column (1-based). */
const EXPECTED: Record<string, [code: string, line: number, col: number]> = {
  'broken-yaml-syntax.yaml': ['yaml-syntax', 13, 17],
  'broken-unknown-field.yaml': ['unknown-field', 10, 1],
  'broken-missing-field.yaml': ['missing-field', 1, 1],
  'broken-bad-enum.yaml': ['invalid-enum', 9, 11],
  'broken-bad-kind.yaml': ['invalid-enum', 11, 9],
  'broken-unknown-column.yaml': ['unknown-column', 14, 16],
  'broken-unknown-list.yaml': ['unknown-list', 13, 30],
  'broken-dangling-condition.yaml': ['dangling-condition', 15, 29],
  'broken-expression-syntax.yaml': ['expression-syntax', 14, 41],
  'broken-type-mismatch.yaml': ['type-mismatch', 14, 28],
  'broken-bad-placeholder.yaml': ['bad-placeholder', 16, 14],
  'broken-missing-test.yaml': ['missing-test', 5, 9],
  'broken-version-not-bumped.yaml': ['version-not-bumped', 2, 10],
  'broken-duplicate-b.yaml': ['duplicate-id', 1, 5],
};

describe('rules lint on deliberately broken rules', () => {
  it('reports each expected code at its line and column, and nothing else as an error', () => {
    const issues = lintPaths([path.join(PACKAGE_ROOT, DIR)]);
    const errors = issues.filter((i) => i.severity === 'error');
    const got = Object.fromEntries(
      Object.keys(EXPECTED).map((f) => [
        f,
        errors.filter((e) => path.basename(e.at.file ?? '') === f).map((e) => [e.code, e.at.line, e.at.col]),
      ]),
    );
    expect(got).toEqual(Object.fromEntries(Object.entries(EXPECTED).map(([f, e]) => [f, [e]])));
    // The first of two rules with the same id is fine; only the second is reported.
    expect(errors.filter((e) => path.basename(e.at.file ?? '') === 'broken-duplicate-a.yaml')).toEqual([]);
    expect(errors).toHaveLength(Object.keys(EXPECTED).length);
    for (const e of errors) {
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
      expect(e.hint?.length).toBeGreaterThan(3);
    }
  });

  it('prints every issue as file:line:col with code and hint, exits 1, no stack trace', () => {
    const r = runCli(['rules', 'lint', DIR]);
    expect(r.code).toBe(1);
    for (const [file, [code, line, col]] of Object.entries(EXPECTED))
      expect(r.stdout).toContain(`${path.join(DIR, file)}:${line}:${col} 错误 [${code}]`);
    expect(r.stdout).toMatch(/✗ 14 个错误/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |Error:|TypeError/);
  });

  it('passes the shipped library with exit 0', () => {
    const r = runCli(['rules', 'lint']);
    expect(r.stdout).toContain('✓ 0 个错误, 0 个警告');
    expect(r.code).toBe(0);
  });

  it('--json gives the same issues as data, one per line', () => {
    const r = runCli(['rules', 'lint', '--json', DIR]);
    const issues = r.stdout
      .trim()
      .split('\n')
      .map((l) => Issue.parse(JSON.parse(l)));
    expect(
      issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.code)
        .sort(),
    ).toEqual(
      Object.values(EXPECTED)
        .map((e) => e[0])
        .sort(),
    );
    expect(r.code).toBe(1);
  });
});

describe('the lock file', () => {
  const rule = {
    file: 'r/a.yaml',
    text: readFileSync(path.join(PACKAGE_ROOT, DIR, 'broken-bad-enum.yaml'), 'utf8').replace('certain', 'definite'),
  };
  const table = { file: 'k/gender-restricted.yaml', text: 'version: 3\ndescription: 测试\nentries: []\n' };
  const lockOf = (r: string, k: string) =>
    buildLock([{ id: 'broken-bad-enum', version: 1, text: r }], [{ name: 'gender-restricted', version: 3, text: k }]);

  it('is quiet when nothing changed', () => {
    expect(lintTexts({ rules: [rule], tests: new Map(), knowledge: [table], lock: lockOf(rule.text, table.text) })).toEqual([]);
  });

  it('fails a knowledge table or a rule changed without a version bump, and asks for a lock after a bump', () => {
    const lock = lockOf(rule.text, table.text);
    const changedTable = { ...table, text: `${table.text}# 新增一条\n` };
    const changedRule = { ...rule, text: rule.text.replace('测试依据', '新的依据') };
    const issues = lintTexts({ rules: [changedRule], tests: new Map(), knowledge: [changedTable], lock });
    expect(issues.map((i) => [i.at.file, i.code, i.at.line, i.at.col])).toEqual([
      ['k/gender-restricted.yaml', 'version-not-bumped', 1, 10],
      ['r/a.yaml', 'version-not-bumped', 2, 10],
    ]);
    const bumped = { ...changedRule, text: changedRule.text.replace('version: 1', 'version: 2') };
    expect(lintTexts({ rules: [bumped], tests: new Map(), knowledge: [table], lock }).map((i) => [i.code, i.severity])).toEqual([
      ['lock-outdated', 'warning'],
    ]);
  });
});
