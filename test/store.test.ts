import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { TABLES, TABLE_NAMES } from '../contract/tables.js';
import { listMigrations, migrate } from '../store/migrate.js';
import { openStore } from '../store/open.js';
import { fixturePaths } from './support/fixtures.js';
import { columns, ingest, one, openTestDb, relations, rows, snapshot, type Where } from './support/store.js';
import { tempDir } from './support/temp.js';

const tmp = tempDir('store');

/** What the migrations create, listed by hand from the contract (§1 tables, §3 reference data, §6 hits) and the detectors' and cases' tables. */
const BASE_TABLES = [
  'calendar',
  'case_audit',
  'case_comment',
  'case_file',
  'case_hit',
  'catalog_version',
  'credit_score',
  'detector_load',
  'discharge_version',
  'draw',
  'draw_prepare',
  'draw_publication',
  'draw_result',
  'fee_line_version',
  'hit',
  'hit_detail',
  'hit_suppressed',
  'ingest_batch',
  'inspector_version',
  'institution_version',
  'insured_version',
  'job_lock',
  'job_run',
  'kafka_offset',
  'ledger',
  'message',
  'practitioner_version',
  'psi_deletion',
  'psi_line_version',
  'quality_note',
  'reference_load',
  'reference_rejected',
  'rejected_message',
  'schema_migrations',
  'settlement_cancel',
  'settlement_version',
  'suppression',
  'trace_code_version',
  'visit_version',
];
const VIEWS = [
  'catalog',
  'discharge',
  'fee_line',
  'inspector',
  'inspector_history',
  'institution',
  'institution_history',
  'insured',
  'practitioner',
  'psi_line',
  'settlement',
  'trace_code',
  'visit',
];

describe.each<Where>(['memory', 'file'])('migrations on a %s store', (where) => {
  it('create every table and view', async () => {
    const db = await openTestDb(where, tmp);
    try {
      expect(await relations(db.conn, 'BASE TABLE')).toEqual(BASE_TABLES);
      expect(await relations(db.conn, 'VIEW')).toEqual(VIEWS);
      expect(await rows(db.conn, 'SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
        { version: 1, name: 'init' },
        { version: 2, name: 'hits' },
        { version: 3, name: 'kafka' },
        { version: 4, name: 'hit_facts' },
        { version: 5, name: 'real_senders' },
        { version: 6, name: 'trace_facts' },
        { version: 7, name: 'detectors' },
        { version: 8, name: 'cases' },
        { version: 9, name: 'queue' },
        { version: 10, name: 'draws' },
        { version: 11, name: 'publish' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('give every physical table exactly the columns and types the zod-derived specs say (drift check)', async () => {
    const db = await openTestDb(where, tmp);
    try {
      expect(TABLE_NAMES.map((t) => TABLES[t].physical).sort()).toEqual([
        'discharge_version',
        'fee_line_version',
        'psi_deletion',
        'psi_line_version',
        'settlement_cancel',
        'settlement_version',
        'visit_version',
      ]);
      for (const t of TABLE_NAMES) {
        const spec = TABLES[t];
        expect(await columns(db.conn, spec.physical), spec.physical).toEqual(spec.columns.map((c) => ({ name: c.name, type: c.sql })));
      }
    } finally {
      await db.close();
    }
  });

  it('give each current view its table columns without the bookkeeping, plus the event columns', async () => {
    const db = await openTestDb(where, tmp);
    try {
      const names = async (r: string) => (await columns(db.conn, r)).map((c) => c.name);
      const lineCols = (t: 'fee_line' | 'discharge' | 'settlement' | 'psi_line') =>
        TABLES[t].columns.map((c) => c.name).filter((c) => c !== 'key_hash' && c !== 'is_current');
      expect(await names('fee_line')).toEqual(lineCols('fee_line'));
      expect(await names('discharge')).toEqual(lineCols('discharge'));
      expect(await names('settlement')).toEqual([...lineCols('settlement'), 'cancelled', 'cancel_msgid', 'cancel_time']);
      expect(await names('psi_line')).toEqual([...lineCols('psi_line'), 'deleted', 'delete_msgid', 'delete_time']);
      expect(await names('visit')).toEqual([
        ...TABLES.visit.columns.map((c) => c.name).filter((c) => !['key_hash', 'is_current', 'dscg_maindiag_code'].includes(c)),
        'dscg_maindiag_code',
        'endtime',
        'dscg_way',
        'dscg_dept_codg',
        'diseinfo',
        'endtime_date_only',
      ]);
      const types = Object.fromEntries((await columns(db.conn, 'settlement')).map((c) => [c.name, c.type]));
      expect(types).toMatchObject({
        cancelled: 'BOOLEAN',
        cancel_msgid: 'VARCHAR',
        cancel_time: 'TIMESTAMP',
        medfee_sumamt: 'DECIMAL(16,2)',
      });
    } finally {
      await db.close();
    }
  });

  it('apply nothing the second time', async () => {
    const db = await openTestDb(where, tmp);
    try {
      expect(await migrate(db.conn)).toEqual([]);
      expect(await migrate(db.conn)).toEqual([]);
      expect(await one(db.conn, 'SELECT count(*) AS n FROM schema_migrations')).toEqual({ n: '11' });
    } finally {
      await db.close();
    }
  });
});

describe('migrate on a bare database', () => {
  it('lists the migrations in order and applies each once', async () => {
    expect(listMigrations().map((m) => [m.version, m.name])).toEqual([
      [1, 'init'],
      [2, 'hits'],
      [3, 'kafka'],
      [4, 'hit_facts'],
      [5, 'real_senders'],
      [6, 'trace_facts'],
      [7, 'detectors'],
      [8, 'cases'],
      [9, 'queue'],
      [10, 'draws'],
      [11, 'publish'],
    ]);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      expect(await migrate(conn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(await migrate(conn)).toEqual([]);
      expect(await relations(conn, 'BASE TABLE')).toEqual(BASE_TABLES);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe('a file store', () => {
  it('keeps its data when closed and opened again, and migrates nothing then', async () => {
    const file = path.join(tmp, 'reopen.duckdb');
    const first = await openStore(file);
    const c1 = await first.connect();
    const summary = await ingest(first, fixturePaths());
    expect(summary.rowsLanded).toBe(93);
    const before = {
      fee: await snapshot(c1, 'fee_line_version'),
      settlement: await snapshot(c1, 'settlement'),
      rejected: await snapshot(c1, 'rejected_message'),
      batches: await snapshot(c1, 'ingest_batch'),
    };
    c1.closeSync();
    await first.close();

    const second = await openStore(file);
    const c2 = await second.connect();
    try {
      expect(await migrate(c2)).toEqual([]);
      expect(await snapshot(c2, 'fee_line_version')).toEqual(before.fee);
      expect(await snapshot(c2, 'settlement')).toEqual(before.settlement);
      expect(await snapshot(c2, 'rejected_message')).toEqual(before.rejected);
      expect(await snapshot(c2, 'ingest_batch')).toEqual(before.batches);
      expect(before.fee).toHaveLength(63);
    } finally {
      c2.closeSync();
      await second.close();
    }
  });
});
