import { createHmac } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFiles, type ReplaySummary } from '../ingest/replay.js';
import { expected, fixtureLines, INVALID_FILE, MESSAGES_DIR, PII_KEY, REJECTIONS } from './support/fixtures.js';
import { counts } from './support/replay-files.js';
import { countsAndSums, locate, orderFreeState } from './support/state.js';
import { ingest, one, openTestDb, rows, type TestDb, type Where } from './support/store.js';
import { tempDir } from './support/temp.js';

const tmp = tempDir('ingest');
const hmac = (value: string) => createHmac('sha256', PII_KEY).update(value, 'utf8').digest('hex');

describe.each<Where>(['memory', 'file'])('the fixture set on a %s store', (where) => {
  let db: TestDb;
  let summary: ReplaySummary;
  beforeAll(async () => {
    db = await openTestDb(where, tmp);
    summary = await ingest(db.store, replayFiles(MESSAGES_DIR));
  });
  afterAll(() => db.close());

  it('reads, accepts, skips and rejects the messages expected.json counts', () => {
    const m = expected.messages;
    expect(counts(summary)).toEqual({
      messagesRead: m.lines_total,
      accepted: m.accepted,
      duplicates: m.duplicates_skipped,
      rejected: m.rejected,
      rejectedNew: m.rejected,
      // 6 visits + 63 fee line versions + 3 discharges + 7 settlement versions + 11 psi lines + 2 deletions + 1 cancellation
      rowsLanded: 93,
      rowsByTable: { visit: 6, fee_line: 63, discharge: 3, settlement: 7, psi_line: 11, psi_deletion: 2, settlement_cancel: 1 },
    });
    expect(summary.files).toBe(6);
  });

  it('has the current rows, counts and sums of expected.current', async () => {
    const c = expected.current;
    expect(await one(db.conn, 'SELECT count(*) AS n FROM visit')).toEqual({ n: String(c.visit.count) });
    expect(await one(db.conn, 'SELECT count(*) AS n FROM discharge')).toEqual({ n: String(c.discharge.count) });
    expect(await one(db.conn, 'SELECT count(*) AS count, sum(det_item_fee_sumamt) AS amt, sum(cnt) AS cnt FROM fee_line')).toEqual({
      count: String(c.fee_line.count),
      amt: c.fee_line.sum_det_item_fee_sumamt,
      cnt: c.fee_line.sum_cnt,
    });
    expect(
      await one(
        db.conn,
        `SELECT count(*) AS count, count(*) FILTER (cancelled) AS cancelled, sum(medfee_sumamt) AS medfee, sum(fund_pay_sumamt) AS fund,
                sum(medfee_sumamt) FILTER (NOT cancelled) AS medfee_kept, sum(fund_pay_sumamt) FILTER (NOT cancelled) AS fund_kept
         FROM settlement`,
      ),
    ).toEqual({
      count: String(c.settlement.count),
      cancelled: String(c.settlement.cancelled),
      medfee: c.settlement.sum_medfee_sumamt,
      fund: c.settlement.sum_fund_pay_sumamt,
      medfee_kept: c.settlement.sum_medfee_sumamt_not_cancelled,
      fund_kept: c.settlement.sum_fund_pay_sumamt_not_cancelled,
    });
    expect(await one(db.conn, 'SELECT count(*) AS count, count(*) FILTER (deleted) AS deleted FROM psi_line')).toEqual({
      count: String(c.psi_line.count),
      deleted: String(c.psi_line.deleted),
    });
  });

  it('has the fee lines of each visit and the psi lines of each kind', async () => {
    const byVisit = await rows(
      db.conn,
      `SELECT fixmedins_code, mdtrt_id, count(*)::INTEGER AS count, sum(det_item_fee_sumamt)::VARCHAR AS sum_det_item_fee_sumamt,
              sum(cnt)::VARCHAR AS sum_cnt
       FROM fee_line GROUP BY ALL ORDER BY mdtrt_id`,
    );
    expect(byVisit).toEqual([...expected.fee_line_by_visit].sort((a, b) => a.mdtrt_id.localeCompare(b.mdtrt_id)));
    const byKind = await rows(db.conn, 'SELECT kind::VARCHAR AS kind, count(*)::INTEGER AS n FROM psi_line GROUP BY ALL ORDER BY kind');
    expect(Object.fromEntries(byKind.map((r) => [r['kind'], r['n']]))).toEqual(expected.psi_line_by_kind);
  });

  it('keeps every version, one of them current per key', async () => {
    expect(await one(db.conn, 'SELECT count(*)::INTEGER AS n FROM fee_line_version')).toEqual({ n: expected.versions.fee_line });
    expect(await one(db.conn, 'SELECT count(*)::INTEGER AS n FROM settlement_version')).toEqual({ n: expected.versions.settlement });
    for (const v of expected.versions_by_key) {
      const where = Object.keys(v.key).map((k) => `${k} = $${k}`);
      const got = await one(
        db.conn,
        `SELECT count(*)::INTEGER AS versions, count(*) FILTER (is_current)::INTEGER AS current FROM ${v.table}_version WHERE ${where.join(' AND ')}`,
        v.key,
      );
      expect(got, JSON.stringify(v.key)).toEqual({ versions: v.versions, current: 1 });
    }
    const multiple = await rows(
      db.conn,
      `SELECT fixmedins_code, mdtrt_id, feedetl_sn FROM fee_line_version GROUP BY ALL HAVING count(*) FILTER (is_current) <> 1`,
    );
    expect(multiple).toEqual([]);
  });

  it('lets T1 win whatever arrives later, and the later T0 win among T0', async () => {
    for (const w of [...expected.t1_wins, ...expected.later_t0_wins]) {
      const fields = Object.keys(w).filter((k) => !['table', 'key', 'loses', 'inf_time'].includes(k));
      const where = Object.keys(w.key).map((k) => `${k} = $${k}`);
      const got = await one(
        db.conn,
        `SELECT ${fields.map((f) => `${f}::VARCHAR AS ${f}`).join(', ')} FROM ${w.table} WHERE ${where.join(' AND ')}`,
        w.key,
      );
      expect(got, JSON.stringify(w.key)).toEqual(Object.fromEntries(fields.map((f) => [f, w[f]])));
    }
    // A T1 upload does not touch the lines it does not mention (expected.t1_untouched).
    expect(
      await one(
        db.conn,
        `SELECT upload_mode, det_item_fee_sumamt::VARCHAR AS amt, inscp_amt FROM fee_line
         WHERE fixmedins_code = 'H51180200456' AND mdtrt_id = 'ZY202603020001' AND feedetl_sn = '0013'`,
      ),
    ).toEqual({ upload_mode: 'T0', amt: '16.40', inscp_amt: null });
  });

  it('nets reversals out: the original line stays, the sum of line and reversal is what remains', async () => {
    for (const r of expected.reversals) {
      const got = await one(
        db.conn,
        `SELECT count(*)::INTEGER AS lines, sum(cnt)::VARCHAR AS net_cnt, sum(det_item_fee_sumamt)::VARCHAR AS net_amt
         FROM fee_line WHERE fixmedins_code = $f AND mdtrt_id = $m AND (feedetl_sn = $sn OR init_feedetl_sn = $sn)`,
        { f: r.fixmedins_code, m: r.mdtrt_id, sn: r.feedetl_sn },
      );
      expect(got, r.feedetl_sn).toEqual({ lines: 2, net_cnt: r.net_cnt, net_amt: r.net_amt });
      const reversal = await one(db.conn, `SELECT feedetl_sn FROM fee_line WHERE mdtrt_id = $m AND init_feedetl_sn = $sn`, {
        m: r.mdtrt_id,
        sn: r.feedetl_sn,
      });
      expect(reversal).toEqual({ feedetl_sn: r.reversal_feedetl_sn });
    }
  });

  it('marks the settlement a 2208 cancels, with the cancelling message and time, and keeps it', async () => {
    const got = await rows(
      db.conn,
      `SELECT fixmedins_code, setl_id, cancel_msgid, cancel_time::VARCHAR AS cancel_time FROM settlement WHERE cancelled`,
    );
    expect(got).toEqual(
      expected.cancelled.map(({ fixmedins_code, setl_id, cancel_msgid, cancel_time }) => ({
        fixmedins_code,
        setl_id,
        cancel_msgid,
        cancel_time,
      })),
    );
    expect(await one(db.conn, `SELECT medfee_sumamt::VARCHAR AS amt FROM settlement WHERE setl_id = 'JS202603020002'`)).toEqual({
      amt: '25.36',
    });
  });

  it('marks the lines a 3507 deletes as deleted and keeps them', async () => {
    const got = await rows(
      db.conn,
      `SELECT fixmedins_code, kind::INTEGER AS kind, fixmedins_bchno, delete_msgid FROM psi_line WHERE deleted ORDER BY kind DESC`,
    );
    expect(got).toEqual(
      expected.psi_deleted.map(({ fixmedins_code, kind, fixmedins_bchno, delete_msgid }) => ({
        fixmedins_code,
        kind,
        fixmedins_bchno,
        delete_msgid,
      })),
    );
    expect(await one(db.conn, `SELECT sel_retn_cnt::VARCHAR AS n FROM psi_line WHERE fixmedins_bchno = 'XS20260304001'`)).toEqual({
      n: '30.0000',
    });
  });

  it('keeps unknown fields and normalises codes and amounts (expected.unknown_fields_kept, expected.normalised)', async () => {
    expect(await one(db.conn, `SELECT extra->>'sc_ext_flag' AS v FROM visit WHERE mdtrt_id = 'MZ202603020001'`)).toEqual({ v: '1' });
    expect(
      await one(db.conn, `SELECT extra->'envelope'->>'sign' AS v FROM message WHERE msgid = 'H51180200123-20260302142020-0008'`),
    ).toEqual({ v: 'abc' });
    expect(await one(db.conn, `SELECT med_type, med_type_class FROM visit WHERE mdtrt_id = 'MZ202603030001'`)).toEqual({
      med_type: '140104',
      med_type_class: '14',
    });
    expect(await one(db.conn, `SELECT gend, insutype FROM settlement WHERE setl_id = 'JS202603050001'`)).toEqual({
      gend: '1',
      insutype: '390',
    });
    expect(
      await one(db.conn, `SELECT medfee_sumamt::VARCHAR AS a, psn_cash_pay::VARCHAR AS b FROM settlement WHERE setl_id = 'JS202603050002'`),
    ).toEqual({
      a: '252.30',
      b: '100.92',
    });
    expect(
      await one(
        db.conn,
        `SELECT cnt::VARCHAR AS cnt, drug_trac_codg FROM fee_line WHERE mdtrt_id = 'MZ202603020001' AND feedetl_sn = '0003'`,
      ),
    ).toEqual({
      cnt: '24.0000',
      drug_trac_codg: '83925410037456120813',
    });
    expect(await one(db.conn, `SELECT mdtrtarea_admvs, insuplc_admdvs FROM visit WHERE mdtrt_id = 'ZY202603020002'`)).toEqual({
      mdtrtarea_admvs: '511802',
      insuplc_admdvs: '510107',
    });
  });

  it('keeps no clear personal data in any column of any table, and keeps hashes and masks', async () => {
    const clear = expected.personal_data.in_messages;
    const { scanned, found } = await locate(db.conn, [
      ...clear,
      hmac('张伟'),
      hmac('511802196804120310'),
      hmac('刘洋'),
      hmac('51180220160618005X'),
      hmac('511802197506110039'),
    ]);
    expect(scanned).toBeGreaterThan(1000);
    expect(Object.fromEntries(clear.map((v) => [v, found[v]]))).toEqual(Object.fromEntries(clear.map((v) => [v, []])));
    expect(found[hmac('张伟')]).toEqual(expect.arrayContaining(['visit_version.psn_name_hash', 'settlement_version.psn_name_hash']));
    expect(found[hmac('511802196804120310')]).toEqual(
      expect.arrayContaining(['visit_version.certno_hash', 'settlement_version.certno_hash']),
    );
    // Only the kept raw bytes of the rejected 2207 carry these (and the lander's staging copy of the last batch).
    for (const h of [hmac('刘洋'), hmac('51180220160618005X')]) {
      expect(found[h]).toContain('rejected_message.raw');
      expect(found[h]?.every((w) => w.endsWith('_rejected.raw') || w === 'rejected_message.raw')).toBe(true);
    }
    expect(found[hmac('511802197506110039')]).toEqual(expect.arrayContaining(['psi_line_version.prsc_dr_certno_hash']));

    const certnoMask = expected.personal_data.masked_certno_examples['511802196804120310'];
    const nameMask = expected.personal_data.masked_name_examples['张伟'];
    expect(await one(db.conn, `SELECT psn_name_mask, certno_mask, certno_hash FROM visit WHERE mdtrt_id = 'MZ202603020001'`)).toEqual({
      psn_name_mask: nameMask,
      certno_mask: certnoMask,
      certno_hash: hmac('511802196804120310'),
    });
    expect(await one(db.conn, `SELECT prsc_dr_certno_mask FROM psi_line WHERE fixmedins_bchno = 'XS20260303001'`)).toEqual({
      prsc_dr_certno_mask: '5118**********0039',
    });
  });

  it.each(REJECTIONS)('rejects 06-invalid.ndjson line $line ($about) with its reason, position and scrubbed raw bytes', async (r) => {
    const oracle = expected.rejected.find((e) => e.line === r.line);
    const lines = fixtureLines(INVALID_FILE);
    const original = lines[r.line - 1] as Buffer;
    const offset = lines.slice(0, r.line - 1).reduce((n, l) => n + l.length + 1, 0);
    let want = original.toString('utf8');
    for (const pii of oracle?.personal_data_in_raw ?? []) want = want.replace(`"${pii}"`, `"${hmac(pii)}"`);
    const got = (await rows(db.conn, `SELECT * FROM rejected_message WHERE line = $line`, { line: r.line }))[0];
    expect(got).toMatchObject({
      code: r.code,
      msgid: oracle?.msgid ?? null,
      source: path.join(MESSAGES_DIR, INVALID_FILE),
      source_kind: 'file',
      offset: String(offset),
      raw_bytes: Buffer.byteLength(want),
    });
    for (const s of oracle?.reason_contains ?? []) expect((got?.['reason'] as string).toLowerCase()).toContain(s.toLowerCase());
    if (r.path) expect(got?.['reason'] as string).toContain(`${r.path}:`);

    const stored = (
      await db.conn.runAndReadAll(`SELECT raw FROM rejected_message WHERE line = $line`, { line: r.line })
    ).getRows()[0]?.[0] as {
      bytes: Uint8Array;
    };
    expect(Buffer.from(stored.bytes).toString('utf8')).toBe(want);
    if (!oracle?.personal_data_in_raw) expect(Buffer.from(stored.bytes).equals(original)).toBe(true);
  });

  it('rejects nothing else, and skips the repeated line as a duplicate', async () => {
    expect(await rows(db.conn, 'SELECT line::INTEGER AS line FROM rejected_message ORDER BY line')).toEqual(
      REJECTIONS.map((r) => ({ line: r.line })),
    );
    const first = await one(db.conn, `SELECT source, line::INTEGER AS line FROM message WHERE msgid = $m`, { m: expected.duplicate.msgid });
    expect(first).toEqual({ source: path.join(MESSAGES_DIR, '01-visits.ndjson'), line: 1 });
  });

  it('is idempotent: the same files again change no canonical or rejected row, and the rerun is recorded', async () => {
    const before = { sums: await countsAndSums(db.conn), state: await orderFreeState(db.conn) };
    const again = await ingest(db.store, replayFiles(MESSAGES_DIR));
    expect(counts(again)).toEqual({
      messagesRead: 56,
      accepted: 0,
      duplicates: 47,
      rejected: 9,
      rejectedNew: 0,
      rowsLanded: 0,
      rowsByTable: {},
    });
    expect(await countsAndSums(db.conn)).toEqual(before.sums);
    expect(await orderFreeState(db.conn)).toEqual(before.state);
    // History: the current 1087.96 plus the versions that lost (expected.t1_wins/later_t0_wins `loses`):
    // 0005 T0 16.40, 0009 T0 16.40 twice, 0011 first T0 7.00 — and their quantities 1 + 2 + 2 + 2 - 1 (0005 T1 is 1, not 2).
    expect(before.sums['fee_line_version']).toMatchObject({
      n: '63',
      sum_det_item_fee_sumamt: '1144.16',
      sum_cnt: '241.0000',
      sum_inscp_amt: '24.20',
    });
    expect(
      await one(
        db.conn,
        `SELECT count(*)::INTEGER AS batches, sum(rows_landed)::INTEGER AS rows, sum(messages_duplicate)::INTEGER AS dup,
                sum(messages_rejected)::INTEGER AS rej, sum(messages_read)::INTEGER AS read
         FROM ingest_batch WHERE run_id = $run`,
        { run: again.runId },
      ),
    ).toEqual({ batches: 6, rows: 0, dup: 47, rej: 9, read: 56 });
  });
});
