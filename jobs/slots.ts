import { CronExpressionParser } from 'cron-parser';

/** Schedules are written in China time, as supervisors read them. */
export const TIMEZONE = 'Asia/Shanghai';

/** The latest slot of a cron schedule at or before `now` (to the minute), or null when none. */
export function lastSlot(cron: string, now: Date): Date | null {
  // prev() is strictly before its start, so start a minute on to include a slot at `now` itself.
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  try {
    return CronExpressionParser.parse(cron, { currentDate: start, tz: TIMEZONE }).prev().toDate();
  } catch {
    return null;
  }
}

/** The next slot of a cron schedule after `now`. */
export function nextSlot(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: TIMEZONE }).next().toDate();
}
