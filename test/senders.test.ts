import { afterEach, describe, expect, it } from 'vitest';
import { aliasTable } from '../contract/aliases.js';
import { landMessages, uploadModeOf, type DecodeOptions } from '../ingest/index.js';
import { decodeMessage } from '../ingest/decode.js';
import { openStore, type Store } from '../store/open.js';
import { PII_KEY } from './support/fixtures.js';
import { ENVELOPE, FEE_LINE, messageText, raw } from './support/messages.js';
import type { Json } from '@duckdb/node-api';
import { rows } from './support/store.js';

/**
 * Contract §8, one test per row: each variant a real sender sends lands exactly as its textbook
 * form does (the same canonical row), the value as sent kept wherever normalising loses it, and a
 * data-quality note says what was done. What stays refused is refused with a reason that says
 * what was found.
 */

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** Lands the messages in a fresh in-memory store; returns a query function on it. */
async function landed(messages: (string | Buffer)[], options: DecodeOptions = {}) {
  const store = await openStore(':memory:');
  stores.push(store);
  const r = await landMessages(
    store,
    messages.map((m) => (typeof m === 'string' ? Buffer.from(m) : m)),
    { piiKey: PII_KEY, source: 'senders.test', ...options },
  );
  const conn = await store.connect();
  const q = async (sql: string) => rows(conn, sql);
  return { rejected: r.rejected, q };
}

/** The current row of a table without what differs between two messages that say the same (batch, extra). */
async function canonicalRow(messages: (string | Buffer)[], table: string, options: DecodeOptions = {}) {
  const { q, rejected } = await landed(messages, options);
  expect(rejected.map((r) => r.rejection.reason)).toEqual([]);
  const [row, ...more] = await q(`SELECT * EXCLUDE (batch_id) FROM ${table}_version WHERE is_current`);
  expect(more).toEqual([]);
  return { row: row as Record<string, Json>, q };
}

const withoutExtra = (row: Record<string, Json>) => {
  const { extra: _e, ...rest } = row;
  return rest;
};

const PSI_SALE = {
  med_list_codg: 'XA10BAE014A001010100134',
  fixmedins_hilist_id: 'YP0001',
  fixmedins_bchno: 'S0001',
  sel_retn_cnt: 3,
  sel_retn_time: '2026-03-02 10:15:00',
};
const SETTLEMENT = {
  setl_id: 'JS0001',
  mdtrt_id: 'MZ202603020001',
  psn_no: 'PSN511802000101',
  gend: '1',
  brdy: '1968-04-12',
  insutype: '310',
  med_type: '11',
  setl_time: '2026-03-02 10:00:00',
  medfee_sumamt: '10.00',
  fund_pay_sumamt: '7.00',
  psn_cash_pay: '3.00',
};
const fee = (line: Record<string, unknown>, envelope: Record<string, unknown> = {}) =>
  messageText('2204', { feedetail: [{ ...FEE_LINE, ...line }] }, envelope);
const sale = (node: unknown, infno = '3505', envelope: Record<string, unknown> = {}) => messageText(infno, { selinfo: node }, envelope);
const settlement = (s: Record<string, unknown>, envelope: Record<string, unknown> = {}) =>
  messageText('2207', { setlinfo: { ...SETTLEMENT, ...s } }, envelope);

describe('contract §8: each variant lands as its textbook form', () => {
  it('a 3501–3506 body node holding one object is a one-element list', async () => {
    const list = await canonicalRow([sale([PSI_SALE])], 'psi_line');
    const one = await canonicalRow([sale(PSI_SALE)], 'psi_line');
    expect(one.row).toEqual(list.row);
    expect(await one.q('SELECT path, code FROM quality_note')).toEqual([{ path: 'input.selinfo', code: 'one-object-node' }]);
  });

  it('a D field with a time gives its day; a time other than midnight is kept as sent', async () => {
    const textbook = await canonicalRow([settlement({})], 'settlement');
    const midnight = await canonicalRow([settlement({ brdy: '1968-04-12 00:00:00' })], 'settlement');
    expect(midnight.row).toEqual(textbook.row);
    expect(await midnight.q('SELECT * FROM quality_note')).toEqual([]);
    for (const sent of ['1968-04-12T08:30:00', '1968-04-12 08:30:00.250']) {
      const timed = await canonicalRow([settlement({ brdy: sent })], 'settlement');
      expect(withoutExtra(timed.row)).toEqual(withoutExtra(textbook.row));
      expect(JSON.parse(timed.row['extra'] as string)).toEqual({ as_sent: { brdy: sent } });
      expect(await timed.q('SELECT path, code, value FROM quality_note')).toEqual([
        { path: 'input.setlinfo.brdy', code: 'time-dropped', value: sent },
      ]);
    }
  });

  it('a DT field in ISO form is the same instant, its milliseconds kept', async () => {
    const textbook = await canonicalRow([fee({})], 'fee_line');
    const iso = await canonicalRow([fee({ fee_ocur_time: '2026-03-02T08:40:00' })], 'fee_line');
    expect(iso.row).toEqual(textbook.row);
    const ms = await canonicalRow([fee({ fee_ocur_time: '2026-03-02T08:40:00.125' })], 'fee_line');
    expect(await ms.q(`SELECT strftime(fee_ocur_time, '%Y-%m-%d %H:%M:%S.%g') AS t FROM fee_line`)).toEqual([
      { t: '2026-03-02 08:40:00.125' },
    ]);
    expect(await ms.q('SELECT * FROM quality_note')).toEqual([]);
  });

  it('a DT field sent as a bare date is midnight, flagged date-only, with a note', async () => {
    const textbook = await canonicalRow([fee({ fee_ocur_time: '2026-03-02 00:00:00' })], 'fee_line');
    const bare = await canonicalRow([fee({ fee_ocur_time: '2026-03-02' })], 'fee_line');
    expect({ ...bare.row, fee_ocur_time_date_only: null }).toEqual(textbook.row);
    expect(bare.row['fee_ocur_time_date_only']).toBe(true);
    expect(textbook.row['fee_ocur_time_date_only']).toBe(null);
    expect(await bare.q('SELECT path, code FROM quality_note')).toEqual([{ path: 'input.feedetail[0].fee_ocur_time', code: 'bare-date' }]);
  });

  it('an id sent as a JSON integer is its decimal text, exactly, however long', async () => {
    const textbook = await canonicalRow([fee({ feedetl_sn: '901', mdtrt_id: '12345678901234567890' })], 'fee_line');
    const integers = await canonicalRow([fee({ feedetl_sn: 901, mdtrt_id: raw('12345678901234567890') })], 'fee_line');
    expect(integers.row).toEqual(textbook.row);
    expect(integers.row['mdtrt_id']).toBe('12345678901234567890');
    const msgid = await canonicalRow([fee({}, { msgid: raw('20221211154403240156') })], 'fee_line');
    expect(msgid.row['msgid']).toBe('20221211154403240156');
  });

  it('upload_mode missing: the mode configured for the source, recorded with the message; T1 still wins', async () => {
    const { upload_mode: _m, ...noMode } = ENVELOPE;
    const t0 = fee({ cnt: 1, det_item_fee_sumamt: '10.00' }, { ...noMode, upload_mode: undefined });
    const { q } = await landed([t0]);
    expect(await q('SELECT upload_mode, upload_mode_source FROM message')).toEqual([{ upload_mode: 'T0', upload_mode_source: 'source' }]);
    // A T1 re-upload from a source configured as T1 supersedes the T0 version, whatever arrives first.
    const t1 = fee(
      { cnt: 2, det_item_fee_sumamt: '20.00' },
      { ...noMode, upload_mode: undefined, msgid: 'H51180200123-T1-0001', inf_time: '2026-03-01 00:00:00' },
    );
    const store = await openStore(':memory:');
    stores.push(store);
    await landMessages(store, [Buffer.from(t1)], { piiKey: PII_KEY, source: 'T1/x.ndjson', uploadMode: 'T1' });
    await landMessages(store, [Buffer.from(t0)], { piiKey: PII_KEY, source: 'x.ndjson' });
    const conn = await store.connect();
    expect(await rows(conn, 'SELECT upload_mode, CAST(cnt AS VARCHAR) AS cnt FROM fee_line')).toEqual([
      { upload_mode: 'T1', cnt: '2.0000' },
    ]);
    // An envelope that says its mode keeps it whatever the source says.
    const said = await landed([fee({})], { uploadMode: 'T1' });
    expect(await said.q('SELECT upload_mode, upload_mode_source FROM message')).toEqual([
      { upload_mode: 'T0', upload_mode_source: 'message' },
    ]);
  });

  it('provincial field names land under the national ones, the alias recorded', async () => {
    const textbook = await canonicalRow([fee({ inscp_amt: '8.00' })], 'fee_line');
    const alias = await canonicalRow([fee({ inscp_scp_amt: '8.00' })], 'fee_line');
    expect(alias.row).toEqual(textbook.row);
    expect(await alias.q('SELECT CAST(aliases AS VARCHAR) AS a FROM message')).toEqual([
      { a: '[{"alias":"inscp_scp_amt","field":"inscp_amt"}]' },
    ]);
    expect(await alias.q('SELECT path, code FROM quality_note')).toEqual([
      { path: 'input.feedetail[0].inscp_scp_amt', code: 'alias-used' },
    ]);
    // medins_code for fixmedins_code, in the envelope.
    const { fixmedins_code, ...env } = ENVELOPE;
    const medins = await canonicalRow(
      [messageText('2204', { feedetail: [FEE_LINE] }, { ...env, fixmedins_code: undefined, medins_code: fixmedins_code })],
      'fee_line',
    );
    expect(medins.row['fixmedins_code']).toBe(fixmedins_code);
  });

  it('an alias beside its national name with another value: the national wins, a note keeps the other', async () => {
    const both = await canonicalRow([fee({ inscp_amt: '8.00', inscp_scp_amt: '9.00' })], 'fee_line');
    expect(both.row['inscp_amt']).toBe('8.00');
    expect(JSON.parse(both.row['extra'] as string)).toEqual({ inscp_scp_amt: '9.00' });
    expect(await both.q('SELECT code, value FROM quality_note')).toEqual([{ code: 'alias-conflict', value: '"9.00"' }]);
    // Configured aliases extend the contract's.
    const custom = aliasTable([{ alias: 'kfje', field: 'inscp_amt', on: ['fee_line'] }]);
    const configured = await canonicalRow([fee({ kfje: '8.00' })], 'fee_line', { aliases: custom });
    expect(configured.row['inscp_amt']).toBe('8.00');
  });

  it('trace codes on the line and in drugtracinfo lists are rows of their own: a sale of three boxes is three rows', async () => {
    const codes = ['81234567890123456789', '81234567890123456790', '81234567890123456791'];
    const { q } = await landed([
      sale([{ ...PSI_SALE, drugtracinfo: codes.map((c) => ({ drug_trac_codg: c })) }]),
      fee({ drug_trac_codg: '81234567890123450001' }, { msgid: 'fee-1' }),
      messageText(
        '3506',
        { selinfo: { ...PSI_SALE, fixmedins_bchno: 'R0001', sel_retn_cnt: 1, drug_trac_codg: codes[0] } },
        { msgid: 'ret-1' },
      ),
    ]);
    expect(await q('SELECT ref, seq, drug_trac_codg, is_return, origin, line_table FROM trace_code ORDER BY ref, seq')).toEqual([
      {
        ref: 'fee:H51180200123:MZ202603020001:0901',
        seq: 1,
        drug_trac_codg: '81234567890123450001',
        is_return: false,
        origin: 'line',
        line_table: 'fee_line',
      },
      { ref: 'psi:H51180200123:4:R0001', seq: 1, drug_trac_codg: codes[0], is_return: true, origin: 'line', line_table: 'psi_line' },
      ...codes.map((c, i) => ({
        ref: 'psi:H51180200123:4:S0001',
        seq: i + 1,
        drug_trac_codg: c,
        is_return: false,
        origin: 'list',
        line_table: 'psi_line',
      })),
    ]);
  });

  it('trace rows follow their line: a T1 re-upload does not double them, a 3507 deletion and a cancellation take them away', async () => {
    const code = (n: number) => `8123456789012345${String(n).padStart(4, '0')}`;
    const t0 = sale([{ ...PSI_SALE, drugtracinfo: [{ drug_trac_codg: code(1) }, { drug_trac_codg: code(2) }] }], '3505', { msgid: 't0' });
    const t1 = sale([{ ...PSI_SALE, drugtracinfo: [{ drug_trac_codg: code(1) }, { drug_trac_codg: code(3) }] }], '3505', {
      msgid: 't1',
      upload_mode: 'T1',
    });
    const other = sale([{ ...PSI_SALE, fixmedins_bchno: 'S0002', drug_trac_codg: code(9) }], '3505', { msgid: 'other' });
    const { q } = await landed([t1, t0, other]);
    expect(await q('SELECT ref, drug_trac_codg FROM trace_code ORDER BY ref, seq')).toEqual([
      { ref: 'psi:H51180200123:4:S0001', drug_trac_codg: code(1) },
      { ref: 'psi:H51180200123:4:S0001', drug_trac_codg: code(3) },
      { ref: 'psi:H51180200123:4:S0002', drug_trac_codg: code(9) },
    ]);
    expect(await q('SELECT count(*)::INT AS n FROM trace_code_version')).toEqual([{ n: 5 }]);
    const deleted = await landed([
      other,
      messageText('3507', { data: { fixmedins_bchno: 'S0002', inv_data_type: '4' } }, { msgid: 'del' }),
    ]);
    expect(await deleted.q('SELECT count(*)::INT AS n FROM trace_code')).toEqual([{ n: 0 }]);
    const settled = settlement({ drug_trac_info: [{ feedetl_sn: '0901', drug_trac_codg: code(5) }] }, { msgid: 'setl' });
    const cancel = messageText(
      '2208',
      { data: { setl_id: SETTLEMENT.setl_id, mdtrt_id: SETTLEMENT.mdtrt_id, psn_no: SETTLEMENT.psn_no } },
      { msgid: 'cancel' },
    );
    const kept = await landed([settled]);
    expect(await kept.q('SELECT ref, line_table FROM trace_code')).toEqual([{ ref: 'setl:H51180200123:JS0001', line_table: 'settlement' }]);
    const cancelled = await landed([cancel, settled]);
    expect(await cancelled.q('SELECT count(*)::INT AS n FROM trace_code')).toEqual([{ n: 0 }]);
  });

  it('null or "" personal data is absent: no hash, no mask, and two anonymous buyers share no identifier', async () => {
    const { q } = await landed([
      sale([{ ...PSI_SALE, certno: null, psn_name: '', prsc_dr_certno: null }]),
      sale([{ ...PSI_SALE, fixmedins_bchno: 'S0002', certno: '', psn_name: null, prsc_dr_certno: '' }], '3505', { msgid: 'anon-2' }),
      settlement({ certno: null, psn_name: '' }, { msgid: 'setl-1' }),
    ]);
    expect(
      await q(
        'SELECT prsc_dr_certno_hash AS h, prsc_dr_certno_mask AS m, CAST(extra AS VARCHAR) AS extra FROM psi_line ORDER BY fixmedins_bchno',
      ),
    ).toEqual([
      { h: null, m: null, extra: '{"certno":null,"psn_name":""}' },
      { h: null, m: null, extra: '{"certno":"","psn_name":null}' },
    ]);
    expect(await q('SELECT certno_hash, certno_mask, psn_name_hash, psn_name_mask FROM settlement')).toEqual([
      { certno_hash: null, certno_mask: null, psn_name_hash: null, psn_name_mask: null },
    ]);
  });

  it('a known display name in a code field becomes its code; an unknown value lands null; both keep the original and leave a note', async () => {
    const textbook = await canonicalRow([settlement({ gend: '1' })], 'settlement');
    const named = await canonicalRow([settlement({ gend: '男' })], 'settlement');
    expect(withoutExtra(named.row)).toEqual(withoutExtra(textbook.row));
    expect(JSON.parse(named.row['extra'] as string)).toEqual({ as_sent: { gend: '男' } });
    const unknown = await canonicalRow([sale([{ ...PSI_SALE, rx_flag: '是的', trdn_flag: 'Y' }])], 'psi_line');
    expect([unknown.row['rx_flag'], unknown.row['trdn_flag']]).toEqual([null, '1']);
    expect(JSON.parse(unknown.row['extra'] as string)).toEqual({ as_sent: { rx_flag: '是的', trdn_flag: 'Y' } });
    expect(await unknown.q('SELECT path, code, value FROM quality_note ORDER BY path')).toEqual([
      { path: 'input.selinfo[0].rx_flag', code: 'unknown-code', value: '是的' },
      { path: 'input.selinfo[0].trdn_flag', code: 'display-name', value: 'Y' },
    ]);
    // A code sent as a JSON integer is the code.
    const integer = await canonicalRow([sale([{ ...PSI_SALE, rx_flag: 1 }])], 'psi_line');
    expect(integer.row['rx_flag']).toBe('1');
  });
});

describe('contract §8: what stays refused, with a reason that says what was found', () => {
  const refusal = (text: string) => {
    const d = decodeMessage(Buffer.from(text), PII_KEY);
    return d.ok ? undefined : d.rejection.issues.map((i) => ({ code: i.code, path: i.at.path, got: i.got }));
  };

  it('a body node that is a JSON string (double-encoded)', () => {
    expect(refusal(sale(JSON.stringify([PSI_SALE])))).toEqual([{ code: 'double-encoded', path: 'input.selinfo', got: '字符串' }]);
  });

  it('a body under another kind’s node name (a 3504 body under selinfo)', () => {
    expect(refusal(messageText('3504', { selinfo: [PSI_SALE] }))).toEqual([
      { code: 'wrong-body-node', path: 'input.selinfo', got: 'input.selinfo' },
    ]);
  });

  it('a med_list_codg sent as a JSON number: its leading zeros are gone', () => {
    expect(refusal(fee({ med_list_codg: 1102000010000 }))).toEqual([
      { code: 'code-as-number', path: 'input.feedetail[0].med_list_codg', got: '数字 1102000010000' },
    ]);
  });

  it('a 2207 that carries only the HIS request', () => {
    expect(refusal(messageText('2207', { data: { mdtrt_id: 'MZ1', psn_no: 'P1' } }))).toEqual([
      { code: 'request-not-settlement', path: 'input.setlinfo', got: 'input.data' },
    ]);
  });

  it('infno and upload_mode stay strict', () => {
    expect(refusal(messageText('2207A', { setlinfo: SETTLEMENT }))?.[0]?.code).toBe('unknown-infno');
    expect(refusal(fee({}, { upload_mode: 't1' }))?.[0]).toMatchObject({ code: 'invalid-enum', path: 'upload_mode' });
  });
});

describe('the upload mode of a replay file without one of its own (contract §8)', () => {
  it('is T1 in a directory named T1, and only that directory counts, not one further up', () => {
    expect(uploadModeOf('/data/city/messages/T1/2026-03-02.ndjson.gz')).toBe('T1');
    expect(uploadModeOf('/data/T1/city/messages/2026-03-02.ndjson.gz')).toBe('T0');
    expect(uploadModeOf('/data/city/messages/2026-03-02.ndjson.gz')).toBe('T0');
    expect(uploadModeOf('/data/city/messages/T1/2026-03-02.ndjson.gz', 'T0')).toBe('T0');
  });
});
