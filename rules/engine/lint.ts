import { createHash } from 'node:crypto';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { compileText } from './compile.js';
import { parseYaml, type LocatedIssue } from './locate.js';
import { RuleTest } from './schema.js';

/**
 * `rules lint`: every issue of every file at once. Pure: file texts in, located issues out.
 * Beyond what the compiler finds in one file: duplicate ids, a rule at test/stable status without a
 * test that has both a hit and a non-hit, test files that do not parse, and the lock file (a rule
 * or knowledge file whose content changed while its version did not).
 */

export const Lock = z.strictObject({
  rules: z.record(z.string(), z.strictObject({ version: z.int().positive(), sha256: z.string().length(64) })),
  knowledge: z.record(z.string(), z.strictObject({ version: z.int().positive(), sha256: z.string().length(64) })),
});
export type Lock = z.infer<typeof Lock>;

export interface TextFile {
  readonly file: string;
  readonly text: string;
}

export interface LintInput {
  readonly rules: readonly TextFile[];
  /** Test files by the rule id they are named for (`<id>.test.yaml` beside the rule). */
  readonly tests: ReadonlyMap<string, TextFile>;
  readonly knowledge: readonly TextFile[];
  readonly lock?: Lock | undefined;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Where a top-level key of a YAML text is (1-based), and its scalar value. */
function topKey(text: string, key: string): { line: number; col: number; value: unknown } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (!isMap(doc.contents)) return undefined;
  const node = doc.contents.get(key, true);
  if (!isScalar(node)) return undefined;
  const pos = lines.linePos(node.range?.[0] ?? 0);
  return { line: pos.line, col: pos.col, value: node.value };
}

const issue = (
  file: string,
  at: { line: number; col: number },
  code: string,
  severity: 'error' | 'warning',
  message: string,
  hint: string,
  path = '',
): LocatedIssue => ({
  code,
  severity,
  file,
  line: at.line,
  col: at.col,
  message,
  hint,
  path,
});

export function lintTexts(input: LintInput): LocatedIssue[] {
  const out: LocatedIssue[] = [];
  const firstFile = new Map<string, string>();
  for (const f of input.rules) {
    const r = compileText(f.text, f.file);
    out.push(...(r.ok ? r.warnings : r.issues));
    const id = topKey(f.text, 'id');
    if (!id || typeof id.value !== 'string') continue;
    const seen = firstFile.get(id.value);
    if (seen !== undefined) {
      out.push(
        issue(f.file, id, 'duplicate-id', 'error', `规则 id ${id.value} 与 ${seen} 重复`, '每条规则的 id 必须唯一; 修改其中一个', 'id'),
      );
      continue;
    }
    firstFile.set(id.value, f.file);
    const status = topKey(f.text, 'status');
    const test = input.tests.get(id.value);
    if (test) {
      const t = parseYaml(test.text, test.file, RuleTest);
      if (!t.ok) out.push(...t.issues);
      else if (t.value.rule !== id.value)
        out.push(
          issue(
            test.file,
            topKey(test.text, 'rule') ?? { line: 1, col: 1 },
            'test-mismatch',
            'error',
            `测试文件的 rule 为 ${t.value.rule}, 应为 ${id.value}`,
            `改为 rule: ${id.value}`,
            'rule',
          ),
        );
    } else if (status && (status.value === 'test' || status.value === 'stable'))
      out.push(
        issue(
          f.file,
          status,
          'missing-test',
          'error',
          `状态为 ${String(status.value)} 的规则必须有测试文件 ${id.value}.test.yaml (至少一条命中、一条不命中)`,
          '添加测试文件, 或把 status 改为 experimental',
          'status',
        ),
      );
    const version = topKey(f.text, 'version');
    const locked = input.lock?.rules[id.value];
    if (input.lock && version && typeof version.value === 'number') {
      if (!locked)
        out.push(
          issue(
            f.file,
            version,
            'not-locked',
            'warning',
            `规则 ${id.value} 不在锁文件中`,
            '运行 fundwatch rules lock 记录版本与内容哈希',
            'version',
          ),
        );
      else if (version.value === locked.version && sha256(f.text) !== locked.sha256)
        out.push(
          issue(
            f.file,
            version,
            'version-not-bumped',
            'error',
            `规则内容已修改, 但版本仍为 ${version.value} (锁文件记录的哈希不同)`,
            `把 version 改为 ${locked.version + 1}, 再运行 fundwatch rules lock`,
            'version',
          ),
        );
      else if (version.value < locked.version)
        out.push(
          issue(
            f.file,
            version,
            'version-decreased',
            'error',
            `版本 ${version.value} 低于锁文件中的 ${locked.version}`,
            `版本只能增加: 改为 ${locked.version + 1}`,
            'version',
          ),
        );
      else if (version.value > locked.version)
        out.push(
          issue(
            f.file,
            version,
            'lock-outdated',
            'warning',
            `锁文件中仍是版本 ${locked.version}`,
            '运行 fundwatch rules lock 更新锁文件',
            'version',
          ),
        );
    }
  }
  for (const k of input.lock ? input.knowledge : []) {
    const name = k.file.replace(/^.*[\\/]/, '').replace(/\.yaml$/, '');
    const version = topKey(k.text, 'version');
    const locked = input.lock?.knowledge[name];
    if (!version || typeof version.value !== 'number') continue;
    if (!locked)
      out.push(issue(k.file, version, 'not-locked', 'warning', `知识库表 ${name} 不在锁文件中`, '运行 fundwatch rules lock', 'version'));
    else if (version.value === locked.version && sha256(k.text) !== locked.sha256)
      out.push(
        issue(
          k.file,
          version,
          'version-not-bumped',
          'error',
          `知识库表 ${name} 内容已修改, 但版本仍为 ${version.value}`,
          `把 version 改为 ${locked.version + 1}, 再运行 fundwatch rules lock`,
          'version',
        ),
      );
    else if (version.value > locked.version)
      out.push(
        issue(
          k.file,
          version,
          'lock-outdated',
          'warning',
          `锁文件中知识库表 ${name} 仍是版本 ${locked.version}`,
          '运行 fundwatch rules lock 更新锁文件',
          'version',
        ),
      );
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** A lock for the given files (rules that do not compile are left out by the caller). */
export function buildLock(
  rules: readonly { id: string; version: number; text: string }[],
  knowledge: readonly { name: string; version: number; text: string }[],
): Lock {
  const sorted = <T extends { text: string; version: number }>(xs: readonly T[], key: (x: T) => string) =>
    Object.fromEntries(
      [...xs].sort((a, b) => key(a).localeCompare(key(b))).map((x) => [key(x), { version: x.version, sha256: sha256(x.text) }]),
    );
  return { rules: sorted(rules, (r) => r.id), knowledge: sorted(knowledge, (k) => k.name) };
}

/** `rules/library/x.yaml:12:7 error [unknown-column] 未知的列 gnd — 这里可用的列: …` */
export function formatIssue(i: LocatedIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.severity === 'error' ? '错误' : '警告'} [${i.code}] ${i.message} — 修改建议: ${i.hint}`;
}
