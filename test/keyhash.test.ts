import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, type MessageType } from '../contract/messages.js';
import { buildRows, FIELD_SEP } from '../ingest/rows.js';
import { keyHash } from '../ingest/keyhash.js';

/**
 * The natural-key hash is stored in every version row, so a change to it silently splits old
 * and new versions of one key. It is pinned two ways: to the values cyrb53's author published with
 * the algorithm, and to a second implementation written here from its definition with BigInt
 * arithmetic (no Math.imul, no 32-bit shifts), so the two can only agree by computing the same thing.
 */

const M32 = (1n << 32n) - 1n;
/** 32-bit multiplication modulo 2^32, the way Math.imul's result reads as unsigned. */
const mul = (a: bigint, b: bigint) => (a * b) & M32;

/** cyrb53 with seed 0, from its definition. */
function cyrb53(s: string): number {
  let h1 = 0xdeadbeefn;
  let h2 = 0x41c6ce57n;
  for (const unit of Array.from({ length: s.length }, (_, i) => BigInt(s.charCodeAt(i)))) {
    h1 = mul(h1 ^ unit, 2654435761n);
    h2 = mul(h2 ^ unit, 1597334677n);
  }
  h1 = mul(h1 ^ (h1 >> 16n), 2246822507n);
  h1 ^= mul(h2 ^ (h2 >> 13n), 3266489909n);
  h2 = mul(h2 ^ (h2 >> 16n), 2246822507n);
  h2 ^= mul(h1 ^ (h1 >> 13n), 3266489909n);
  return Number(((h2 & 0x1fffffn) << 32n) | h1);
}

const key = (...fields: string[]) => fields.join(FIELD_SEP);

describe('keyHash is cyrb53', () => {
  it.each([
    ['', 3338908027751811],
    ['a', 7929297801672961],
    ['b', 8684336938537663],
    ['revenge', 4051478007546757],
    ['revenue', 8309097637345594],
  ])('the published value of %j', (s, want) => {
    expect(keyHash(s)).toBe(want);
    expect(cyrb53(s)).toBe(want);
  });

  it.each([
    key('H51180200123', 'MZ202603020001', '0901'),
    key('P51180200456', '4', 'XS20260302001'),
    'a'.repeat(1000),
    '张伟 医保',
    '😀 surrogate pairs hash by UTF-16 unit',
    '\u0000\uffff',
  ])('agrees with the BigInt implementation on %j', (s) => {
    expect(keyHash(s)).toBe(cyrb53(s));
  });

  it('is a non-negative integer of at most 53 bits (exact in a double and in BIGINT)', () => {
    for (const s of ['', 'a', 'revenue', key('H1', 'MZ1', '1'), 'x'.repeat(77)]) {
      const h = keyHash(s);
      expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
    }
  });
});

describe('what tells keys apart', () => {
  it.each([
    ['the order of fields', key('H1', 'MZ1', '0001'), key('MZ1', 'H1', '0001')],
    ['where the separators fall', key('H1', 'MZ1', '10'), key('H1', 'MZ11', '0')],
    ['a separator against none', key('H1', 'MZ1'), 'H1MZ1'],
    ['an empty field against a missing one', key('H1', '', 'MZ1'), key('H1', 'MZ1')],
    ['a trailing empty field', key('H1', 'MZ1', ''), key('H1', 'MZ1')],
    ['one character', key('H1', 'MZ1', '0001'), key('H1', 'MZ1', '0002')],
    ['letter case', key('H1', 'mz1'), key('H1', 'MZ1')],
  ])('%s', (_what, a, b) => {
    expect(keyHash(a)).toBe(cyrb53(a));
    expect(keyHash(b)).toBe(cyrb53(b));
    expect(keyHash(a)).not.toBe(keyHash(b));
  });
});

describe('the key a staged row starts with (ingest/rows.ts)', () => {
  const type = (infno: string) => MESSAGE_TYPES.get(infno) as MessageType;
  const ctx = { fixmedins: 'H51180200123', piiKey: 'k' };
  const firstCell = (infno: string, line: Record<string, unknown>) => buildRows(type(infno), [line], ctx).rows[0]?.split(FIELD_SEP)[0];
  const FEE = { mdtrt_id: 'MZ1', feedetl_sn: '0001', psn_no: 'P1', fee_ocur_time: '2026-03-02 08:40:00', med_list_codg: 'X' };

  it('a fee line: institution, 就诊ID, 明细流水号, in that order, separated by U+001F', () => {
    expect(firstCell('2204', FEE)).toBe(String(cyrb53('H51180200123\u001fMZ1\u001f0001')));
  });

  it('a 进销存 line: institution, its kind from the message type, 批次号', () => {
    const sale = { fixmedins_bchno: 'XS1', med_list_codg: 'X' };
    const [buy, sell] = [...MESSAGE_TYPES.values()].filter((t) => t.table === 'psi_line').map((t) => t.infno);
    expect(firstCell(buy as string, sale)).toBe(String(cyrb53(`H51180200123\u001f${type(buy as string).psiKind}\u001fXS1`)));
    expect(firstCell(sell as string, sale)).not.toBe(firstCell(buy as string, sale));
  });

  it('moving a character across a key field boundary makes another key', () => {
    expect(firstCell('2204', { ...FEE, mdtrt_id: 'MZ1', feedetl_sn: '10' })).not.toBe(
      firstCell('2204', { ...FEE, mdtrt_id: 'MZ11', feedetl_sn: '0' }),
    );
  });

  it('fields outside the key do not change it', () => {
    expect(firstCell('2204', { ...FEE, psn_no: 'P2', med_list_codg: 'Y' })).toBe(firstCell('2204', FEE));
  });
});
