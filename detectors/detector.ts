import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { Pattern } from '../contract/patterns.js';
import type { Window } from '../rules/index.js';

/**
 * What every statistical detector is: an id, the pattern it reports, the schema of its parameters
 * (with documented defaults) and a function from the store to hits in the contract §6 shape. The
 * statistics are plain functions (`stats.ts`); the SQL only aggregates.
 */

/** One 违规项 (1) or 涉及项 (2) of a hit, by reference (contract §6). */
export interface Detail {
  readonly type: 1 | 2;
  readonly ref: string;
  readonly amount?: number;
}

/** A detector's hit before it is merged into `hit` (its jr_id is derived from its 违规项 refs). */
export interface DetectorHit {
  readonly vola_cont: string;
  readonly vola_amt: number;
  readonly score: number;
  readonly occurred_on: string;
  readonly fixmedins_code?: string;
  readonly psn_no?: string;
  readonly mdtrt_id?: string;
  readonly dr_codg?: string;
  readonly details: readonly Detail[];
  /** The numbers behind the hit, for the reviewer (and later the case and the evidence bundle). */
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface DetectorContext {
  readonly conn: DuckDBConnection;
  readonly window: Window;
  /** An institution as a supervisor reads it: its name and code (the code alone when unknown). */
  institution(code: string): string;
  /** Builds what several detectors share once per run; tables named `dx_…` are temporary and dropped after it. */
  once(name: string, build: () => Promise<void>): Promise<void>;
}

export interface Detector<P extends z.ZodObject = z.ZodObject> {
  readonly id: string;
  readonly pattern: Pattern;
  /** Parameters with their defaults; a config file may override any of them. */
  readonly params: P;
  run(ctx: DetectorContext, params: z.output<P>): Promise<DetectorHit[]>;
}

/** Declares a detector with its parameter schema typed through. */
export const defineDetector = <P extends z.ZodObject>(d: Detector<P>): Detector<P> => d;

/** The window as SQL conditions on a timestamp or date column (empty window: no condition). */
export function windowSql(column: string, w: Window): string {
  for (const d of [w.since, w.until]) if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
  const parts: string[] = [];
  if (w.since) parts.push(`${column} >= DATE '${w.since}'`);
  if (w.until) parts.push(`${column} < DATE '${w.until}' + INTERVAL 1 DAY`);
  return parts.length ? parts.join(' AND ') : 'true';
}

const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
export const yuan = (x: number) => `${num(x, 2)} 元`;
export const pct = (x: number, digits = 1) => `${num(x * 100, digits)}%`;
export { num };

/** A scalar read from DuckDB as text ('' for NULL). */
export function text(x: unknown): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return `${x}`;
  return JSON.stringify(x);
}

/** The elements of a DuckDB LIST value as read by the node client (empty for NULL). */
export const items = (x: unknown): unknown[] => (x as { items?: unknown[] } | null)?.items ?? [];
