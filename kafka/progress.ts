import type { Admin } from 'kafkajs';
import { logger } from '../core/logger.js';
import type { Batcher } from './batcher.js';
import type { Intake } from './intake.js';
import type { Members } from './members.js';
import { splitTpKey, type PartitionOffsets } from './offsets.js';
import type { RunState } from './run-state.js';
import { watermarks } from './topics.js';

const log = logger('kafka.consume');

export interface ConsumeProgress {
  /** Messages taken from Kafka (accepted or rejected; not counting those skipped below landed offsets). */
  readonly messages: number;
  readonly rows: number;
  readonly rejected: number;
  readonly batches: number;
  /** Rows landed per second since the previous report. */
  readonly rowsPerSecond: number;
  /** Per `topic:partition` of the assigned partitions: high watermark minus the offset landed. */
  readonly lag: Record<string, number>;
}

export interface ProgressOptions {
  /** Stop once every assigned partition had zero lag (landed) for this many seconds, counted from the first assignment. */
  readonly untilIdleSeconds: number | undefined;
  readonly progressEveryMs: number;
  readonly onProgress: ((p: ConsumeProgress) => void) | undefined;
  /** Called once the --until-idle condition holds. */
  readonly onIdle: () => void;
}

/**
 * Progress reports and the --until-idle check, both from partition lag: each partition's high
 * watermark minus the offset DuckDB holds for it (what is staged but not landed still counts).
 */
export class Progress {
  private idleSince: number | undefined;
  private checking = false;
  private lastReport = { at: performance.now(), rows: 0 };

  constructor(
    private readonly admin: Admin,
    private readonly offsets: PartitionOffsets,
    private readonly members: Members,
    private readonly intake: Intake,
    private readonly batcher: Batcher,
    private readonly run: RunState,
    private readonly options: ProgressOptions,
  ) {}

  /** Reports when a report is due, and checks for --until-idle; called on an interval. */
  async check(): Promise<void> {
    if (this.checking || this.run.stopping || this.run.failed) return;
    this.checking = true;
    try {
      const now = performance.now();
      const wantIdle = this.options.untilIdleSeconds !== undefined && this.members.firstAssignmentAt !== undefined;
      const wantReport = now - this.lastReport.at >= this.options.progressEveryMs;
      if (!wantIdle && !wantReport) return;
      const lag = await this.lag();
      if (wantReport) this.report(now, lag);
      if (wantIdle) {
        const caughtUp = Object.values(lag).every((l) => l <= 0) && this.intake.empty && this.batcher.settled;
        if (!caughtUp) this.idleSince = undefined;
        else {
          this.idleSince ??= now;
          if (now - this.idleSince >= (this.options.untilIdleSeconds ?? 0) * 1000) this.options.onIdle();
        }
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'lag check failed');
      this.idleSince = undefined;
    } finally {
      this.checking = false;
    }
  }

  private async lag(): Promise<Record<string, number>> {
    const assigned = [...this.members.assigned()].sort();
    const topics = [...new Set(assigned.map((k) => splitTpKey(k).topic))];
    const marks = await watermarks(this.admin, topics);
    const out: Record<string, number> = {};
    for (const k of assigned) {
      const w = marks.get(k);
      const { topic, partition } = splitTpKey(k);
      if (w) out[k] = w.high - (this.offsets.landedAt(topic, partition) ?? w.low);
    }
    return out;
  }

  private report(now: number, lag: Record<string, number>): void {
    const t = this.batcher.totals;
    const rowsPerSecond = Math.round((t.rowsLanded - this.lastReport.rows) / Math.max((now - this.lastReport.at) / 1000, 0.001));
    this.lastReport = { at: now, rows: t.rowsLanded };
    const p: ConsumeProgress = {
      messages: this.batcher.seen.messages,
      rows: t.rowsLanded,
      rejected: this.batcher.seen.rejected,
      batches: t.batches,
      rowsPerSecond,
      lag,
    };
    log.info(p, 'progress');
    this.options.onProgress?.(p);
  }
}
