import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, MAX_MESSAGE_BYTES } from '../ingest/decode.js';
import { fixtureLines, PII_KEY, splitLines } from './support/fixtures.js';
import { feeMessage, messageText, raw, visitMessage } from './support/messages.js';
import { counts, writeFiles } from './support/replay-files.js';
import { ingest, one, openTestDb, type TestDb } from './support/store.js';
import { tempDir } from './support/temp.js';

/** Input that is hard to land: malformed lines among good ones, sizes at the limit, long decimals, odd text. */

const tmp = tempDir('ingest-input');
const hmac = (value: string) => createHmac('sha256', PII_KEY).update(value, 'utf8').digest('hex');

describe('difficult input', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb('memory');
  });
  afterAll(() => db.close());

  it('a malformed line among valid ones is rejected alone, the rest lands', async () => {
    const lines = fixtureLines('02-fees.ndjson');
    const broken = Buffer.from('{"infno":"2204","msgid":"H51180200123-20260302999999-0999","input":{"feedetail":[{');
    const [file] = writeFiles(path.join(tmp, 'one-bad'), [['fees.ndjson', [...lines.slice(0, 7), broken, ...lines.slice(7)]]]);
    const s = await ingest(db.store, [file as string]);
    expect(counts(s)).toEqual({
      messagesRead: 16,
      accepted: 15,
      duplicates: 0,
      rejected: 1,
      rejectedNew: 1,
      rowsLanded: 59,
      rowsByTable: { fee_line: 59 },
    });
    expect(
      await one(db.conn, `SELECT line::INTEGER AS line, code, msgid FROM rejected_message WHERE source = $f`, { f: file as string }),
    ).toEqual({
      line: 8,
      code: 'invalid-json',
      msgid: null,
    });
    // The 59 lines of 02-fees.ndjson, no key repeated there (summed by hand from the file).
    expect(await one(db.conn, 'SELECT count(*)::INTEGER AS n, sum(det_item_fee_sumamt)::VARCHAR AS amt FROM fee_line')).toEqual({
      n: 59,
      amt: '1100.06',
    });
  });

  it('a message over 1 MiB is rejected as message-too-large; one of exactly 1 MiB is not', async () => {
    const base = (msgid: string) => visitMessage({ mdtrt_id: msgid, sc_pad: '' }, { msgid }).toString();
    const padded = (bytes: number, msgid: string) => {
      const b = base(msgid);
      return Buffer.from(b.replace('"sc_pad":""', `"sc_pad":"${'x'.repeat(bytes - b.length)}"`));
    };
    const exact = padded(MAX_MESSAGE_BYTES, 'H1-exact');
    const over = padded(MAX_MESSAGE_BYTES + 1, 'H1-over');
    expect([exact.length, over.length]).toEqual([1048576, 1048577]);
    expect(decodeMessage(exact, PII_KEY).ok).toBe(true);
    const [file] = writeFiles(path.join(tmp, 'large'), [['large.ndjson', [over, exact]]]);
    const s = await ingest(db.store, [file as string]);
    expect([s.accepted, s.rejected]).toEqual([1, 1]);
    expect(
      await one(db.conn, `SELECT code, line::INTEGER AS line, raw_bytes FROM rejected_message WHERE source = $f`, { f: file as string }),
    ).toEqual({
      code: 'message-too-large',
      line: 1,
      raw_bytes: 1048577,
    });
    expect(await one(db.conn, `SELECT length(extra->>'sc_pad')::INTEGER AS n FROM visit WHERE mdtrt_id = 'H1-exact'`)).toEqual({
      n: MAX_MESSAGE_BYTES - base('H1-exact').length,
    });
  });

  it('long decimals land exactly in DECIMAL columns', async () => {
    const [file] = writeFiles(path.join(tmp, 'exact'), [
      [
        'exact.ndjson',
        [
          feeMessage(
            {
              feedetl_sn: 'L1',
              det_item_fee_sumamt: raw('99999999999999.99'),
              pric: raw('1234567890.123456'),
              cnt: raw('-0.0001'),
              init_feedetl_sn: '0001',
            },
            { msgid: 'H1-exact-dec' },
          ),
        ],
      ],
    ]);
    await ingest(db.store, [file as string]);
    expect(
      await one(
        db.conn,
        `SELECT det_item_fee_sumamt::VARCHAR AS a, pric::VARCHAR AS p, cnt::VARCHAR AS c FROM fee_line WHERE feedetl_sn = 'L1'`,
      ),
    ).toEqual({ a: '99999999999999.99', p: '1234567890.123456', c: '-0.0001' });
  });

  it('a lone surrogate in a JSON column (unknown field, diseinfo) does not fail the batch it is in', async () => {
    const surrogate = (b: Buffer) => Buffer.from(b.toString().replace(/SURROGATE/g, 'a\\ud800b'));
    const visit = surrogate(visitMessage({ mdtrt_id: 'MZ-S1', sc_note: 'SURROGATE' }, { msgid: 'H1-s1' }));
    const discharge = surrogate(
      Buffer.from(
        messageText(
          '2402',
          {
            data: {
              mdtrt_id: 'MZ-S1',
              psn_no: 'PSN511802000101',
              endtime: '2026-03-05 09:30:00',
              diseinfo: [{ diag_type: 1, diag_code: 'SURROGATE', maindiag_flag: '1', sc_weight: raw('12345678901234567890') }],
            },
          },
          { msgid: 'H1-s2' },
        ),
      ),
    );
    const [file] = writeFiles(path.join(tmp, 'surrogate'), [
      ['s.ndjson', [visitMessage({ mdtrt_id: 'MZ-S0' }, { msgid: 'H1-s0' }), visit, discharge]],
    ]);
    const s = await ingest(db.store, [file as string]);
    expect([s.accepted, s.rejected, s.rowsLanded]).toEqual([3, 0, 3]);
    expect(
      await one(
        db.conn,
        `SELECT extra->>'sc_note' AS note, diseinfo->0->>'diag_code' AS code, diseinfo->0->>'diag_type' AS type,
                (diseinfo->0->'sc_weight')::VARCHAR AS weight
         FROM visit WHERE mdtrt_id = 'MZ-S1'`,
      ),
    ).toEqual({
      note: 'a\ufffdb',
      code: 'a\ufffdb',
      type: '1',
      // A long number in the list is kept as sent, like one in an unknown field.
      weight: '12345678901234567890',
    });
  });

  it("a field of another message type's schema is kept in extra, not written unchecked into its column", async () => {
    // psi_line holds every 进销存 kind's columns; a 3501 stocktake line does not check 3505's sel_retn_cnt.
    const stocktake = Buffer.from(
      messageText(
        '3501',
        {
          invinfo: [
            {
              med_list_codg: 'XA10BAE014A001010100134',
              fixmedins_hilist_id: 'YP0001',
              fixmedins_bchno: 'PC-X1',
              invdate: '2026-03-04',
              inv_cnt: 10,
              sel_retn_cnt: 'abc',
              kind: 'x',
              certno: '511802198001011234',
            },
          ],
        },
        { msgid: 'P1-x1', fixmedins_code: 'P51180200045' },
      ),
    );
    const [file] = writeFiles(path.join(tmp, 'cross-kind'), [
      ['x.ndjson', [stocktake, visitMessage({ mdtrt_id: 'MZ-X2' }, { msgid: 'H1-x2' })]],
    ]);
    const s = await ingest(db.store, [file as string]);
    expect([s.accepted, s.rejected, s.rowsLanded]).toEqual([2, 0, 2]);
    expect(
      await one(
        db.conn,
        `SELECT kind, inv_cnt::VARCHAR AS inv, sel_retn_cnt, extra->>'sel_retn_cnt' AS stray, extra->>'kind' AS stray_kind,
                extra->>'certno' = $hash AS certno_hashed
         FROM psi_line WHERE fixmedins_bchno = 'PC-X1'`,
        { hash: hmac('511802198001011234') },
      ),
    ).toEqual({ kind: 1, inv: '10.0000', sel_retn_cnt: null, stray: 'abc', stray_kind: 'x', certno_hashed: true });
  });

  it('a file of 130 000 rejected lines lands as one batch', async () => {
    // More messages in one batch than a call can take as spread arguments (Math.min(...offsets)).
    const n = 130_000;
    const lines = Array.from({ length: n }, (_, i) => Buffer.from(`[${i}]`));
    const [file] = writeFiles(path.join(tmp, 'many'), [['many.ndjson', lines]]);
    const s = await ingest(db.store, [file as string]);
    expect([s.messagesRead, s.rejected, s.rejectedNew, s.batches]).toEqual([n, n, n, 1]);
    const last = splitLines(readFileSync(file as string))
      .slice(0, n - 1)
      .reduce((o, l) => o + l.length + 1, 0);
    expect(
      await one(db.conn, `SELECT first_offset::INTEGER AS a, last_offset::INTEGER AS b FROM ingest_batch WHERE source = $f`, {
        f: file as string,
      }),
    ).toEqual({
      a: 0,
      b: last,
    });
  });
});
