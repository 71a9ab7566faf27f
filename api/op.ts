import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { StageContext } from '../core/stage.js';

/** Who asks and when: the server's or the CLI's clock, and the person named by `--as` / FUNDWATCH_USER. */
export interface OpContext extends StageContext {
  /** The database file, for ops that write beside it (reports). */
  readonly dbPath: string;
}

/**
 * One thing a user can ask of the queue (list cases, transition one, run a job …), the same whether
 * the CLI opens the database itself or asks the server that holds it: its arguments are plain JSON
 * checked by a zod schema, and `run` is the stage code both paths call.
 */
export interface Op<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly args: S;
  run(conn: DuckDBConnection, args: z.infer<S>, ctx: OpContext): Promise<unknown>;
}

export const defineOp = <S extends z.ZodType>(op: Op<S>): Op<S> => op;
