import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { piiHash, piiMask, scrubRaw, scrubText } from '../contract/pii.js';

/**
 * Contract §5 on hand-made values: the 身份证号 shape (17 digits, then a digit or X) decides both
 * which values hash in upper case and which runs of raw bytes are replaced. Expected hashes are
 * HMAC-SHA-256 computed here from node:crypto (test/contract.test.ts pins that to RFC 4231).
 */

const K = 'pii-test-key';
const hmac = (value: string) => createHmac('sha256', K).update(value, 'utf8').digest('hex');

describe('piiHash', () => {
  it('a 身份证号 with a lower-case x check digit hashes as its upper-case form, so one person joins', () => {
    expect(piiHash(K, '51180219800101123x')).toBe(hmac('51180219800101123X'));
    expect(piiHash(K, '51180219800101123X')).toBe(hmac('51180219800101123X'));
    expect(piiHash(K, '511802198001011234')).toBe(hmac('511802198001011234'));
  });

  it.each([
    ['5118021980010112x', '16 digits and x'],
    ['151180219800101123x', '18 digits and x'],
    ['a51180219800101123x', 'a letter in front'],
    ['51180219800101123xa', 'a letter behind'],
    ['5118021980010112x3', 'x not last'],
    ['1x', 'one digit and x'],
    ['abcdefghijklmnopqx', '17 letters and x'],
    ['51180219800101123y', 'another letter last'],
    ['张伟x', 'a name'],
  ])('anything else is hashed exactly as sent: %s (%s)', (value) => {
    expect(piiHash(K, value)).toBe(hmac(value));
  });

  it('hashes names as UTF-8', () => {
    expect(piiHash(K, '欧阳娜娜')).toBe(createHmac('sha256', K).update(Buffer.from('欧阳娜娜', 'utf8')).digest('hex'));
  });
});

describe('piiMask', () => {
  it.each([
    ['certno', '51180219800101123x', '5118**********123x'],
    ['certno', '123456789', '1234*6789'],
    ['certno', '', ''],
    ['psn_name', '', '*'],
    ['psn_name', '司马相如', '司***'],
    ['prsc_dr_certno', '𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈', '𠀀𠀁𠀂𠀃*𠀅𠀆𠀇𠀈'], // characters, not UTF-16 units
  ])('piiMask(%s, %j) = %j', (field, value, want) => {
    expect(piiMask(field, value)).toBe(want);
  });
});

describe('the 身份证号 pattern in text (scrubText)', () => {
  it.each([
    ['证件 511802198001011234 号', `证件 ${hmac('511802198001011234')} 号`],
    ['证件51180219800101123X号', `证件${hmac('51180219800101123X')}号`],
    ['id:51180219800101123x.', `id:${hmac('51180219800101123X')}.`],
    ['511802198001011234', hmac('511802198001011234')],
    ['a511802198001011234b', `a${hmac('511802198001011234')}b`],
    ['511802198001011234,511802199011050141', `${hmac('511802198001011234')},${hmac('511802199011050141')}`],
  ])('%j: the run is replaced by its hash', (text, want) => {
    expect(scrubText(K, text)).toBe(want);
  });

  it.each([
    ['51180219800101123', '17 digits'],
    ['5118021980010112X', '16 digits and X'],
    ['1511802198001011234', '19 digits'],
    ['51180219800101123X4', 'a digit after the X'],
    ['83925410037456120813', 'a 20-digit trace code'],
    ['51180219800101123Y', 'another letter'],
    ['5118021980-01011234', 'a dash inside'],
  ])('%j (%s) is not an ID number and stays', (text) => {
    expect(scrubText(K, `x ${text} y`)).toBe(`x ${text} y`);
  });
});

describe('personal-data fields in JSON text', () => {
  it('quoted, bare, spaced and escaped values are replaced by the hash of their text, quoted', () => {
    expect(scrubText(K, '{"psn_name":"张伟","n":1}')).toBe(`{"psn_name":"${hmac('张伟')}","n":1}`);
    expect(scrubText(K, '{"certno":511802198001011234}')).toBe(`{"certno":"${hmac('511802198001011234')}"}`);
    expect(scrubText(K, '{"prsc_dr_certno"\t:  "D1", "x":2}')).toBe(`{"prsc_dr_certno"\t:  "${hmac('D1')}", "x":2}`);
    expect(scrubText(K, '{"psn_name":"a\\"b","x":"\\"psn_name\\""}')).toBe(`{"psn_name":"${hmac('a\\"b')}","x":"\\"psn_name\\""}`);
  });

  it('absent personal data (null, "") stays absent: a constant "hash of nothing" would link unrelated buyers (contract §8)', () => {
    expect(scrubText(K, '{"psn_name":""}')).toBe('{"psn_name":""}');
    expect(scrubText(K, '{"certno":null,"psn_name":"张伟"}')).toBe(`{"certno":null,"psn_name":"${hmac('张伟')}"}`);
    expect(scrubText(K, '{"certno": null}')).toBe('{"certno": null}');
    // A bare word other than null is a value like any other.
    expect(scrubText(K, '{"certno":nil}')).toBe(`{"certno":"${hmac('nil')}"}`);
  });

  it('a value cut off by a truncated line is hashed as the text that came, without its opening quote', () => {
    expect(scrubText(K, '{"certno":"5118021968')).toBe(`{"certno":"${hmac('5118021968')}"`);
    expect(scrubText(K, '{"psn_name":"张')).toBe(`{"psn_name":"${hmac('张')}"`);
    expect(scrubText(K, '{"certno":"')).toBe(`{"certno":"${hmac('')}"`);
  });

  it('other fields named like them are left alone', () => {
    const text = '{"psn_name_x":"张伟","xcertno":"D1","certno_hash":"abc"}';
    expect(scrubText(K, text)).toBe(text);
  });

  it('a line without personal data is returned as the same buffer, not a copy', () => {
    const line = Buffer.from('{"a":"b","n":12345678901234567890}');
    expect(scrubRaw(K, line)).toBe(line);
  });

  it('raw bytes: a name in UTF-8 is hashed as the name, whatever bytes surround it', () => {
    const line = Buffer.concat([Buffer.from('{"psn_name":"李雷","x":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    const want = Buffer.concat([Buffer.from(`{"psn_name":"${hmac('李雷')}","x":"`), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(scrubRaw(K, line).equals(want)).toBe(true);
  });
});
