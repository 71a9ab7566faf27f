import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration of a mutation run (test/support/mutation.ts, stryker.config.json): the
 * unit test files that import the mutated module, named by the runner in FUNDWATCH_MUTATION_TESTS,
 * and nothing else. Stryker runs a static mutant (one that acts while a module loads, such as a
 * regular expression at module level) with every test of the configuration, so the configuration
 * itself must hold only those files: never the Kafka project, never the whole unit suite.
 */
const files = (process.env['FUNDWATCH_MUTATION_TESTS'] ?? '').split(',').filter(Boolean);
if (files.length === 0) throw new Error('FUNDWATCH_MUTATION_TESTS is empty: run mutation testing through `npm run mutation -- <module>`');

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..', '..'),
  test: {
    include: files,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
