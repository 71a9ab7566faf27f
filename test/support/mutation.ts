/**
 * `npm run mutation -- <module> [stryker options]`: mutation testing of one module (StrykerJS,
 * stryker.config.json) against the unit tests that import it, and only those. A module's own tests
 * are what should kill its mutants; a suite that reaches it through five other modules would hide
 * untested cases behind incidental coverage, and the Kafka suites would start a broker per run.
 *
 * A test file counts when it imports the module, or an `index.ts` that re-exports it (stages are
 * used through their index). Not part of `npm test`: a run takes minutes and its score is read by a
 * person, not asserted. Extra arguments go to `stryker run` as they are (e.g. `--concurrency 2`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The vitest `unit` project (vitest.config.ts): these folders' *.test.ts, without test/kafka/. */
const TEST_ROOTS = ['test', 'rules'];
const NOT_UNIT = ['test/kafka/'];

const rel = (abs: string) => path.relative(ROOT, abs).split(path.sep).join('/');

function unitTestFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(abs);
      } else if (e.name.endsWith('.test.ts') && !NOT_UNIT.some((p) => rel(abs).startsWith(p))) out.push(rel(abs));
    }
  };
  for (const r of TEST_ROOTS) walk(path.join(ROOT, r));
  return out.sort();
}

/** Specifiers of static imports, re-exports, dynamic imports and vi.mock of a source text. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\bvi\.mock\(\s*)'(\.{1,2}\/[^']+)'/g;

/** The repository-relative .ts files a file imports with relative specifiers. */
function importsOf(file: string, reexportsOnly = false): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const re = reexportsOnly ? /\bexport\s[^;]*?\bfrom\s*'(\.{1,2}\/[^']+)'/g : SPECIFIER;
  return [...text.matchAll(re)].map((m) =>
    rel(path.resolve(path.dirname(path.join(ROOT, file)), (m[1] as string).replace(/\.js$/, '.ts'))),
  );
}

/** Whether `file` is `target` or an index.ts that re-exports it (through other index files too). */
function leadsTo(file: string, target: string, seen = new Set<string>()): boolean {
  if (file === target) return true;
  if (!file.endsWith('/index.ts') || seen.has(file) || !existsSync(path.join(ROOT, file))) return false;
  seen.add(file);
  return importsOf(file, true).some((f) => leadsTo(f, target, seen));
}

function main(argv: readonly string[]): number {
  const [arg, ...rest] = argv;
  if (!arg || arg.startsWith('-')) {
    process.stderr.write('用法: npm run mutation -- <模块, 如 contract/decimal.ts> [stryker 选项]\n');
    return 2;
  }
  // Stryker's mutation range, `file:line[:col]-line[:col]`, narrows a run to some lines of the module.
  const [, file = arg, range = ''] = /^(.*?)(:\d+(?::\d+)?-\d+(?::\d+)?)?$/.exec(arg) ?? [];
  const target = rel(path.resolve(ROOT, file.replace(/\.js$/, '.ts').replace(/^(?!.*\.ts$)(.*)$/, '$1.ts')));
  if (!existsSync(path.join(ROOT, target)) || target.startsWith('..') || target.endsWith('.test.ts')) {
    process.stderr.write(`没有这个源文件: ${target}\n`);
    return 2;
  }
  const tests = unitTestFiles().filter((t) => importsOf(t).some((f) => leadsTo(f, target)));
  if (tests.length === 0) {
    process.stderr.write(`没有单元测试导入 ${target}: 它的每个变异体都会存活。先写测试。\n`);
    return 1;
  }
  process.stdout.write(`变异 ${target}, 运行导入它的单元测试: ${tests.join(', ')}\n`);
  const stryker = path.join(ROOT, 'node_modules', '.bin', 'stryker');
  const r = spawnSync(stryker, ['run', 'stryker.config.json', '--mutate', `${target}${range}`, ...rest], {
    cwd: ROOT,
    stdio: 'inherit',
    // Read by test/support/vitest.mutation.config.ts, Stryker's vitest configuration.
    env: { ...process.env, FUNDWATCH_MUTATION_TESTS: tests.join(',') },
  });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
