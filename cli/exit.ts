/**
 * Exit codes (style item 9), documented in the README:
 * 0 the command did its job (an ingest with rejected messages included), 1 a check the user asked
 * for failed, 2 usage error, 3 error (I/O, database, invariant).
 */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, error: 3 } as const;
