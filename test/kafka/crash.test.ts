/**
 * Crash safety of `fundwatch ingest --kafka`, as a user runs it: the consumer process is killed
 * with SIGKILL at several points during consumption (each time just after a random batch has
 * committed, plus a random delay, so some kills land mid-batch) and started again; each new process
 * takes the group over from the killed one. The final tables equal a replay ingest of the same
 * files exactly: nothing lost, nothing twice.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PACKAGE_ROOT } from '../../core/config.js';
import { PII_KEY } from '../support/fixtures.js';
import { generatedCity, produce, replayOracle, stateOfFile, tempDb, testSettings } from '../support/kafka-ingest.js';
import { prng } from '../support/random.js';
import { CANONICAL_TABLES } from '../support/state.js';

const bootstrap = inject('kafkaBootstrap');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly batches: number;
  readonly stdout: string;
}

/**
 * Runs the consumer; with `killAfter`, SIGKILLs it `delayMs` after its `killAfter`-th committed
 * batch (seen in its debug log). Without, lets it run until idle.
 */
function runConsumer(args: readonly string[], kill?: { afterBatches: number; delayMs: number; signal?: NodeJS.Signals }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'fundwatch.js'), ...args], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, FUNDWATCH_PII_KEY: PII_KEY, FUNDWATCH_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let batches = 0;
    let stdout = '';
    let carry = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      const text = carry + c.toString();
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines)
        if (l.includes('"msg":"batch landed"')) {
          batches++;
          if (kill && batches === kill.afterBatches) setTimeout(() => child.kill(kill.signal ?? 'SIGKILL'), kill.delayMs);
        }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, batches, stdout });
    });
  });
}

describe.skipIf(!bootstrap)('Kafka ingest under SIGKILL (real broker, real processes)', () => {
  let city: Awaited<ReturnType<typeof generatedCity>>;
  let oracle: Awaited<ReturnType<typeof replayOracle>>;
  let db: string;

  beforeAll(async () => {
    city = await generatedCity('tiny', 12);
    oracle = await replayOracle(city.files);
    db = tempDb('kafka-crash');
  }, 120_000);
  afterAll(() => {
    rmSync(city.dir, { recursive: true, force: true });
    rmSync(path.dirname(db), { recursive: true, force: true });
  });

  /** The CLI consumer's arguments: small transactions give many commit points to be killed around. */
  function consumerArgs(settings: ReturnType<typeof testSettings>, dbPath: string, untilIdle = true): string[] {
    return [
      '--db',
      dbPath,
      'ingest',
      '--kafka',
      '--brokers',
      settings.brokers.join(','),
      '--group',
      settings.groupId,
      '--topic-prefix',
      settings.topicPrefix,
      ...(untilIdle ? ['--until-idle', '2'] : []),
      '--session-timeout',
      '6000',
      '--batch-rows',
      '1500',
      '--workers',
      '0',
      '--json',
    ];
  }

  it('killed at several random points and restarted each time, ends with exactly the replay tables', async () => {
    const settings = testSettings(bootstrap as string);
    await produce(settings, city.files);
    const args = consumerArgs(settings, db);
    const rng = prng(20261122);
    const kills: Run[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runConsumer(args, { afterBatches: 1 + rng.int(3), delayMs: rng.int(150) });
      kills.push(run);
      // Killed during consumption, after committing at least one batch of its own.
      expect(run.signal, `run ${i + 1} ended by itself: ${run.stdout}`).toBe('SIGKILL');
      expect(run.batches).toBeGreaterThan(0);
    }
    const last = await runConsumer(args);
    expect(last.code, last.stdout).toBe(0);
    const summary = JSON.parse(last.stdout) as { stopReason: string; rowsLanded: number };
    expect(summary.stopReason).toBe('idle');
    expect(summary.rowsLanded).toBeGreaterThan(0); // the killed runs had not finished the work

    const got = await stateOfFile(db);
    expect(got.sums).toEqual(oracle.sums);
    expect(got.state).toEqual(oracle.state);
  }, 300_000);

  it('on SIGTERM finishes its batch, stores its offsets and exits 0; the next run lands exactly the rest', async () => {
    const settings = testSettings(bootstrap as string);
    await produce(settings, city.files);
    const dbPath = tempDb('kafka-sigterm');
    try {
      const stopped = await runConsumer(consumerArgs(settings, dbPath, false), { afterBatches: 2, delayMs: 0, signal: 'SIGTERM' });
      expect(stopped.code, stopped.stdout).toBe(0);
      const first = JSON.parse(stopped.stdout) as { stopReason: string; rowsLanded: number };
      expect(first.stopReason).toBe('stopped');
      const rest = await runConsumer(consumerArgs(settings, dbPath));
      expect(rest.code, rest.stdout).toBe(0);
      const second = JSON.parse(rest.stdout) as { rowsLanded: number; duplicates: number; skipped: number };
      // Nothing landed twice: the second run started where the first one's offsets ended.
      expect(second.duplicates).toBe(0);
      expect(first.rowsLanded).toBeGreaterThan(0);
      const oracleRows = CANONICAL_TABLES.reduce((n, t) => n + Number(oracle.sums[t]?.['n']), 0);
      expect(first.rowsLanded + second.rowsLanded).toBe(oracleRows);
      const got = await stateOfFile(dbPath);
      expect(got.state).toEqual(oracle.state);
    } finally {
      rmSync(path.dirname(dbPath), { recursive: true, force: true });
    }
  }, 300_000);
});
