import type { DuckDBConnection } from '@duckdb/node-api';
import { ENVELOPE_COLUMNS } from '../contract/envelope.js';
import type { TableName } from '../contract/messages.js';
import { lineColumnIndex, TABLES, TABLE_NAMES, type TableSpec } from '../contract/tables.js';
import { FundwatchError } from '../core/errors.js';
import type { DecodedMessage, Rejection } from './decode.js';
import { Staging, type Position, type Slot, type SourceRef } from './stage.js';

/**
 * Lands decoded messages in the store, one DuckDB transaction per batch. Messages are staged as
 * they are decoded (`stage.ts`: one row per message, one delimited text row per line in the table
 * of its canonical table, in a slot of an attached in-memory database); landing a slot splits and
 * casts those rows in SQL on DuckDB's threads into the canonical tables, resolves versions and
 * records rejections and the batch — all or nothing. A hook lets the Kafka consumer store its
 * offsets in the same transaction.
 */

export type { Position, SourceRef } from './stage.js';

/** What a batch is, beside the messages staged for it. */
export interface Batch {
  readonly runId: string;
  readonly source: SourceRef;
  readonly startedAt: Date;
  readonly firstOffset: number | null;
  readonly lastOffset: number | null;
  /** Runs inside the batch's transaction, after the rows (e.g. to store consumer offsets). */
  readonly inTransaction?: (conn: DuckDBConnection, batchId: number) => Promise<void>;
}

export interface BatchResult {
  readonly batchId: number;
  readonly messagesRead: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** Rejections new to the store (a rejection seen before is not counted again). */
  readonly rejectedNew: number;
  readonly rejected: number;
  readonly rowsLanded: number;
  readonly rowsByTable: Partial<Record<TableName, number>>;
}

/** What a run (replay or Kafka) landed, summed over its batches. */
export interface IngestTotals {
  batches: number;
  messagesRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedNew: number;
  rowsLanded: number;
  rowsByTable: Partial<Record<TableName, number>>;
}

export function emptyTotals(): IngestTotals {
  return { batches: 0, messagesRead: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedNew: 0, rowsLanded: 0, rowsByTable: {} };
}

/** Adds one landed batch to a run's totals. */
export function addBatch(t: IngestTotals, r: BatchResult): void {
  t.batches++;
  t.messagesRead += r.messagesRead;
  t.accepted += r.accepted;
  t.duplicates += r.duplicates;
  t.rejected += r.rejected;
  t.rejectedNew += r.rejectedNew;
  t.rowsLanded += r.rowsLanded;
  for (const [name, n] of Object.entries(r.rowsByTable)) t.rowsByTable[name as TableName] = (t.rowsByTable[name as TableName] ?? 0) + n;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Contract §1 version order as a row value: T1 over T0, then later inf_time, then larger msgid. */
const rank = (t: string) => `(${t}.upload_mode = 'T1', CAST(${t}.inf_time AS TIMESTAMP), ${t}.msgid)`;

/** SQL moving one table's staged rows of new messages into its physical table: split, cast, insert. */
function insertSql(spec: TableSpec, slot: Slot): string {
  const envNames = new Set<string>(ENVELOPE_COLUMNS);
  const line = spec.lineColumns.filter((c) => !envNames.has(c.name));
  const lead = spec.versioned ? 1 : 0;
  const field = (c: { name: string; sql: string }, i: number) => {
    const v = `nullif(l[${lead + i + 1}], '')`;
    return c.sql === 'VARCHAR' ? v : `CAST(${v} AS ${c.sql})`;
  };
  const envSelect = ENVELOPE_COLUMNS.map((c) => (c === 'inf_time' ? `CAST(m.inf_time AS TIMESTAMP)` : `m.${q(c)}`));
  // A row lands current unless a better version of its key came in the same batch (losersSql);
  // resolveSql then settles it against the versions of earlier batches.
  const versioning = spec.versioned ? [`CAST(l[1] AS UBIGINT)`, 'fw_rid NOT IN (SELECT rid FROM batch_losers)'] : [];
  const cols = spec.columns.map((c) => q(c.name)).join(', ');
  const select = [
    '$batch',
    ...versioning,
    ...envSelect,
    ...spec.lineColumns.map((c, i) => (envNames.has(c.name) ? null : field(c, i))).filter((x) => x !== null),
  ];
  if (select.length !== spec.columns.length || line.length !== spec.lineColumns.length)
    throw new Error(`land: column layout of ${spec.name} does not add up`);
  return `INSERT INTO ${spec.physical} (${cols})
SELECT ${select.join(', ')}
FROM (
  SELECT m.*, r.rowid AS fw_rid, string_split(r.row_text, chr(31)) AS l
  FROM ${slot.rows[spec.name]} r JOIN ${slot.message} m ON m.seq = r.seq
  WHERE m.seq IN (SELECT seq FROM new_msg)
) AS m`;
}

/**
 * SQL listing the staged rows of a versioned table that lose, within the batch, to a better
 * version of their key in the same batch (contract §1 order: T1 over T0, later inf_time, larger
 * msgid). They land as not current. Deciding this before the insert instead of updating rows
 * after it spares most updates (measured on a city's fee lines: most superseded versions were
 * superseded in their own batch, and updating them after the insert made every commit slower;
 * see bench/README.md). Only keys whose hash repeats in the batch are ranked.
 */
function losersSql(spec: TableSpec, slot: Slot): string {
  const envNames = new Set<string>(ENVELOPE_COLUMNS);
  const field = (i: number) => `split_part(r.row_text, chr(31), ${i + 1})`;
  const keys = spec.key.map((k) => (envNames.has(k) ? `m.${q(k)}` : `nullif(${field(lineColumnIndex(spec, k) + 1)}, '')`) + ` AS ${q(k)}`);
  const rows = slot.rows[spec.name];
  // Each row's hash computed once and kept with its rowid (measured slower when the ranked query
  // and the repeat filter each computed it, see bench/README.md).
  return `CREATE OR REPLACE TEMP TABLE batch_losers AS
WITH staged AS MATERIALIZED (SELECT r.rowid AS rid, r.seq, CAST(${field(0)} AS UBIGINT) AS key_hash FROM ${rows} r)
SELECT rid FROM (
  SELECT s.rid, s.key_hash, ${keys.join(', ')}, m.upload_mode, m.inf_time, m.msgid
  FROM staged s JOIN ${rows} r ON r.rowid = s.rid JOIN ${slot.message} m ON m.seq = s.seq
  WHERE s.key_hash IN (SELECT key_hash FROM staged GROUP BY key_hash HAVING count(*) > 1)
    AND m.seq IN (SELECT seq FROM new_msg)
) cur
QUALIFY row_number() OVER (PARTITION BY key_hash, ${spec.key.map(q).join(', ')} ORDER BY ${rank('cur')} DESC) > 1`;
}

/**
 * SQL that leaves one current version per key after a batch: among the current rows of every key
 * the batch touched that now has more than one (a key repeated in the batch, or one with older
 * versions), all but the best lose is_current. Keys are found through the integer hash and told
 * apart on the key columns themselves.
 */
function resolveSql(spec: TableSpec): string {
  const keys = spec.key.map(q).join(', ');
  return `UPDATE ${spec.physical} SET is_current = false WHERE rowid IN (
  WITH touched AS (SELECT DISTINCT key_hash FROM ${spec.physical} WHERE batch_id = $batch),
  cur AS (SELECT rowid AS rid, key_hash, ${keys}, upload_mode, inf_time, msgid FROM ${spec.physical}
          WHERE is_current AND key_hash IN (SELECT key_hash FROM touched)),
  contested AS (SELECT key_hash FROM cur GROUP BY key_hash HAVING count(*) > 1)
  SELECT rid FROM cur WHERE key_hash IN (SELECT key_hash FROM contested)
  QUALIFY row_number() OVER (PARTITION BY key_hash, ${keys} ORDER BY ${rank('cur')} DESC) > 1)`;
}

const RESOLVE_SQL = new Map(TABLE_NAMES.filter((t) => TABLES[t].versioned).map((t) => [t, resolveSql(TABLES[t])]));

/** Builds a statement's SQL for one table and slot (insertSql, losersSql). */
type SqlMaker = (spec: TableSpec, slot: Slot) => string;

/**
 * Lands staged messages, one transaction per batch, on its own connection. Messages are added as
 * they are decoded (add*); seal() closes a batch and land() lands it while the next one fills.
 */
export class Lander {
  private sql = new Map<SqlMaker, Map<string, string>>();

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly staging: Staging,
  ) {}

  /** `conn` lands; `stagingConn`, another connection on the same instance, appends. */
  static async create(conn: DuckDBConnection, stagingConn: DuckDBConnection): Promise<Lander> {
    return new Lander(conn, await Staging.create(stagingConn));
  }

  addMessage(m: DecodedMessage, pos: Position, src: SourceRef): void {
    this.staging.addMessage(m, pos, src);
  }

  addRejection(r: Rejection, pos: Position, src: SourceRef): void {
    this.staging.addRejection(r, pos, src);
  }

  /** Whether anything was added since the last land(). */
  get empty(): boolean {
    return this.staging.empty;
  }

  /** The SQL of a statement for one table and slot, built once. */
  private sqlFor(make: SqlMaker, t: TableName, slot: Slot): string {
    let built = this.sql.get(make);
    if (!built) this.sql.set(make, (built = new Map<string, string>()));
    const k = `${t} ${slot.message}`;
    let sql = built.get(k);
    if (!sql) built.set(k, (sql = make(TABLES[t], slot)));
    return sql;
  }

  /**
   * Closes the batch being filled and starts the next; the previous batch must have landed (its
   * slot is the one filled next). Await it before adding more.
   */
  seal(): Promise<Slot> {
    return this.staging.seal();
  }

  /** Lands a sealed batch, one transaction, and empties its slot. */
  async land(batch: Batch, slot: Slot): Promise<BatchResult> {
    try {
      return await this.landSlot(batch, slot);
    } finally {
      await this.staging.clear(slot);
    }
  }

  async close(): Promise<void> {
    await this.staging.close();
  }

  private async landSlot(batch: Batch, slot: Slot): Promise<BatchResult> {
    const conn = this.conn;
    const src = batch.source;
    await conn.run('BEGIN TRANSACTION');
    try {
      const batchId = Number((await conn.runAndReadAll(`SELECT nextval('batch_id_seq')`)).getRows()[0]?.[0]);
      const p = { batch: batchId };
      // Messages not seen before (contract §1: a message seen is skipped whole), first occurrence in the batch.
      await conn.run(`CREATE OR REPLACE TEMP TABLE new_msg AS
        SELECT s.seq, s.tbl FROM ${slot.message} s ANTI JOIN message m ON m.fixmedins_code = s.fixmedins_code AND m.msgid = s.msgid
        QUALIFY row_number() OVER (PARTITION BY s.fixmedins_code, s.msgid ORDER BY s.seq) = 1`);
      const newCount = await this.count('SELECT count(*) FROM new_msg');
      await conn.run(
        `INSERT INTO message SELECT fixmedins_code, msgid, infno, CAST(inf_time AS TIMESTAMP), upload_mode, mdtrtarea_admvs, insuplc_admdvs,
           CAST(extra AS JSON), row_count, $batch, $kind, source, partition, "offset", line, upload_mode_source, CAST(aliases AS JSON)
         FROM ${slot.message} WHERE seq IN (SELECT seq FROM new_msg)`,
        { ...p, kind: src.kind },
      );
      // The trace codes and data-quality notes of the new messages, as their rows.
      await conn.run(
        `INSERT INTO trace_code_version
         SELECT $batch, m.fixmedins_code, m.msgid, m.infno, l[1], CAST(l[2] AS INTEGER), l[3], l[4] = 'true', l[5]
         FROM (SELECT seq, string_split(row_text, chr(31)) AS l FROM ${slot.traces}) t JOIN ${slot.message} m USING (seq)
         WHERE seq IN (SELECT seq FROM new_msg)`,
        p,
      );
      await conn.run(
        `INSERT INTO quality_note SELECT $batch, m.fixmedins_code, m.msgid, m.infno, n.path, n.code, n.value
         FROM ${slot.notes} n JOIN ${slot.message} m USING (seq) WHERE seq IN (SELECT seq FROM new_msg)`,
        p,
      );
      const rowsByTable: Partial<Record<TableName, number>> = {};
      let rowsLanded = 0;
      const present = (await conn.runAndReadAll('SELECT DISTINCT tbl FROM new_msg')).getRows().map((r) => r[0] as TableName);
      for (const t of present) {
        if (TABLES[t].versioned) await conn.run(this.sqlFor(losersSql, t, slot));
        const res = await conn.run(this.sqlFor(insertSql, t, slot), p);
        const n = Number(res.rowsChanged);
        rowsByTable[t] = n;
        rowsLanded += n;
        const resolve = RESOLVE_SQL.get(t);
        if (resolve) await conn.run(resolve, p);
      }
      const rej = await conn.run(
        `INSERT OR IGNORE INTO rejected_message
         SELECT DISTINCT ON (reject_id) reject_id, $batch, $kind, source, partition, "offset", line, code, reason, CAST(diagnostics AS JSON),
                msgid, fixmedins_code, infno, raw, octet_length(raw), now()::TIMESTAMP
         FROM ${slot.rejected} ORDER BY reject_id, "offset"`,
        { ...p, kind: src.kind },
      );
      const result: BatchResult = {
        batchId,
        messagesRead: slot.messages + slot.rejections,
        accepted: newCount,
        duplicates: slot.messages - newCount,
        rejected: slot.rejections,
        rejectedNew: Number(rej.rowsChanged),
        rowsLanded,
        rowsByTable,
      };
      await conn.run(
        `INSERT INTO ingest_batch VALUES ($batch, $run, $kind, $source, $partition, $first, $last, $started, now()::TIMESTAMP,
           $read, $accepted, $dup, $rejected, $rows, $byTable)`,
        {
          ...p,
          run: batch.runId,
          kind: src.kind,
          source: src.source,
          partition: src.partition,
          first: batch.firstOffset,
          last: batch.lastOffset,
          started: batch.startedAt.toISOString().replace('T', ' ').replace('Z', ''),
          read: result.messagesRead,
          accepted: result.accepted,
          dup: result.duplicates,
          rejected: result.rejected,
          rows: rowsLanded,
          byTable: JSON.stringify(rowsByTable),
        },
      );
      if (batch.inTransaction) await batch.inTransaction(conn, batchId);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      // The error that made us roll back is the one to report; a failed ROLLBACK (no transaction left) adds nothing.
      await conn.run('ROLLBACK').catch(() => undefined);
      throw new FundwatchError('db', `landing batch from ${src.source} failed: ${(err as Error).message}`, {
        cause: err,
        retriable: false,
      });
    }
  }

  private async count(sql: string): Promise<number> {
    return Number((await this.conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
  }
}
