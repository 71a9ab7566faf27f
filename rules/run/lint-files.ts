import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FundwatchError } from '../../core/errors.js';
import { buildLock, lintTexts, Lock, type KnowledgeFile, type TextFile } from '../engine/lint.js';
import { lockTexts, readNationalTexts } from '../../knowledge/index.js';
import type { Issue } from '../../core/diagnostics/index.js';
import { Rule } from '../engine/schema.js';
import { parseDocument } from 'yaml';
import { PACKAGE_ROOT } from '../../core/config.js';
import { KNOWLEDGE_DIR, readText, ruleFiles } from './library.js';

/**
 * The file side of `rules lint` and `rules lock`: reads rule files, their `<id>.test.yaml`, the
 * knowledge files and the lock file `rules.lock.json` of the (first) rule directory.
 */

const rel = (f: string) => path.relative(process.cwd(), f) || f;

/** The lock file of a lint run: `rules.lock.json` in the first directory given (or the file's). */
export function lockFileFor(paths: readonly string[]): string {
  const first = paths[0] ?? '.';
  const dir = existsSync(first) && !first.endsWith('.yaml') ? first : path.dirname(first);
  return path.join(dir, 'rules.lock.json');
}

function readLock(file: string): Lock | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return Lock.parse(JSON.parse(readText(file)));
  } catch {
    throw new FundwatchError('config', `锁文件 ${rel(file)} 无效: 删除后运行 fundwatch rules lock 重建`);
  }
}

function gather(
  paths: readonly string[],
  knowledgeDir: string,
): { rules: TextFile[]; tests: Map<string, TextFile>; knowledge: KnowledgeFile[]; detectors: KnowledgeFile[] } {
  const rules = ruleFiles(paths).map((f) => ({ file: rel(f), text: readText(f) }));
  const tests = new Map<string, TextFile>();
  for (const dir of new Set(ruleFiles(paths).map((f) => path.dirname(f))))
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.test.yaml')))
      tests.set(f.replace(/\.test\.yaml$/, ''), { file: rel(path.join(dir, f)), text: readText(path.join(dir, f)) });
  const handMade = existsSync(knowledgeDir)
    ? readdirSync(knowledgeDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => ({ file: rel(path.join(knowledgeDir, f)), text: readText(path.join(knowledgeDir, f)) }))
    : [];
  // The national tables (knowledge import) and their overlays: `national/<table>` in the lock.
  const nationalDir = path.join(knowledgeDir, 'national');
  const national = existsSync(nationalDir) ? lockTexts(readNationalTexts(nationalDir)) : [];
  return { rules, tests, knowledge: [...handMade, ...national], detectors: detectorConfigs() };
}

/** The detector configs (`detectors/config/<id>.yaml`), versioned in the same lock, named by id. */
export const DETECTOR_CONFIG_DIR = path.join(PACKAGE_ROOT, 'detectors', 'config');

function detectorConfigs(dir: string = DETECTOR_CONFIG_DIR): KnowledgeFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: rel(path.join(dir, f)), text: readText(path.join(dir, f)), name: f.replace(/\.yaml$/, '') }));
}

export function lintPaths(paths: readonly string[], knowledgeDir: string = KNOWLEDGE_DIR): Issue[] {
  return lintTexts({ ...gather(paths, knowledgeDir), lock: readLock(lockFileFor(paths)) });
}

/** Writes the lock file for the rules under `paths` that parse; returns its path. */
export function lockPaths(paths: readonly string[], knowledgeDir: string = KNOWLEDGE_DIR): string {
  const g = gather(paths, knowledgeDir);
  const rules = g.rules.flatMap((f) => {
    const r = Rule.safeParse(parseDocument(f.text).toJS());
    return r.success ? [{ id: r.data.id, version: r.data.version, text: f.text }] : [];
  });
  const knowledge = g.knowledge.flatMap((f) => {
    const v = (parseDocument(f.text).toJS() as { version?: unknown } | null)?.version;
    return typeof v === 'number' ? [{ name: f.name ?? path.basename(f.file, '.yaml'), version: v, text: f.hashed ?? f.text }] : [];
  });
  const detectors = g.detectors.flatMap((f) => {
    const v = (parseDocument(f.text).toJS() as { version?: unknown } | null)?.version;
    return typeof v === 'number' ? [{ name: f.name ?? f.file, version: v, text: f.text }] : [];
  });
  const file = lockFileFor(paths);
  writeFileSync(file, `${JSON.stringify(buildLock(rules, knowledge, detectors), null, 2)}\n`);
  return file;
}
