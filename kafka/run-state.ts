import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';

const log = logger('kafka.consume');

/**
 * Whether a Kafka ingest goes on, shared by its parts: once it is stopping (stop() was called) no
 * new fetch is taken, and once it has failed no part starts more work. The first fatal error is kept
 * and ends the run (`onFailure` starts the shutdown, which reports it through `done`).
 */
export class RunState {
  private error: FundwatchError | undefined;
  private stopRequested = false;

  constructor(private readonly onFailure: () => void) {}

  get failed(): boolean {
    return this.error !== undefined;
  }

  get failure(): FundwatchError | undefined {
    return this.error;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** No further fetch is taken; what was taken still lands. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Records the first fatal error (later ones are consequences of it) and ends the run. */
  fail(err: unknown): void {
    if (this.error !== undefined) return;
    this.error =
      err instanceof FundwatchError ? err : new FundwatchError('db', `Kafka 导入失败: ${(err as Error).message}`, { cause: err });
    log.error({ err: (err as Error).message }, 'kafka ingest failed; offsets stay at the last landed batch');
    this.onFailure();
  }
}
