/**
 * What every stage function takes besides its connection and its plain arguments, so that the CLI
 * and the server (api/) call it the same way.
 */
export interface StageContext {
  /** 'YYYY-MM-DD HH:MM:SS' UTC (core/clock.ts nowText()). */
  readonly now: string;
  /** Who asked, when the stage records it. */
  readonly actor?: string | undefined;
}
