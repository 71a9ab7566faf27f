import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/config.js';

/**
 * The published national knowledge workbooks (14 xlsx, never copied into the repository): beside the
 * checkout (`../shared/knowledge/national`, as on CI and in /work/main) or at /work/shared. Absent,
 * a test fails loudly: these tests are about what the real files hold, and must not skip.
 */
const CANDIDATES = [path.resolve(PACKAGE_ROOT, '..', 'shared', 'knowledge', 'national'), '/work/shared/knowledge/national'];

export function nationalDir(): string {
  const dir = CANDIDATES.find((d) => existsSync(path.join(d, 'README.md')));
  if (!dir) throw new Error(`国家知识点文件不在 ${CANDIDATES.join(' 或 ')}: 这些测试需要它们 (CI 上有)`);
  return dir;
}

/** Rows under the header of each sheet of each file, as the folder's README lists them (`sheet \`Sheet2\`: 4398 rows`). */
export function readmeRowCounts(dir: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  let file: string | undefined;
  for (const line of readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n')) {
    const f = /^- `(.+\.xlsx)`$/.exec(line);
    if (f?.[1]) {
      file = f[1];
      out.set(file, new Map());
      continue;
    }
    const s = /^ {2}- sheet `(.+)`: (\d+) rows;/.exec(line);
    if (s?.[1] && s[2] && file) out.get(file)?.set(s[1], Number(s[2]));
  }
  return out;
}

/** Every file under `d` (recursively) with its bytes and modification time: equal snapshots, nothing rewritten. */
export function snapshot(d: string): Record<string, { bytes: string; mtime: number }> {
  return Object.fromEntries(
    readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const f = path.join(e.parentPath, e.name);
        return [path.relative(d, f), { bytes: readFileSync(f, 'latin1'), mtime: statSync(f).mtimeMs }];
      }),
  );
}
