import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, specifiersOf } from './support/import-graph.js';

/**
 * No import cycles anywhere in the tree. The generator once had four (13, 3, 2 and 2 files), all
 * through shared types declared in implementation files; a cycle makes modules that can only be
 * read, moved and tested together. The files are tsconfig.json's (test/tooling.test.ts pins that
 * it covers every .ts file of the tree).
 */

const ROOT = path.resolve(import.meta.dirname, '..');

function treeSources(): Map<string, string> {
  const read = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  return new Map(parsed.fileNames.map((f) => [path.relative(ROOT, f).split(path.sep).join('/'), readFileSync(f, 'utf8')]));
}

describe('import graph', () => {
  it('sees every kind of relative import, type-only ones included', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import { type C, d } from './c.js';",
      "export { e } from './e.js';",
      "export type * from './f.js';",
      "type G = import('./g.js').G;",
      "const h = await import('./h.js');",
      "import { z } from 'zod';",
      "import path from 'node:path';",
    ].join('\n');
    expect(specifiersOf('x/y.ts', text)).toEqual(['./a.js', '../b.js', './c.js', './e.js', './f.js', './g.js', './h.js']);
  });

  it('finds a cycle made only of type imports, and a file importing itself', () => {
    const files = new Map([
      ['g/a.ts', "import type { B } from './b.js';\nexport type A = B;"],
      ['g/b.ts', "import type { C } from './sub/c.js';\nexport type B = C;"],
      ['g/sub/c.ts', "import type { A } from '../a.js';\nexport type C = { a?: A };"],
      ['g/d.ts', "import { a } from './a.js';"],
      ['g/e.ts', "export const e = 1;\ntype E = import('./e.js').E;"],
    ]);
    expect(importCycles(importGraph(files))).toEqual([['g/a.ts', 'g/b.ts', 'g/sub/c.ts'], ['g/e.ts']]);
  });

  it('has no cycle in the tree', () => {
    const sources = treeSources();
    const graph = importGraph(sources);
    // The walk saw the tree: its files, and the imports between them (a type-only one among them).
    expect(sources.size).toBeGreaterThan(150);
    expect(graph.get('generator/labels.ts')).toContain('contract/labels.ts');
    expect(importCycles(graph)).toEqual([]);
  });
});
