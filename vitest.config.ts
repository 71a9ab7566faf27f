import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // DuckDB is a native module: separate processes keep each test file's instances apart.
    pool: 'forks',
    // Vitest's default on this 2-core machine is one worker (cores − 1), which runs the files one
    // after another although many mostly wait (child processes, the broker, LibreOffice): two halve
    // the wall time of the suite.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'rules/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/kafka/**'],
        },
      },
      {
        // Against a real single-node Kafka broker, started once by the globalSetup (see kafka/README.md).
        extends: true,
        test: {
          name: 'kafka',
          include: ['test/kafka/**/*.test.ts'],
          globalSetup: ['./test/support/kafka-setup.ts'],
          // kafkajs warns on every refused connection while a broker restarts; keep test output readable.
          env: { FUNDWATCH_LOG_LEVEL: 'error' },
        },
      },
    ],
  },
});
