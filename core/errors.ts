/**
 * The one thrown error type (style item 4). Thrown only for I/O failures and broken invariants;
 * bad input is never thrown, it becomes a diagnostic or a rejected message.
 */
/** `refused`: a change the current state does not allow (a stale version, an illegal transition, a job already running). */
export type ErrorCode = 'io' | 'db' | 'config' | 'usage' | 'invariant' | 'kafka' | 'refused';

export class FundwatchError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FundwatchError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
