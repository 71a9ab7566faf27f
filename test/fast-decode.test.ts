import { describe, expect, it } from 'vitest';
import { fastDecode, UNKNOWN_FIELDS } from '../ingest/fast.js';

/**
 * ingest/fast.ts on hand-made messages with the expected normalised values written out, beside
 * the differential of test/fast.test.ts (which can only say the fast path agrees with zod, not that
 * either is right).
 */

type Obj = Record<string, unknown>;

const LINE = {
  feedetl_sn: '0901',
  mdtrt_id: 'MZ1',
  psn_no: 'P1',
  fee_ocur_time: '2026-03-02 08:40:00',
  med_list_codg: 'X1',
  medins_list_codg: 'L1',
  det_item_fee_sumamt: '10.00',
  cnt: 2,
  pric: '5.000000',
  bilg_dept_codg: 'A1',
  bilg_dr_codg: 'D1',
};

function fee(lines: readonly Obj[], envelope: Obj = {}, input: Obj = {}): Obj {
  return {
    infno: '2204',
    msgid: 'M1',
    fixmedins_code: 'H1',
    inf_time: '2026-03-02 09:52:10',
    upload_mode: 'T0',
    ...envelope,
    input: { feedetail: lines, ...input },
  };
}

const unknownOf = (o: Obj | undefined) => (o as Record<symbol, unknown> | undefined)?.[UNKNOWN_FIELDS];
/** The string-keyed fields only (toEqual would also compare the symbol's hand-over). */
const plain = (o: Obj | undefined) => Object.fromEntries(Object.entries(o ?? {}));

describe('fastDecode on a fee message', () => {
  it('normalises every field, leaves absent ones out, keeps unknown ones as sent and hands them over', () => {
    const msg = fee(
      [{ ...LINE, init_feedetl_sn: null, drug_trac_codg: '', sc_line: [1] }],
      { infno: 2204, mdtrtarea_admvs: '', sc_env: 1 },
      { sc_in: 'y' },
    );
    const r = fastDecode(msg, true);
    expect(r?.type.infno).toBe('2204');
    expect(plain(r?.env)).toEqual({
      infno: '2204',
      msgid: 'M1',
      fixmedins_code: 'H1',
      inf_time: '2026-03-02 09:52:10',
      upload_mode: 'T0',
      input: msg['input'],
      sc_env: 1,
    });
    expect(r?.input).toBe(msg['input']);
    expect(r?.lines).toHaveLength(1);
    const line = r?.lines[0];
    // Known fields first, in the schema's order, so that every line has one object shape.
    expect(Object.keys(line ?? {})).toEqual([
      'feedetl_sn',
      'mdtrt_id',
      'psn_no',
      'fee_ocur_time',
      'med_list_codg',
      'medins_list_codg',
      'det_item_fee_sumamt',
      'cnt',
      'pric',
      'bilg_dept_codg',
      'bilg_dr_codg',
      'sc_line',
    ]);
    expect(plain(line)).toEqual({ ...LINE, det_item_fee_sumamt: '10', cnt: '2', pric: '5', sc_line: [1] });
    expect(unknownOf(line)).toEqual({ sc_line: [1] });
  });

  it('a line without unknown fields hands over none', () => {
    const line = fastDecode(fee([LINE]), true)?.lines[0];
    expect(line).toBeDefined();
    expect(UNKNOWN_FIELDS in (line ?? {})).toBe(true);
    expect(unknownOf(line)).toBeUndefined();
  });

  it('several lines with distinct 明细流水号 are all taken, in order; a repeated one declines the message', () => {
    const two = fastDecode(fee([LINE, { ...LINE, feedetl_sn: '0902', cnt: '1.5' }]), true);
    expect(two?.lines.map((l) => [l['feedetl_sn'], l['cnt']])).toEqual([
      ['0901', '2'],
      ['0902', '1.5'],
    ]);
    expect(fastDecode(fee([LINE, { ...LINE, cnt: 3 }]), true)).toBeUndefined();
  });

  it('a reversal needs its origin (the object rule runs too)', () => {
    expect(fastDecode(fee([{ ...LINE, cnt: -1, det_item_fee_sumamt: '-5.00' }]), true)).toBeUndefined();
    const r = fastDecode(fee([{ ...LINE, cnt: '-1', det_item_fee_sumamt: '-5.00', init_feedetl_sn: '0001' }]), true);
    expect(r?.lines[0]).toMatchObject({ cnt: '-1', det_item_fee_sumamt: '-5', init_feedetl_sn: '0001' });
  });

  it.each([
    ['a required field sent as ""', fee([{ ...LINE, psn_no: '' }])],
    ['a required field missing', fee([{ ...LINE, bilg_dr_codg: undefined }])],
    ['a field over its length', fee([{ ...LINE, psn_no: 'P'.repeat(31) }])],
    ['too many decimals', fee([{ ...LINE, det_item_fee_sumamt: '10.001' }])],
    ['no lines', fee([])],
    ['a line that is not an object', fee([LINE, [LINE] as unknown as Obj])],
    ['a body that is not a list', { ...fee([]), input: { feedetail: LINE } }],
    ['an input that is a list', { ...fee([]), input: [{ feedetail: [LINE] }] }],
    ['no input', { ...fee([]), input: undefined }],
    ['an unknown infno', fee([LINE], { infno: '9999' })],
    ['upload_mode T2', fee([LINE], { upload_mode: 'T2' })],
    ['a "__proto__" key', fee([JSON.parse('{"__proto__":{"x":1},"feedetl_sn":"0901"}') as Obj])],
    ['null', null],
    ['a list', [fee([LINE])]],
    ['a string', 'message'],
  ])('declines %s', (_what, msg) => {
    expect(fastDecode(msg, true)).toBeUndefined();
    expect(fastDecode(msg, false)).toBeUndefined();
  });
});

describe('separatorFree', () => {
  it('without the flag a separator in a text or code field declines the message; the flag is the caller’s word that there is none', () => {
    const withSep = fee([{ ...LINE, bilg_dept_codg: 'A\u001f1' }]);
    expect(fastDecode(withSep, false)).toBeUndefined();
    expect(fastDecode(withSep)).toBeUndefined();
    expect(fastDecode(fee([LINE], { infno: '22\u001c04' }), false)).toBeUndefined();
    expect(fastDecode(withSep, true)?.lines[0]?.['bilg_dept_codg']).toBe('A\u001f1');
  });
});

describe('a message with one body object (2201 visit)', () => {
  it('gives one line', () => {
    const msg = {
      ...fee([]),
      infno: '2201',
      input: { data: { mdtrt_id: 'MZ1', psn_no: 'P1', med_type: 11, begntime: '2026-03-02 08:35:12' } },
    };
    const r = fastDecode(msg, true);
    expect(r?.type.table).toBe('visit');
    expect(r?.lines.map(plain)).toEqual([{ mdtrt_id: 'MZ1', psn_no: 'P1', med_type: '11', begntime: '2026-03-02 08:35:12' }]);
    expect(fastDecode({ ...msg, input: { data: [msg.input.data] } }, true)).toBeUndefined();
  });
});
