/** Scheduled jobs (jobs/README.md): nightly detection, the morning report, weekly credit; their runs, lock and catch-up. */
export { JOBS, jobOf, type Job, type JobContext } from './definitions.js';
export { runJob, listJobs, slotServed, type JobRun, type JobListing, type RunArgs, type Trigger } from './run.js';
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';
export { lastSlot, nextSlot, TIMEZONE } from './slots.js';
