import cron from 'node-cron';
import { nowText, systemClock, type Clock } from '../core/clock.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { Store } from '../store/index.js';
import { JOBS, type Job } from './definitions.js';
import { runJob, slotServed, type JobRun } from './run.js';
import { lastSlot, TIMEZONE } from './slots.js';

const log = logger('scheduler');

export interface SchedulerOptions {
  readonly clock?: Clock;
  /** Which jobs to schedule (default all). */
  readonly jobs?: readonly string[];
  /** Called after each run (the serve console prints a line). */
  readonly onRun?: (run: JobRun) => void;
}

export interface Scheduler {
  /** Runs, once each, the jobs whose latest slot passed without a run (the process was down). */
  catchUp(): Promise<JobRun[]>;
  stop(): Promise<void>;
}

/**
 * The server's scheduler: node-cron fires each job at its slot (China time); at start, each job
 * whose latest slot has no run is caught up once (several missed nights make one catch-up run: a
 * detection covers all data, a report is of today). A run refused because the job is already
 * running is logged and skipped. The clock is injectable, so tests drive catch-up without waiting.
 */
export function createScheduler(store: Store, dbPath: string, options: SchedulerOptions = {}): Scheduler {
  const clock = options.clock ?? systemClock;
  const jobs = JOBS.filter((j) => !options.jobs || options.jobs.includes(j.name));
  const active = new Set<Promise<unknown>>();

  async function fire(job: Job, trigger: 'schedule' | 'catch-up', slot: Date): Promise<JobRun | null> {
    const conn = await store.connect();
    try {
      const run = await runJob(conn, { job: job.name, trigger, scheduled_for: nowText(slot) }, { now: nowText(clock()), dbPath }, clock);
      options.onRun?.(run);
      return run;
    } catch (err) {
      if (err instanceof FundwatchError && err.code === 'refused') {
        log.info({ job: job.name }, err.message);
        return null;
      }
      throw err;
    } finally {
      conn.closeSync();
    }
  }

  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    return p.finally(() => active.delete(p));
  };

  const tasks = jobs.map((job) =>
    cron.schedule(
      job.cron,
      () => {
        const slot = lastSlot(job.cron, clock()) ?? clock();
        track(fire(job, 'schedule', slot)).catch((err: unknown) => log.error({ err, job: job.name }, 'scheduled run failed'));
      },
      { timezone: TIMEZONE, name: `fundwatch-${job.name}` },
    ),
  );

  return {
    async catchUp() {
      const runs: JobRun[] = [];
      for (const job of jobs) {
        const slot = lastSlot(job.cron, clock());
        if (!slot) continue;
        const conn = await store.connect();
        let served: boolean;
        try {
          served = await slotServed(conn, job.name, nowText(slot));
        } finally {
          conn.closeSync();
        }
        if (served) continue;
        log.info({ job: job.name, slot: nowText(slot) }, 'catching up a missed run');
        const run = await track(fire(job, 'catch-up', slot));
        if (run) runs.push(run);
      }
      return runs;
    },
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...active]);
    },
  };
}
