import path from 'node:path';
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * The vitest configuration of a mutation run (test/support/mutation.ts, stryker.config.json): the
 * unit test files that import the mutated module, named by the runner in FUNDWATCH_MUTATION_TESTS,
 * and nothing else. Stryker runs a static mutant (one that acts while a module loads, such as a
 * regular expression at module level) with every test of the configuration, so the configuration
 * itself must hold only those files: never the Kafka project, never the whole unit suite.
 */
const files = (process.env['FUNDWATCH_MUTATION_TESTS'] ?? '').split(',').filter(Boolean);
if (files.length === 0) throw new Error('FUNDWATCH_MUTATION_TESTS is empty: run mutation testing through `npm run mutation -- <module>`');

/**
 * Stryker 9's vitest runner (the last line that runs on Node 20) counts a test file that fails to
 * load, or whose beforeAll throws, as passed: none of its tests failed, because none ran, so the
 * mutant that broke it "survives". Handing those file-level errors to vitest's error list makes
 * Stryker report such a mutant as an error instead, as Stryker 10 does by itself.
 */
class FileErrors implements Reporter {
  private vitest: Vitest | undefined;
  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const m of modules) for (const error of m.errors()) this.vitest?.state.catchError(error, 'Test File Error');
  }
}

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..', '..'),
  test: {
    include: files,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: [new FileErrors()],
  },
});
