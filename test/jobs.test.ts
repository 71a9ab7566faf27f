import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupCases } from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { createScheduler, lastSlot, runJob } from '../jobs/index.js';
import { writeHits } from '../score/index.js';
import { openStore } from '../store/index.js';
import { hit } from './support/hits.js';
import { tempDir } from './support/temp.js';

const tmp = tempDir('jobs');

describe('job slots (jobs/slots.ts)', () => {
  it('finds the latest slot of a schedule in Beijing time, a slot at the very minute included', () => {
    // 07:00 Beijing is 23:00 UTC the day before.
    expect(lastSlot('0 7 * * *', new Date('2026-03-02T01:30:00Z'))?.toISOString()).toBe('2026-03-01T23:00:00.000Z');
    expect(lastSlot('0 7 * * *', new Date('2026-03-01T22:59:00Z'))?.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(lastSlot('0 7 * * *', new Date('2026-03-01T23:00:30Z'))?.toISOString()).toBe('2026-03-01T23:00:00.000Z');
    // Monday 03:00 Beijing: 2026-03-02 is a Monday.
    expect(lastSlot('0 3 * * 1', new Date('2026-03-05T00:00:00Z'))?.toISOString()).toBe('2026-03-01T19:00:00.000Z');
  });
});

describe('the scheduler and the job lock (real database file, injected clock)', () => {
  it('catches up a missed 07:00 morning report once, and not again until the next slot passes', async () => {
    const db = path.join(tmp, 'catch-up', 'fw.duckdb');
    const store = await openStore(db);
    let now = new Date('2026-03-02T01:30:00Z'); // 09:30 Beijing: the 07:00 report was missed
    const scheduler = createScheduler(store, db, { clock: () => now, jobs: ['morning'] });
    try {
      const conn = await store.connect();
      await writeHits(conn, [hit({ jr_id: 'm1', pattern: 'over-price' })], '2026-03-01 10:00:00');
      await groupCases(conn, '2026-03-01 10:00:00');
      conn.closeSync();

      const caught = await scheduler.catchUp();
      expect(caught.map((r) => [r.job, r.trigger, r.scheduled_for, r.outcome])).toEqual([
        ['morning', 'catch-up', '2026-03-01 23:00:00', 'ok'],
      ]);
      expect(caught[0]?.counts).toMatchObject({ date: '2026-03-02', cases: 1, new_cases: 1 });
      expect(caught[0]?.counts?.['xlsx']).toBe(path.join(tmp, 'catch-up', 'reports', 'morning-2026-03-02.xlsx'));
      expect(await scheduler.catchUp()).toEqual([]);
      now = new Date('2026-03-02T22:59:00Z'); // 06:59 the next morning: nothing missed yet
      expect(await scheduler.catchUp()).toEqual([]);
      now = new Date('2026-03-02T23:05:00Z'); // 07:05: that morning's slot passed without a run
      expect((await scheduler.catchUp()).map((r) => r.scheduled_for)).toEqual(['2026-03-02 23:00:00']);
    } finally {
      await scheduler.stop();
      await store.close();
    }
  });

  it('refuses a run while the lock is held by a live process, and takes over the lock of a dead one', async () => {
    const db = path.join(tmp, 'lock', 'fw.duckdb');
    const store = await openStore(db);
    const conn = await store.connect();
    const ctx = { now: '2026-03-02 01:00:00', dbPath: db };
    try {
      await conn.run(`INSERT INTO job_run VALUES (41, 'credit', 'manual', NULL, '2026-03-02 00:59:00', NULL, 'running', NULL, NULL)`);
      await conn.run(`INSERT INTO job_lock VALUES ('credit', 41, $holder, '2026-03-02 00:59:00')`, {
        holder: `${hostname()}:${process.pid}`,
      });
      const refused = await runJob(conn, { job: 'credit', trigger: 'manual' }, ctx).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FundwatchError);
      expect((refused as FundwatchError).code).toBe('refused');
      expect((refused as FundwatchError).message).toContain('任务 credit 正在运行 (运行 #41');

      // The holder is gone (a pid that cannot exist): its run is marked failed and this one runs.
      await conn.run(`UPDATE job_lock SET holder = $holder`, { holder: `${hostname()}:2147483646` });
      const run = await runJob(conn, { job: 'credit', trigger: 'manual' }, ctx);
      expect(run).toMatchObject({ job: 'credit', outcome: 'ok', counts: { cases: 0 } });
      const rows = (await conn.runAndReadAll('SELECT run_id, outcome, error FROM job_run ORDER BY run_id DESC')).getRows();
      expect(rows.map((r) => [Number(r[0]) === 41, r[1], r[2]])).toEqual([
        [true, 'failed', '进程中断, 未完成'],
        [false, 'ok', null],
      ]);
      expect((await conn.runAndReadAll('SELECT count(*) FROM job_lock')).getRows()).toEqual([[0n]]);
      expect(await runJob(conn, { job: 'nope', trigger: 'manual' }, ctx).catch((e: unknown) => (e as Error).message)).toContain(
        '未知的任务 nope',
      );
    } finally {
      conn.closeSync();
      await store.close();
    }
  });
});
