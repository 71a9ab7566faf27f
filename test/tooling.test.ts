import { readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The type check and the linter only see the files tsconfig.json names: a source folder missing
 * from its `include` is neither type-checked nor linted with type information (kafka/ was, once).
 */

const ROOT = path.resolve(import.meta.dirname, '..');
/** Not source: installed packages, outputs, tool scratch space. */
const SKIP = new Set(['node_modules', '.git', 'data', 'coverage', '.stryker-tmp', '.tmp']);
const SKIP_PATHS = new Set(['bench/out', 'kafka/broker/target', 'reports/mutation']);

function tsFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name) && !SKIP_PATHS.has(r)) out.push(...tsFiles(path.join(dir, e.name), r));
    } else if (e.name.endsWith('.ts')) out.push(r);
  }
  return out;
}

describe('tsconfig.json', () => {
  it('covers every .ts file of the tree, so the type check and the linter see all of them', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    expect(config?.errors ?? []).toEqual([]);
    const covered = new Set((config?.fileNames ?? []).map((f) => path.relative(ROOT, f).split(path.sep).join('/')));
    const onDisk = tsFiles(ROOT);
    expect(onDisk.length).toBeGreaterThan(150);
    expect(onDisk.filter((f) => !covered.has(f))).toEqual([]);
  });
});
