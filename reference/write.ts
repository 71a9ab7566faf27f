import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { ReferenceFile } from '../contract/reference.js';
import type { ColumnSpec } from '../contract/tables.js';
import { formatFinding } from '../core/diagnostics/index.js';
import { FundwatchError } from '../core/errors.js';
import type { ParsedReference } from './parse.js';

/** The latest load of a reference table: the one its view shows. */
export interface LatestLoad {
  readonly loadId: number;
  readonly sha256: string;
}

export type WriteResult = { readonly written: true; readonly loadId: number } | { readonly written: false; readonly latest: LatestLoad };

/** Identifiers come only from the contract's column names, never from a CSV header; quoted anyway. */
const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

const STAGE_ROWS = 'reference_stage_row';
const STAGE_REJECTED = 'reference_stage_rejected';

export async function latestLoad(conn: DuckDBConnection, table: string): Promise<LatestLoad | undefined> {
  const reader = await conn.runAndReadAll(
    'SELECT load_id, sha256 FROM reference_load WHERE table_name = $table ORDER BY load_id DESC LIMIT 1',
    { table },
  );
  const row = reader.getRows()[0];
  return row ? { loadId: Number(row[0]), sha256: String(row[1]) } : undefined;
}

function appendText(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

/**
 * Fills this connection's temporary staging tables with text, outside the transaction as they are
 * private to the connection. DuckDB then casts the text to the column types in one INSERT … SELECT
 * (the text → type path ingest uses too); the schemas have already checked that every value casts.
 */
async function stage(conn: DuckDBConnection, parsed: ParsedReference): Promise<void> {
  const cols = parsed.columns.map((c) => `${q(c.name)} VARCHAR`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${STAGE_ROWS} (__line INTEGER, ${cols})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${STAGE_REJECTED} (line INTEGER, code VARCHAR, reason VARCHAR, diagnostics VARCHAR)`);
  const rows = await conn.createAppender(STAGE_ROWS, 'main', 'temp');
  for (const r of parsed.rows) {
    rows.appendInteger(r.line);
    for (const c of parsed.columns) appendText(rows, r.values[c.name] ?? null);
    rows.endRow();
  }
  rows.closeSync();
  const rej = await conn.createAppender(STAGE_REJECTED, 'main', 'temp');
  for (const d of parsed.headerIssues) {
    rej.appendInteger(1);
    rej.appendVarchar(d.code);
    rej.appendVarchar(formatFinding(d));
    rej.appendVarchar(JSON.stringify([d]));
    rej.endRow();
  }
  for (const r of parsed.rejected) {
    rej.appendInteger(r.line);
    rej.appendVarchar(r.code);
    rej.appendVarchar(r.reason);
    rej.appendVarchar(JSON.stringify(r.issues));
    rej.endRow();
  }
  rej.closeSync();
}

const cast = (c: ColumnSpec) => (c.sql === 'VARCHAR' ? q(c.name) : `CAST(${q(c.name)} AS ${c.sql})`);

async function scalarNumber(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/**
 * Writes one parsed file as a new load, in one transaction: its rows into `<table>_version`, its
 * rejected rows, and the `reference_load` row that makes it the version the view shows. Re-checks
 * inside the transaction that the latest load is not already this content (a concurrent load on
 * another connection), in which case nothing is written.
 *
 * A `refused` file (unusable header, or no valid row) is recorded with its reasons but no rows, so
 * the view keeps showing the previous version: a broken export must not empty a reference table.
 */
export async function writeLoad(
  conn: DuckDBConnection,
  ref: ReferenceFile,
  sha256: string,
  parsed: ParsedReference,
  status: 'loaded' | 'refused',
): Promise<WriteResult> {
  await stage(conn, parsed);
  const version = q(`${ref.table}_version`);
  const names = ['load_id', ...parsed.columns.map((c) => c.name)].map(q).join(', ');
  try {
    await conn.run('BEGIN TRANSACTION');
    try {
      const latest = await latestLoad(conn, ref.table);
      if (latest?.sha256 === sha256) {
        await conn.run('ROLLBACK');
        return { written: false, latest };
      }
      const loadId = await scalarNumber(conn, `SELECT nextval('load_id_seq')`);
      const p = { load: loadId, file: ref.file };
      const loaded = status === 'loaded' ? parsed.rows.length : 0;
      if (loaded) {
        const inserted = await conn.run(
          `INSERT INTO ${version} (${names}) SELECT $load, ${parsed.columns.map(cast).join(', ')} FROM ${STAGE_ROWS} ORDER BY __line`,
          { load: loadId },
        );
        if (Number(inserted.rowsChanged) !== loaded)
          throw new FundwatchError('invariant', `${ref.file}: 写入 ${inserted.rowsChanged} 行, 应为 ${loaded} 行`);
      }
      await conn.run(
        `INSERT INTO reference_rejected (load_id, file, line, code, reason, diagnostics)
         SELECT $load, $file, line, code, reason, CAST(diagnostics AS JSON) FROM ${STAGE_REJECTED} ORDER BY line`,
        p,
      );
      await conn.run(
        `INSERT INTO reference_load (load_id, file, table_name, status, sha256, loaded_at, rows_loaded, rows_rejected)
         VALUES ($load, $file, $table, $status, $sha, now()::TIMESTAMP, $loaded, $rejected)`,
        { ...p, table: ref.table, status, sha: sha256, loaded, rejected: parsed.rejected.length },
      );
      await conn.run('COMMIT');
      return { written: true, loadId };
    } catch (err) {
      // The error that made us roll back is the one to report; a failed ROLLBACK (no transaction left) adds nothing.
      await conn.run('ROLLBACK').catch(() => undefined);
      if (err instanceof FundwatchError) throw err;
      throw new FundwatchError('db', `写入参考数据 ${ref.file} 失败: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    // Temporary tables of this connection: a failed drop leaves them to the connection's end, and the
    // next load replaces them (CREATE OR REPLACE).
    await conn.run(`DROP TABLE IF EXISTS ${STAGE_ROWS}; DROP TABLE IF EXISTS ${STAGE_REJECTED}`).catch(() => undefined);
  }
}
