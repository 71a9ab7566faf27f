import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/config.js';
import { FundwatchError } from '../../core/errors.js';
import { compileText, type CompiledRule } from '../engine/compile.js';
import { formatIssue, type Issue } from '../../core/diagnostics/index.js';
import { loadKnowledge, type Knowledge } from '../knowledge.js';
import { runnable } from './detect.js';

/** The shipped rule library, knowledge tables and lock file. */
export const LIBRARY_DIR = path.join(PACKAGE_ROOT, 'rules', 'library');
export const KNOWLEDGE_DIR = path.join(PACKAGE_ROOT, 'rules', 'knowledge');

export interface RuleFile {
  readonly file: string;
  readonly text: string;
}

export interface LoadedRule {
  readonly file: string;
  readonly compiled: CompiledRule;
}

const isRuleFile = (f: string) => (f.endsWith('.yaml') || f.endsWith('.yml')) && !/\.test\.ya?ml$/.test(f);

/**
 * Rule files under `paths`: a directory gives its `*.yaml` but `*.test.yaml`, and those of its
 * category folders (`library/<category>/<id>.yaml`), in path order.
 */
export function ruleFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new FundwatchError('usage', `找不到 ${p}`);
    if (statSync(p).isDirectory())
      out.push(
        ...readdirSync(p, { recursive: true, encoding: 'utf8' })
          .filter((f) => isRuleFile(f) && statSync(path.join(p, f)).isFile())
          .sort()
          .map((f) => path.join(p, f)),
      );
    else out.push(p);
  }
  return out;
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FundwatchError('io', `无法读取 ${file}`, { cause: err });
  }
}

/** The test file beside a rule file: `<dir>/<id>.test.yaml`. */
export const testFileOf = (ruleFile: string, id: string) => path.join(path.dirname(ruleFile), `${id}.test.yaml`);

/** Compiles every rule file; returns the compiled rules and every issue (errors and warnings). */
export function loadRules(paths: readonly string[] = [LIBRARY_DIR]): { rules: LoadedRule[]; issues: Issue[] } {
  const rules: LoadedRule[] = [];
  const issues: Issue[] = [];
  for (const file of ruleFiles(paths)) {
    const r = compileText(readText(file), path.relative(process.cwd(), file) || file);
    if (r.ok) {
      rules.push({ file, compiled: r.compiled });
      issues.push(...r.warnings);
    } else issues.push(...r.issues);
  }
  return { rules, issues };
}

/** The knowledge tables, or a config error listing every problem. */
export function knowledgeOrThrow(dir: string = KNOWLEDGE_DIR): Knowledge {
  const r = loadKnowledge(dir);
  if (!r.ok) throw new FundwatchError('config', `知识库有误:\n${r.issues.map(formatIssue).join('\n')}`);
  return r.knowledge;
}

/**
 * The rules a detect run takes from `dir` (test and stable ones; experimental ones when asked; the
 * named ones when `ids` is given). Refuses to run anything while any rule file has an error, and
 * names ids that are not in the library.
 */
export function detectableRules(
  dir: string = LIBRARY_DIR,
  opts: { ids?: readonly string[]; includeExperimental?: boolean } = {},
): CompiledRule[] {
  const { rules, issues } = loadRules([dir]);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length)
    throw new FundwatchError('config', `规则有错误, 未运行 (先运行 fundwatch rules lint):\n${errors.map(formatIssue).join('\n')}`);
  const known = new Set(rules.map((r) => r.compiled.rule.id));
  const unknown = (opts.ids ?? []).filter((id) => !known.has(id));
  if (unknown.length) throw new FundwatchError('usage', `没有这些规则: ${unknown.join(', ')}`);
  return runnable(
    rules.map((r) => r.compiled),
    opts,
  );
}
