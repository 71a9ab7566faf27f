import type { DuckDBConnection } from '@duckdb/node-api';
import { hostname } from 'node:os';
import { nowText } from '../core/clock.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { text as str } from '../store/index.js';
import { jobOf, JOBS, type JobContext } from './definitions.js';
import { nextSlot } from './slots.js';

const log = logger('jobs');

export type Trigger = 'schedule' | 'manual' | 'catch-up';

export interface RunArgs {
  readonly job: string;
  readonly trigger: Trigger;
  /** The schedule slot it serves (UTC text), for scheduled and catch-up runs. */
  readonly scheduled_for?: string | undefined;
}

export interface JobRun {
  readonly run_id: number;
  readonly job: string;
  readonly trigger: string;
  readonly scheduled_for: string | null;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly outcome: string;
  readonly counts: Record<string, unknown> | null;
  readonly error: string | null;
}

const holder = () => `${hostname()}:${process.pid}`;

/**
 * Runs a job once, recorded in `job_run`, under the job lock: the run first inserts its job's row in
 * `job_lock`; a second run of the same job meanwhile fails on its primary key and is refused with the
 * run in progress. A lock left by a process that died on this host is taken over (its run marked
 * failed). The clock is the caller's (`ctx.now`), so tests set it.
 */
export async function runJob(conn: DuckDBConnection, a: RunArgs, ctx: JobContext, clock: () => Date = () => new Date()): Promise<JobRun> {
  const job = jobOf(a.job);
  if (!job) throw new FundwatchError('usage', `未知的任务 ${a.job}, 可选: ${JOBS.map((j) => j.name).join(', ')}`);
  const runId = await acquire(conn, job.name, ctx.now);
  await conn.run(
    `INSERT INTO job_run (run_id, job, trigger, scheduled_for, started_at, outcome) VALUES ($id, $job, $trigger, CAST($slot AS TIMESTAMP), CAST($now AS TIMESTAMP), 'running')`,
    { id: runId, job: job.name, trigger: a.trigger, slot: a.scheduled_for ?? null, now: ctx.now },
  );
  log.info({ job: job.name, run: runId, trigger: a.trigger }, 'job started');
  let outcome: 'ok' | 'failed' = 'ok';
  let counts: Record<string, number | string> | null = null;
  let error: string | null = null;
  try {
    counts = await job.run(conn, ctx);
  } catch (err) {
    outcome = 'failed';
    error = (err as Error).message;
    log.error({ job: job.name, run: runId, err }, 'job failed');
  } finally {
    await conn.run(
      `UPDATE job_run SET finished_at = CAST($now AS TIMESTAMP), outcome = $outcome, counts = CAST($counts AS JSON), error = $error WHERE run_id = $id`,
      { id: runId, now: nowText(clock()), outcome, counts: counts ? JSON.stringify(counts) : null, error },
    );
    await conn.run('DELETE FROM job_lock WHERE job = $job AND run_id = $id', { job: job.name, id: runId });
  }
  log.info({ job: job.name, run: runId, outcome }, 'job finished');
  const run = (await readRuns(conn, 'WHERE run_id = $id', { id: runId }))[0];
  if (!run) throw new FundwatchError('invariant', `job run ${runId} vanished`);
  return run;
}

async function acquire(conn: DuckDBConnection, job: string, now: string): Promise<number> {
  const id = Number((await conn.runAndReadAll("SELECT nextval('job_run_seq')")).getRows()[0]?.[0]);
  for (let attempt = 0; ; attempt++) {
    try {
      await conn.run(`INSERT INTO job_lock VALUES ($job, $id, $holder, CAST($now AS TIMESTAMP))`, { job, id, holder: holder(), now });
      return id;
    } catch (err) {
      if (!/constraint|conflict/i.test((err as Error).message)) throw err;
      const held = (
        await conn.runAndReadAll(`SELECT run_id, holder, strftime(acquired_at, '%Y-%m-%d %H:%M:%S') FROM job_lock WHERE job = $job`, {
          job,
        })
      ).getRows()[0];
      if (!held) {
        if (attempt < 3) continue;
        throw err;
      }
      const [runId, who, since] = [Number(held[0]), str(held[1]), str(held[2])];
      if (attempt === 0 && deadHere(who)) {
        // The process that held it is gone: its run ended without saying so.
        log.warn({ job, run: runId, holder: who }, 'taking over a lock left by a dead process');
        await conn.run(
          `UPDATE job_run SET outcome = 'failed', error = '进程中断, 未完成', finished_at = CAST($now AS TIMESTAMP) WHERE run_id = $id AND outcome = 'running'`,
          {
            id: runId,
            now,
          },
        );
        await conn.run('DELETE FROM job_lock WHERE job = $job AND run_id = $id', { job, id: runId });
        continue;
      }
      throw new FundwatchError(
        'refused',
        `任务 ${job} 正在运行 (运行 #${runId}, 开始于 ${since} UTC, 进程 ${who}); 本次未运行, 请等它完成 (fundwatch jobs list)`,
      );
    }
  }
}

/** A lock holder on this host whose process no longer exists. */
function deadHere(who: string): boolean {
  const [host, pid] = who.split(':');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readRuns(conn: DuckDBConnection, where: string, params: Record<string, string | number> = {}): Promise<JobRun[]> {
  const r = await conn.runAndReadAll(
    `SELECT run_id, job, trigger, strftime(scheduled_for, '%Y-%m-%d %H:%M:%S'), strftime(started_at, '%Y-%m-%d %H:%M:%S'),
            strftime(finished_at, '%Y-%m-%d %H:%M:%S'), outcome, CAST(counts AS VARCHAR), error
     FROM job_run ${where}`,
    params,
  );
  return r.getRows().map((v) => ({
    run_id: Number(v[0]),
    job: str(v[1]),
    trigger: str(v[2]),
    scheduled_for: v[3] === null ? null : str(v[3]),
    started_at: str(v[4]),
    finished_at: v[5] === null ? null : str(v[5]),
    outcome: str(v[6]),
    counts: v[7] === null ? null : (JSON.parse(str(v[7])) as Record<string, unknown>),
    error: v[8] === null ? null : str(v[8]),
  }));
}

export interface JobListing {
  readonly name: string;
  readonly cron: string;
  readonly description: string;
  /** The next slot (UTC text). */
  readonly next: string;
  readonly running: JobRun | null;
  readonly last: readonly JobRun[];
}

/** The schedule and the last runs of each job (newest first). */
export async function listJobs(conn: DuckDBConnection, a: { last?: number | undefined }, ctx: { now: string }): Promise<JobListing[]> {
  const now = new Date(`${ctx.now.replace(' ', 'T')}Z`);
  const out: JobListing[] = [];
  for (const j of JOBS) {
    const last = await readRuns(conn, 'WHERE job = $job ORDER BY run_id DESC LIMIT $n', { job: j.name, n: a.last ?? 5 });
    out.push({
      name: j.name,
      cron: j.cron,
      description: j.description,
      next: nowText(nextSlot(j.cron, now)),
      running: last.find((r) => r.outcome === 'running') ?? null,
      last,
    });
  }
  return out;
}

/** Whether a slot is served: a run for it (any outcome), or a successful run started at or after it. */
export async function slotServed(conn: DuckDBConnection, job: string, slot: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(*) FROM job_run WHERE job = $job AND (scheduled_for >= CAST($slot AS TIMESTAMP) OR (outcome IN ('ok', 'running') AND started_at >= CAST($slot AS TIMESTAMP)))`,
    { job, slot },
  );
  return Number(r.getRows()[0]?.[0]) > 0;
}
