import { createHash } from 'node:crypto';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { ENVELOPE_COLUMNS } from '../contract/envelope.js';
import type { TableName } from '../contract/messages.js';
import { TABLE_NAMES } from '../contract/tables.js';
import type { DecodedMessage, Rejection } from './decode.js';

/**
 * Double-buffered staging for the lander. Decoded messages are appended as they arrive, while the
 * main thread would otherwise wait on the decode workers, instead of all at once when a batch is
 * full (measured: staging a whole batch at once stalled the main thread, see bench/README.md).
 * Two slots live in an in-memory database attached to the instance: one fills through the staging
 * connection while the lander lands the other through its own.
 */
export interface Position {
  readonly offset: number | null;
  readonly line: number | null;
  readonly partition?: number | null;
  /** Overrides the batch's source for this message (a Kafka batch spans topics). */
  readonly source?: string;
}

export interface SourceRef {
  readonly kind: 'file' | 'kafka';
  /** File path as given, or topic. */
  readonly source: string;
  readonly partition: number | null;
}

/** A filled slot: its tables and what went in. */
export interface Slot {
  readonly message: string;
  /** The staged rows of each canonical table. */
  readonly rows: Readonly<Record<TableName, string>>;
  /** Trace-code rows (text, like rows) and data-quality notes of the slot's messages. */
  readonly traces: string;
  readonly notes: string;
  readonly rejected: string;
  readonly messages: number;
  readonly rejections: number;
}

const MESSAGE_COLUMNS = [
  'seq INTEGER',
  ...ENVELOPE_COLUMNS.map((c) => `${c} VARCHAR`),
  'extra VARCHAR',
  'tbl VARCHAR',
  'row_count INTEGER',
  'source VARCHAR',
  'partition INTEGER',
  '"offset" BIGINT',
  'line BIGINT',
  'upload_mode_source VARCHAR',
  'aliases VARCHAR',
];

const NOTE_COLUMNS = ['seq INTEGER', 'path VARCHAR', 'code VARCHAR', 'value VARCHAR'];

/**
 * One staged row per line (not per message): DuckDB parallelises a scan by row groups, so a
 * per-message staging table of a few thousand rows would split and cast on one thread (measured).
 * One table per canonical table, so that landing a table scans only its own rows (measured on a
 * city's mixed stream: a few visits sharing a staging table with many fee lines were slow to land;
 * see bench/README.md).
 */
const ROW_COLUMNS = ['seq INTEGER', 'row_text VARCHAR'];

const REJECTED_COLUMNS = [
  'reject_id VARCHAR',
  'source VARCHAR',
  'partition INTEGER',
  '"offset" BIGINT',
  'line BIGINT',
  'code VARCHAR',
  'reason VARCHAR',
  'diagnostics VARCHAR',
  'msgid VARCHAR',
  'fixmedins_code VARCHAR',
  'infno VARCHAR',
  'raw BLOB',
];

let attached = 0;

interface Filling {
  readonly message: DuckDBAppender;
  readonly rows: Record<TableName, DuckDBAppender>;
  readonly traces: DuckDBAppender;
  readonly notes: DuckDBAppender;
  readonly rejected: DuckDBAppender;
}

export class Staging {
  private current = 0;
  private messages = 0;
  private rejections = 0;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly db: string,
    private filling: Filling,
  ) {}

  /** Attaches a fresh in-memory staging database through `conn`, the staging connection. */
  static async create(conn: DuckDBConnection): Promise<Staging> {
    const db = `fw_stage_${process.pid}_${++attached}`;
    await conn.run(`ATTACH ':memory:' AS ${db}`);
    for (const slot of [0, 1]) {
      await conn.run(`CREATE TABLE ${db}.message_${slot} (${MESSAGE_COLUMNS.join(', ')})`);
      for (const t of TABLE_NAMES) await conn.run(`CREATE TABLE ${db}.row_${t}_${slot} (${ROW_COLUMNS.join(', ')})`);
      await conn.run(`CREATE TABLE ${db}.trace_${slot} (${ROW_COLUMNS.join(', ')})`);
      await conn.run(`CREATE TABLE ${db}.note_${slot} (${NOTE_COLUMNS.join(', ')})`);
      await conn.run(`CREATE TABLE ${db}.rejected_${slot} (${REJECTED_COLUMNS.join(', ')})`);
    }
    return new Staging(conn, db, await openSlot(conn, db, 0));
  }

  /** Appends an accepted message and its rows to the filling slot. */
  addMessage(m: DecodedMessage, pos: Position, src: SourceRef): void {
    const f = this.filling;
    const seq = this.messages++;
    f.message.appendInteger(seq);
    for (const c of ENVELOPE_COLUMNS) appendText(f.message, m[c]);
    appendText(f.message, m.extra);
    f.message.appendVarchar(m.table);
    f.message.appendInteger(m.rows.length);
    appendPos(f.message, pos, src);
    f.message.appendVarchar(m.upload_mode_source);
    appendText(f.message, m.aliases);
    f.message.endRow();
    const rows = f.rows[m.table];
    for (const r of m.rows) {
      rows.appendInteger(seq);
      rows.appendVarchar(r);
      rows.endRow();
    }
    for (const t of m.traces) {
      f.traces.appendInteger(seq);
      f.traces.appendVarchar(t);
      f.traces.endRow();
    }
    for (const n of m.notes) {
      f.notes.appendInteger(seq);
      f.notes.appendVarchar(n.path);
      f.notes.appendVarchar(n.code);
      appendText(f.notes, n.value);
      f.notes.endRow();
    }
  }

  /** Appends a rejected message to the filling slot. */
  addRejection(r: Rejection, pos: Position, src: SourceRef): void {
    const f = this.filling;
    this.rejections++;
    const a = f.rejected;
    a.appendVarchar(createHash('sha256').update(r.raw).digest('hex'));
    appendPos(a, pos, src);
    a.appendVarchar(r.code);
    a.appendVarchar(r.reason);
    a.appendVarchar(JSON.stringify(r.issues));
    appendText(a, r.msgid);
    appendText(a, r.fixmedins_code);
    appendText(a, r.infno);
    a.appendBlob(r.raw);
    a.endRow();
  }

  /** Whether anything was added since the last seal. */
  get empty(): boolean {
    return this.messages === 0 && this.rejections === 0;
  }

  /**
   * Flushes the filling slot and hands it over; further additions go to the other slot, which must
   * have been cleared (the caller lands one slot at a time).
   */
  async seal(): Promise<Slot> {
    closeAll(this.filling);
    const n = this.current;
    const slot = {
      message: `${this.db}.message_${n}`,
      rows: Object.fromEntries(TABLE_NAMES.map((t) => [t, `${this.db}.row_${t}_${n}`])) as Record<TableName, string>,
      traces: `${this.db}.trace_${n}`,
      notes: `${this.db}.note_${n}`,
      rejected: `${this.db}.rejected_${n}`,
      messages: this.messages,
      rejections: this.rejections,
    };
    this.current = 1 - n;
    this.messages = 0;
    this.rejections = 0;
    this.filling = await openSlot(this.conn, this.db, this.current);
    return slot;
  }

  /** Empties a landed slot so it can fill again. */
  async clear(slot: Slot): Promise<void> {
    const tables = [slot.message, ...Object.values(slot.rows), slot.traces, slot.notes, slot.rejected];
    await this.conn.run(tables.map((t) => `DELETE FROM ${t};`).join(' '));
  }

  async close(): Promise<void> {
    closeAll(this.filling);
    // Closing after a failed batch: the in-memory staging database goes with the instance anyway.
    await this.conn.run(`DETACH ${this.db}`).catch(() => undefined);
  }
}

async function openSlot(conn: DuckDBConnection, db: string, slot: number): Promise<Filling> {
  const rows = {} as Record<TableName, DuckDBAppender>;
  for (const t of TABLE_NAMES) rows[t] = await conn.createAppender(`row_${t}_${slot}`, 'main', db);
  return {
    message: await conn.createAppender(`message_${slot}`, 'main', db),
    rows,
    traces: await conn.createAppender(`trace_${slot}`, 'main', db),
    notes: await conn.createAppender(`note_${slot}`, 'main', db),
    rejected: await conn.createAppender(`rejected_${slot}`, 'main', db),
  };
}

function closeAll(f: Filling): void {
  f.message.closeSync();
  for (const a of Object.values(f.rows)) a.closeSync();
  f.traces.closeSync();
  f.notes.closeSync();
  f.rejected.closeSync();
}

function appendText(a: DuckDBAppender, v: string | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendVarchar(v);
}

function appendPos(a: DuckDBAppender, pos: Position, src: SourceRef): void {
  a.appendVarchar(pos.source ?? src.source);
  const partition = pos.partition ?? src.partition;
  if (partition === null) a.appendNull();
  else a.appendInteger(partition);
  if (pos.offset === null) a.appendNull();
  else a.appendBigInt(BigInt(pos.offset));
  if (pos.line === null) a.appendNull();
  else a.appendBigInt(BigInt(pos.line));
}
