import { createHash } from 'node:crypto';
import { z } from 'zod';
import { byPosition, parseYaml, readYaml, type Issue, type IssueCode, type Severity } from '../../core/diagnostics/index.js';
import { compileText, RULE_SCHEMA_HINT } from './compile.js';
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
  /** Detector configs (`detectors/config/<id>.yaml`), by detector id. */
  detectors: z.record(z.string(), z.strictObject({ version: z.int().positive(), sha256: z.string().length(64) })).default({}),
});
export type Lock = z.infer<typeof Lock>;

export interface TextFile {
  readonly file: string;
  readonly text: string;
}

/**
 * A knowledge file the lock covers. A hand-made table is keyed by its file name and hashed whole; a
 * national table (knowledge/) is keyed `national/<table>` and hashes its header with its entry file.
 */
export interface KnowledgeFile extends TextFile {
  /** The key in the lock file (default: the file name without `.yaml`). */
  readonly name?: string;
  /** What the lock hashes (default: `text`, where `version` is read). */
  readonly hashed?: string;
}

export interface LintInput {
  readonly rules: readonly TextFile[];
  /** Test files by the rule id they are named for (`<id>.test.yaml` beside the rule). */
  readonly tests: ReadonlyMap<string, TextFile>;
  readonly knowledge: readonly KnowledgeFile[];
  /** Detector configs, named by detector id. */
  readonly detectors?: readonly KnowledgeFile[];
  readonly lock?: Lock | undefined;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type TopKey = (key: string) => { line: number; col: number; value: unknown } | undefined;

/** Where each top-level scalar key of a YAML text is (1-based), and its value; nothing when the text does not parse. */
function topKeys(text: string): TopKey {
  const read = readYaml(text, '');
  if (!read.ok) return () => undefined;
  const { yaml } = read;
  return (key) => {
    const value: unknown = (yaml.value as Record<string, unknown> | null)?.[key];
    if (value === undefined || (value !== null && typeof value === 'object')) return undefined;
    return { ...yaml.position([key]), value };
  };
}

const issue = (
  file: string,
  at: { line: number; col: number },
  code: IssueCode,
  severity: Severity,
  message: string,
  hint: string,
  path = '',
): Issue => ({ code, severity, message, hint, at: { file, line: at.line, col: at.col, ...(path ? { path } : {}) } });

export function lintTexts(input: LintInput): Issue[] {
  const out: Issue[] = [];
  const firstFile = new Map<string, string>();
  for (const f of input.rules) {
    const r = compileText(f.text, f.file);
    out.push(...(r.ok ? r.warnings : r.issues));
    const topKey = topKeys(f.text);
    const id = topKey('id');
    if (!id || typeof id.value !== 'string') continue;
    const seen = firstFile.get(id.value);
    if (seen !== undefined) {
      out.push(
        issue(f.file, id, 'duplicate-id', 'error', `规则 id ${id.value} 与 ${seen} 重复`, '每条规则的 id 必须唯一; 修改其中一个', 'id'),
      );
      continue;
    }
    firstFile.set(id.value, f.file);
    const status = topKey('status');
    const test = input.tests.get(id.value);
    if (test) {
      const t = parseYaml(test.text, test.file, RuleTest, { hint: () => RULE_SCHEMA_HINT });
      if (!t.ok) out.push(...t.issues);
      else if (t.value.rule !== id.value)
        out.push(
          issue(
            test.file,
            topKeys(test.text)('rule') ?? { line: 1, col: 1 },
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
    const version = topKey('version');
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
  if (input.lock) {
    out.push(...versionIssues('知识库表', input.knowledge, input.lock.knowledge));
    out.push(...versionIssues('检测器配置', input.detectors ?? [], input.lock.detectors));
  }
  return out.sort(byPosition);
}

/** Lock checks of versioned files other than rules (knowledge tables, detector configs): keyed by name, hashed whole. */
function versionIssues(what: string, files: readonly KnowledgeFile[], lock: Lock['knowledge']): Issue[] {
  const out: Issue[] = [];
  for (const k of files) {
    const name = k.name ?? k.file.replace(/^.*[\\/]/, '').replace(/\.yaml$/, '');
    const version = topKeys(k.text)('version');
    const locked = lock[name];
    if (!version || typeof version.value !== 'number') continue;
    if (!locked)
      out.push(issue(k.file, version, 'not-locked', 'warning', `${what} ${name} 不在锁文件中`, '运行 fundwatch rules lock', 'version'));
    else if (version.value === locked.version && sha256(k.hashed ?? k.text) !== locked.sha256)
      out.push(
        issue(
          k.file,
          version,
          'version-not-bumped',
          'error',
          `${what} ${name} 内容已修改, 但版本仍为 ${version.value}`,
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
          `锁文件中${what} ${name} 仍是版本 ${locked.version}`,
          '运行 fundwatch rules lock 更新锁文件',
          'version',
        ),
      );
  }
  return out;
}

/** A lock for the given files (rules that do not compile are left out by the caller). */
export function buildLock(
  rules: readonly { id: string; version: number; text: string }[],
  knowledge: readonly { name: string; version: number; text: string }[],
  detectors: readonly { name: string; version: number; text: string }[] = [],
): Lock {
  const sorted = <T extends { text: string; version: number }>(xs: readonly T[], key: (x: T) => string) =>
    Object.fromEntries(
      [...xs].sort((a, b) => key(a).localeCompare(key(b))).map((x) => [key(x), { version: x.version, sha256: sha256(x.text) }]),
    );
  return { rules: sorted(rules, (r) => r.id), knowledge: sorted(knowledge, (k) => k.name), detectors: sorted(detectors, (d) => d.name) };
}
