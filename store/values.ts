import type { DuckDBValue } from '@duckdb/node-api';

/** A DuckDB value as text: NULL (and a missing column) as the empty string. */
export const text = (v: DuckDBValue | undefined): string => (v === null || v === undefined ? '' : String(v));
