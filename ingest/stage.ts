import { createHash } from 'node:crypto';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { ENVELOPE_COLUMNS } from '../contract/envelope.js';
import type { DecodedMessage, Rejection } from './decode.js';

/**
 * Double-buffered staging for the lander. Decoded messages are appended as they arrive, while the
 * main thread would otherwise wait on the decode workers, instead of all at once when a batch is
 * full (measured: about 1.7 µs per row on the main thread, a serial second per batch). Two slots
 * live in an in-memory database attached to the instance: one fills through the staging
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
  readonly row: string;
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
];

/**
 * One staged row per line (not per message): DuckDB parallelises a scan by row groups, so a
 * per-message staging table of a few thousand rows would split and cast on one thread (measured).
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
  readonly row: DuckDBAppender;
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
      await conn.run(`CREATE TABLE ${db}.row_${slot} (${ROW_COLUMNS.join(', ')})`);
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
    f.message.endRow();
    for (const r of m.rows) {
      f.row.appendInteger(seq);
      f.row.appendVarchar(r);
      f.row.endRow();
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
    a.appendVarchar(JSON.stringify(r.diagnostics));
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
    for (const a of Object.values(this.filling)) a.closeSync();
    const n = this.current;
    const slot = {
      message: `${this.db}.message_${n}`,
      row: `${this.db}.row_${n}`,
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
    await this.conn.run(`DELETE FROM ${slot.message}; DELETE FROM ${slot.row}; DELETE FROM ${slot.rejected};`);
  }

  async close(): Promise<void> {
    for (const a of Object.values(this.filling)) a.closeSync();
    await this.conn.run(`DETACH ${this.db}`).catch(() => undefined);
  }
}

async function openSlot(conn: DuckDBConnection, db: string, slot: number): Promise<Filling> {
  return {
    message: await conn.createAppender(`message_${slot}`, 'main', db),
    row: await conn.createAppender(`row_${slot}`, 'main', db),
    rejected: await conn.createAppender(`rejected_${slot}`, 'main', db),
  };
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
