import { describe, expect, it, vi } from 'vitest';
import { Envelope } from '../contract/envelope.js';
import { MESSAGE_TYPES } from '../contract/messages.js';
import { canonical, LONG_NUMBER_PREFIX } from '../contract/scalars.js';
import { decodeMessage } from '../ingest/decode.js';
import { fastDecode } from '../ingest/fast.js';
import { protectLongNumbers } from '../ingest/numbers.js';
import { PII_KEY, validFixtureLines } from './support/fixtures.js';
import { feeMessage, rowCells } from './support/messages.js';
import { prng } from './support/random.js';

/**
 * The fast path may only say "valid, and here is the value" when zod says the same. To compare
 * whole decodeMessage results with and without it, the fast path can be switched off: this wraps
 * the real module and forwards every call unless a test turns it off.
 */
const fastPath = vi.hoisted(() => ({ on: true }));
vi.mock('../ingest/fast.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../ingest/fast.js')>();
  return {
    ...real,
    fastDecode: (obj: unknown, separatorFree?: boolean) => (fastPath.on ? real.fastDecode(obj, separatorFree) : undefined),
  };
});

type Obj = Record<string, unknown>;

interface Normalised {
  env: Obj;
  inputExtra: Obj;
  lines: Obj[];
}

const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function normalise(env: Obj, input: Obj, bodyKey: string, lines: readonly Obj[]): Normalised {
  const { input: _input, ...envRest } = env;
  const { [bodyKey]: _body, ...inputRest } = input;
  return { env: defined(envRest), inputExtra: defined(inputRest), lines: lines.map(defined) };
}

/** The zod path of ingest/decode.ts: envelope, message type, body. */
function zodDecode(obj: unknown): Normalised | undefined {
  const env = Envelope.safeParse(obj);
  if (!env.success) return undefined;
  const type = MESSAGE_TYPES.get(canonical(env.data.infno) ?? '');
  if (!type) return undefined;
  const body = type.input.safeParse(env.data.input);
  if (!body.success) return undefined;
  const value = body.data[type.bodyKey];
  return normalise(env.data, body.data, type.bodyKey, (type.many ? value : [value]) as Obj[]);
}

function fastNormalised(obj: unknown, separatorFree: boolean): Normalised | undefined {
  const f = fastDecode(obj, separatorFree);
  return f && normalise(f.env, f.input, f.type.bodyKey, f.lines);
}

/**
 * The flag as ingest/decode.ts computes it from the message text: no `\u001` escape, so no string
 * holds a separator and the field checks skip that search. Production takes that branch for almost
 * every message; the comparisons run each case both ways.
 */
const separatorFreeOf = (obj: unknown): boolean => !(JSON.stringify(obj) ?? '').includes('\\u001');

const seeds = validFixtureLines().map((l) => ({
  where: `${l.file}:${l.line}`,
  obj: JSON.parse(protectLongNumbers(l.bytes.toString('utf8'))) as Obj,
}));

// ---- deterministic mutations ----------------------------------------------------------------

const rnd = prng(20260302);

const VALUES: readonly unknown[] = [
  null,
  '',
  0,
  1,
  -1,
  1.5,
  -2.25,
  11,
  2201,
  'x',
  'two',
  '1',
  '4',
  '-3',
  '0004',
  '12.345',
  '1.2345678',
  '8.200000',
  '1e2',
  'T1',
  'T2',
  'x'.repeat(31),
  'x'.repeat(201),
  '2026-02-30',
  '2026-02-30 10:00:00',
  '2026-03-02',
  '2026-03-02 10:00:00',
  '2026/03/02 10:00',
  '511802196804120310',
  'a\u001fb',
  '\u001fN:5',
  `${LONG_NUMBER_PREFIX}12345678901234.56`,
  `${LONG_NUMBER_PREFIX}123456789012345678`,
  `${LONG_NUMBER_PREFIX}1.0000000000000001`,
  true,
  {},
  { a: 1 },
  [],
  [1],
  // The variants of contract §8: date-times in date fields and ISO forms, integer ids, display names
  // and unknown values in code fields, trace-code lists.
  '2026-03-02T10:00:00',
  '2026-03-02T10:00:00.125',
  '2026-03-02 00:00:00',
  '1968-04-12 08:30:00',
  '2026-03-02T10:00:00+08:00',
  901,
  `${LONG_NUMBER_PREFIX}12345678901234567890`,
  '男',
  '是',
  'Y',
  '是的',
  [{ drug_trac_codg: '81234567890123456789' }, { drug_trac_codg: '81234567890123456790' }],
  { drug_trac_codg: '81234567890123456789' },
  [{ drug_trac_codg: 5 }],
];

const INFNOS = [...MESSAGE_TYPES.keys()];

function typeOf(m: Obj) {
  return MESSAGE_TYPES.get(String(m['infno']));
}

/** The line objects of a message (none when its body is not where its type puts it). */
function linesOf(m: Obj): Obj[] {
  const type = typeOf(m);
  const input = m['input'];
  if (!type || typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const body = (input as Obj)[type.bodyKey];
  const list = type.many ? body : [body];
  return Array.isArray(list) ? list.filter((l): l is Obj => typeof l === 'object' && l !== null && !Array.isArray(l)) : [];
}

/** A field of the envelope or of one line, known to the schema or present in the message. */
function someField(m: Obj): [Obj, string] {
  const lines = linesOf(m);
  if (lines.length === 0 || rnd.next() < 0.25) return [m, rnd.pick([...Object.keys(Envelope.shape), ...Object.keys(m)])];
  const line = rnd.pick(lines);
  const type = typeOf(m);
  const known = type ? Object.keys(type.line.shape) : [];
  return [line, rnd.pick([...known, ...Object.keys(line), 'certno', 'psn_name', 'sc_ext', 'drugtracinfo'])];
}

type Mutation = (m: Obj) => string;

const MUTATIONS: readonly Mutation[] = [
  (m) => {
    const [o, k] = someField(m);
    delete o[k];
    return `drop ${k}`;
  },
  (m) => {
    const [o, k] = someField(m);
    const v = rnd.pick(VALUES);
    o[k] = structuredClone(v);
    return `set ${k}=${JSON.stringify(v)}`;
  },
  (m) => {
    const [o, k] = someField(m);
    o[k] = rnd.pick([null, '']);
    return `absent ${k}=${JSON.stringify(o[k])}`;
  },
  (m) => {
    const type = typeOf(m);
    const lines = linesOf(m);
    if (!type?.many || lines.length === 0) return 'noop';
    const copy = structuredClone(rnd.pick(lines));
    const distinct = rnd.next() < 0.5;
    if (distinct) copy[type.uniqueField as string] = `Z${rnd.int(1000)}`;
    ((m['input'] as Obj)[type.bodyKey] as Obj[]).push(copy);
    return distinct ? 'add a line' : `duplicate ${type.uniqueField}`;
  },
  (m) => {
    const line = linesOf(m)[0];
    if (!line || typeOf(m)?.table !== 'fee_line') return 'noop';
    line['cnt'] = rnd.pick([-1, '-2', '-0.5', `${LONG_NUMBER_PREFIX}-1234567890.12345`]);
    if (rnd.next() < 0.7) delete line['init_feedetl_sn'];
    else line['init_feedetl_sn'] = '0001';
    return `reversal cnt=${String(line['cnt'])} init=${String(line['init_feedetl_sn'])}`;
  },
  (m) => {
    m['infno'] = rnd.pick([...INFNOS, '9999', 2204, 3507, '2204 ', '']);
    return `infno=${JSON.stringify(m['infno'])}`;
  },
  (m) => {
    const type = typeOf(m);
    const input = m['input'] as Obj;
    const choice = rnd.int(5);
    if (choice === 0) m['input'] = [input];
    else if (choice === 1) m['input'] = rnd.pick([null, 'input', 1]);
    else if (type && typeof input === 'object' && input !== null) {
      const body = input[type.bodyKey];
      input[type.bodyKey] = choice === 2 ? (Array.isArray(body) ? body[0] : [body]) : choice === 3 ? [] : [null];
    }
    return `input shape ${choice}`;
  },
  (m) => {
    const [o] = someField(m);
    o[`sc_${rnd.int(3)}`] = structuredClone(rnd.pick(VALUES));
    return 'unknown field';
  },
  (m) => {
    const line = linesOf(m)[0];
    if (!line || typeOf(m)?.table !== 'psi_line') return 'noop';
    line['psn_no'] = 'PSN511802000102';
    delete line['setl_id'];
    return 'sale to an insured buyer without setl_id';
  },
  (m) => {
    const [o] = someField(m);
    // JSON.parse makes "__proto__" an ordinary own key; so does defineProperty.
    Object.defineProperty(o, '__proto__', {
      value: { init_feedetl_sn: '00\u001f01', mdtrtarea_admvs: '5118\u001f02', setl_id: 'YDJS1' },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return '__proto__ key';
  },
];

interface Case {
  readonly label: string;
  readonly obj: unknown;
}

function cases(n: number): Case[] {
  const out: Case[] = seeds.map((s) => ({ label: s.where, obj: s.obj }));
  for (let i = 0; i < n; i++) {
    const seed = rnd.pick(seeds);
    const m = structuredClone(seed.obj);
    const steps = Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(MUTATIONS)(m));
    const whole = rnd.next() < 0.01 ? rnd.pick([null, [m], 'message', 7]) : m;
    out.push({ label: `${seed.where} #${i}: ${whole === m ? steps.join('; ') : 'not an object'}`, obj: whole });
  }
  return out;
}

const CASES = cases(3000);

describe('fastDecode agrees with zod', () => {
  it('accepts every valid fixture message itself (so the comparisons below compare two paths)', () => {
    const declined = seeds.filter((s) => fastDecode(s.obj, separatorFreeOf(s.obj)) === undefined).map((s) => s.where);
    expect(seeds.filter((s) => fastDecode(s.obj) === undefined).map((s) => s.where)).toEqual([]);
    expect(declined).toEqual([]);
    expect(seeds).toHaveLength(47);
  });

  it.each([
    ['with separatorFree as production computes it', true],
    ['with the separator search on every field', false],
  ])(`never accepts what zod rejects, and gives zod's values when it accepts (${CASES.length} cases), %s`, (_how, asProduction) => {
    const disagreements: string[] = [];
    const tally = { fastAccepts: 0, zodOnly: 0, bothReject: 0, separatorFree: 0 };
    const zodOnly: string[] = [];
    for (const c of CASES) {
      const flag = asProduction && separatorFreeOf(c.obj);
      if (flag) tally.separatorFree++;
      const fast = fastNormalised(c.obj, flag);
      const zod = zodDecode(c.obj);
      if (fast && !zod) disagreements.push(`fast accepts, zod rejects: ${c.label}`);
      else if (fast && zod) {
        tally.fastAccepts++;
        try {
          expect(fast).toEqual(zod);
        } catch {
          disagreements.push(`different values: ${c.label}`);
        }
      } else if (zod) {
        tally.zodOnly++;
        zodOnly.push(c.label);
      } else tally.bothReject++;
    }
    expect(disagreements).toEqual([]);
    // The generator makes a real mix of valid and invalid messages.
    expect(tally.fastAccepts).toBeGreaterThan(600);
    expect(tally.bothReject).toBeGreaterThan(1200);
    // Both branches of the field checks are taken: most messages are separator-free, some are not.
    if (asProduction) expect(tally.separatorFree).toBeGreaterThan(2000);
    if (asProduction) expect(CASES.length - tally.separatorFree).toBeGreaterThan(100);
    // The fast path declines valid input only where it must: a "__proto__" key.
    expect(zodOnly.filter((l) => !l.includes('__proto__'))).toEqual([]);
  });

  it('decodeMessage returns the same result object with and without the fast path', () => {
    const lines = [
      ...validFixtureLines().map((l) => l.bytes),
      ...CASES.filter((c) => fastDecode(c.obj) !== undefined).map((c) => Buffer.from(JSON.stringify(c.obj))),
    ];
    expect(lines.length).toBeGreaterThan(600);
    const different: number[] = [];
    for (const [i, bytes] of lines.entries()) {
      fastPath.on = true;
      const viaFast = decodeMessage(bytes, PII_KEY);
      fastPath.on = false;
      const viaZod = decodeMessage(bytes, PII_KEY);
      fastPath.on = true;
      if (!viaFast.ok) throw new Error(`case ${i} was rejected: ${viaFast.rejection.reason}`);
      try {
        expect(viaFast).toEqual(viaZod);
      } catch {
        different.push(i);
      }
    }
    expect(different).toEqual([]);
  });

  it('a "__proto__" key cannot pass its fields off as line fields', () => {
    const line = '{"__proto__":{"init_feedetl_sn":"00\\u001f01"}}';
    const reversal = Buffer.from(
      feeMessage({ cnt: -1, det_item_fee_sumamt: '-10.00' })
        .toString()
        .replace('}]}}', `,${line.slice(1, -1)}}]}}`),
    );
    const r = decodeMessage(reversal, PII_KEY);
    expect(r.ok ? 'accepted' : r.rejection.code).toBe('reversal-without-origin');

    const plain = Buffer.from(
      feeMessage({})
        .toString()
        .replace('}]}}', `,${line.slice(1, -1)}}]}}`),
    );
    expect(fastDecode(JSON.parse(plain.toString()))).toBeUndefined();
    const d = decodeMessage(plain, PII_KEY);
    if (!d.ok) throw new Error(d.rejection.reason);
    expect(rowCells(d.message)[0]).toMatchObject({ feedetl_sn: '0901', init_feedetl_sn: '', extra: '' });
  });
});
