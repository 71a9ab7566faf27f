/**
 * Exit codes (style item 9), documented in the README:
 * 0 the command did its job (an ingest with rejected messages included), 1 a check the user asked
 * for failed or a change was refused (a stale version, an illegal transition, a job already running), 2 usage error, 3 error (I/O, database, invariant).
 */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, error: 3 } as const;

/** Thrown by a command whose check failed (lint errors, failing rule tests): exit 1, output already printed. */
export class CheckFailed extends Error {
  constructor() {
    super('check failed');
    this.name = 'CheckFailed';
  }
}
