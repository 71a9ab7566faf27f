/**
 * The clock, passed in wherever time decides something (case timestamps, due dates, job schedules),
 * so that tests can set it. Timestamps in the store are UTC, written 'YYYY-MM-DD HH:MM:SS'.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A moment as the store's timestamps write it (UTC, seconds). */
export const nowText = (d: Date = new Date()): string => d.toISOString().slice(0, 19).replace('T', ' ');
