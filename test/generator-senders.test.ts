import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels } from '../contract/labels.js';
import { dirWriter, generate, knowledgeTables, memoryWriter, type GenerateSummary } from '../generator/index.js';
import { replayFiles } from '../ingest/index.js';
import { openStore } from '../store/open.js';
import { generatedLines } from './support/generated.js';
import { countsAndSums, orderFreeState } from './support/state.js';
import { ingest, snapshot } from './support/store.js';

/**
 * Real senders in the generated city (contract §8, issue 11): a third of the hospitals and of the
 * pharmacies, chosen from the seed, send without `upload_mode` (their T1 re-uploads under
 * `messages/T1/`), with integer 明细流水号, trace codes in `drugtracinfo` lists and one-object
 * 进销存 nodes. The same city generated with the forms switched off (`senders.realForms: 0`) is the
 * yardstick: each message is the same once written back in the textbook form, and both cities land
 * as the same rows, except exactly where the form is recorded. Separately, a quarter of the
 * hospitals send their service codes with the local price-item suffix (`senders.localCodes`).
 */

const tables = knowledgeTables();
// Sale returns (3506) are rare at tiny scale (one in a week): more of them, so that real senders send some too.
const TINY = { seed: 42, scale: 'tiny', lookalikes: { 'return-resale': 0.005 } } as const;

type Json = Record<string, unknown>;

interface Message {
  readonly file: string;
  readonly text: string;
  /** Undefined for the deliberately malformed lines that are no JSON object. */
  readonly json: Json | undefined;
  readonly sender: string;
  readonly msgid: string;
}

interface City {
  readonly dir: string;
  readonly summary: GenerateSummary;
  readonly messages: readonly Message[];
  readonly state: Record<string, string[]>;
  readonly sums: Record<string, Record<string, unknown>>;
}

let root: string;
let real: City;
let plain: City;
let realSet: Set<string>;
let malformed: Set<string>;
/** Boxed units per catalogue item (`pac_cnt`). */
let pac: Map<string, number>;

function messagesOf(dir: string): Message[] {
  return generatedLines(path.join(dir, 'messages')).map(({ file, text }) => {
    let json: Json | undefined;
    try {
      const v = JSON.parse(text) as unknown;
      json = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
    } catch {
      json = undefined; // a truncated message (malformed on purpose): compared as text
    }
    return {
      file,
      text,
      json,
      sender: /"fixmedins_code":"(\w+)"/.exec(text)?.[1] ?? '',
      msgid: /"msgid":"([^"]+)"/.exec(text)?.[1] ?? '',
    };
  });
}

async function city(name: string, realForms?: number): Promise<City> {
  const dir = path.join(root, name);
  const summary = await generate(
    { ...TINY, ...(realForms === undefined ? {} : { senders: { realForms } }) },
    dirWriter(dir, { gzip: true }),
    { tables },
  );
  const store = await openStore(':memory:');
  try {
    await ingest(store, replayFiles(path.join(dir, 'messages')));
    const conn = await store.connect();
    try {
      const state = await orderFreeState(conn);
      state['trace_code'] = await snapshot(conn, 'trace_code');
      state['trace_code_version'] = await snapshot(conn, 'trace_code_version', ['batch_id']);
      state['quality_note'] = await snapshot(conn, 'quality_note', ['batch_id']);
      return { dir, summary, messages: messagesOf(dir), state, sums: await countsAndSums(conn) };
    } finally {
      conn.closeSync();
    }
  } finally {
    await store.close();
  }
}

const PSI = new Set(['3501', '3502', '3503', '3504', '3505', '3506']);

/** The body node of a message (`feedetail`, `selinfo` …) and its lines. */
function node(m: Json): { key: string; value: unknown; lines: Json[] } {
  const input = m['input'] as Json;
  const key = Object.keys(input)[0] as string;
  const value = input[key];
  return { key, value, lines: Array.isArray(value) ? (value as Json[]) : [value as Json] };
}

/**
 * A real sender's message written back in the textbook form: the upload mode its file stands for,
 * the node as a list, ids as text, a trace list as the line's `drug_trac_codg`.
 */
function textbook(m: Message): Json {
  const out = structuredClone(m.json) as Json;
  out['upload_mode'] ??= m.file.startsWith(`T1${path.sep}`) ? 'T1' : 'T0';
  const n = node(out);
  if (PSI.has(out['infno'] as string)) (out['input'] as Json)[n.key] = n.lines;
  for (const line of n.lines) {
    for (const f of ['feedetl_sn', 'init_feedetl_sn']) if (typeof line[f] === 'number') line[f] = String(line[f]);
    if (line['drugtracinfo'] !== undefined) {
      line['drug_trac_codg'] = (line['drugtracinfo'] as { drug_trac_codg: string }[]).map((t) => t.drug_trac_codg).join(',');
      delete line['drugtracinfo'];
    }
  }
  return out;
}

const csvRows = (file: string) => parse<Record<string, string>>(readFileSync(file, 'utf8'), { columns: true });

/** Rows of a snapshot as objects; `fix` edits each, and the snapshot is sorted again. */
function mapRows(rows: readonly string[], fix: (row: Json) => void): string[] {
  return rows
    .map((r) => {
      const row = JSON.parse(r) as Json;
      fix(row);
      return JSON.stringify(row);
    })
    .sort();
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fundwatch-senders-'));
  real = await city('real');
  plain = await city('plain', 0);
  realSet = new Set(real.summary.realSenders);
  const labels = Labels.parse(JSON.parse(readFileSync(path.join(real.dir, 'labels.json'), 'utf8')));
  malformed = new Set(labels.malformed.map((m) => m.msgid));
  const catalog = csvRows(path.join(real.dir, 'reference', 'catalog.csv'));
  pac = new Map(catalog.map((r) => [r['med_list_codg'] as string, Number(r['pac_cnt'])]));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generator: which institutions send like real senders', () => {
  it('chooses a third of the hospitals and of the pharmacies from the seed, recorded in the manifest; realForms 0 chooses none', async () => {
    const institutions = csvRows(path.join(real.dir, 'reference', 'institutions.csv'));
    for (const type of ['1', '2']) {
      const all = institutions.filter((i) => i['fixmedins_type'] === type).map((i) => i['fixmedins_code'] as string);
      const chosen = all.filter((c) => realSet.has(c));
      expect(chosen.length, type).toBe(Math.round(all.length / 3));
      expect(chosen.length, type).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(readFileSync(path.join(real.dir, 'manifest.json'), 'utf8')) as {
      realSenders: string[];
      config: { senders: { realForms: number } };
    };
    expect(manifest.realSenders).toEqual([...realSet].sort());
    expect(manifest.config.senders.realForms).toBeCloseTo(1 / 3);
    expect(plain.summary.realSenders).toEqual([]);
    expect(existsSync(path.join(plain.dir, 'messages', 'T1'))).toBe(false);
    // Another seed, another choice.
    const other = await generate({ ...TINY, seed: 43, days: 1 }, memoryWriter(), { tables });
    expect(other.realSenders.length).toBe(real.summary.realSenders.length);
    expect(other.realSenders).not.toEqual(real.summary.realSenders);
  });
});

describe('generator: service codes with a local price-item suffix', () => {
  it('a quarter of the hospitals, from the seed, send every service as <national code>-<price item>, and only they do', async () => {
    const institutions = csvRows(path.join(real.dir, 'reference', 'institutions.csv'));
    const hospitals = institutions.filter((i) => i['fixmedins_type'] === '1').map((i) => i['fixmedins_code'] as string);
    const local = new Set(real.summary.localCoders);
    expect(local.size).toBe(Math.round(hospitals.length / 4));
    expect(hospitals.filter((c) => local.has(c)).length).toBe(local.size);
    const kinds = new Map(
      csvRows(path.join(real.dir, 'reference', 'catalog.csv')).map((r) => [r['med_list_codg'] as string, r['list_type']]),
    );
    let suffixed = 0;
    for (const m of real.messages) {
      if (!m.json || malformed.has(m.msgid) || !['2204', '2301'].includes(m.json['infno'] as string)) continue;
      for (const line of node(m.json).lines) {
        const code = String(line['med_list_codg']);
        const [national, suffix] = code.split('-');
        expect(kinds.has(national as string), code).toBe(true);
        const service = kinds.get(national as string) === '201';
        // The suffix is the 9-digit 价格项目 number inside the national code (00 + number + 0000).
        expect(suffix, `${m.sender} ${code}`).toBe(service && local.has(m.sender) ? (national as string).slice(2, 11) : undefined);
        if (suffix) suffixed++;
      }
    }
    expect(suffixed).toBeGreaterThan(500);
    // Another seed, another choice, of the same size; the real-sender forms do not change it.
    expect(plain.summary.localCoders).toEqual(real.summary.localCoders);
    const other = await generate({ ...TINY, seed: 43, days: 1 }, memoryWriter(), { tables });
    expect(other.localCoders.length).toBe(local.size);
    expect(other.localCoders).not.toEqual(real.summary.localCoders);
  });
});

describe('generator: the real-sender forms', () => {
  it('omits upload_mode in every envelope of the chosen institutions (their malformed messages aside) and in none of the others', () => {
    const without = new Set<string>();
    let checked = 0;
    for (const m of real.messages) {
      if (!m.json || malformed.has(m.msgid)) continue;
      checked++;
      expect('upload_mode' in m.json, m.msgid).toBe(!realSet.has(m.sender));
      if (!('upload_mode' in m.json)) without.add(m.sender);
    }
    expect(checked).toBeGreaterThan(10_000);
    expect([...without].sort()).toEqual([...realSet].sort());
  });

  it("files the chosen institutions' T1 re-uploads under messages/T1/, and only theirs; the others' stay in the day files, marked T1", () => {
    const t1 = real.messages.filter((m) => m.file.startsWith(`T1${path.sep}`));
    expect(t1.length).toBeGreaterThan(20);
    for (const m of t1) {
      expect(realSet.has(m.sender), m.msgid).toBe(true);
      expect(['2204', '2301']).toContain(m.json?.['infno']);
      for (const line of node(m.json as Json).lines) expect(line['inscp_amt'], m.msgid).toBeDefined();
    }
    // The same re-uploads the textbook city marks T1, by msgid (identifiers do not depend on the form).
    const key = (m: Message) => `${m.sender}|${m.msgid}`;
    const plainT1 = plain.messages.filter((m) => m.json?.['upload_mode'] === 'T1');
    expect(t1.map(key).sort()).toEqual(
      plainT1
        .filter((m) => realSet.has(m.sender))
        .map(key)
        .sort(),
    );
    const stayed = real.messages.filter((m) => m.json?.['upload_mode'] === 'T1');
    expect(stayed.length).toBeGreaterThan(20);
    expect(stayed.map(key).sort()).toEqual(
      plainT1
        .filter((m) => !realSet.has(m.sender))
        .map(key)
        .sort(),
    );
    expect(stayed.every((m) => !m.file.includes(path.sep))).toBe(true);
  });

  it('writes 明细流水号 as JSON integers for the chosen institutions, as text for the others', () => {
    const kinds = { real: new Set<string>(), plain: new Set<string>() };
    let reversals = 0;
    for (const m of real.messages) {
      if (!m.json || malformed.has(m.msgid) || !['2204', '2301'].includes(m.json['infno'] as string)) continue;
      for (const line of node(m.json).lines) {
        kinds[realSet.has(m.sender) ? 'real' : 'plain'].add(typeof line['feedetl_sn']);
        if (line['init_feedetl_sn'] !== undefined) {
          expect(typeof line['init_feedetl_sn'], m.msgid).toBe(realSet.has(m.sender) ? 'number' : 'string');
          if (realSet.has(m.sender)) reversals++;
        }
      }
    }
    expect([...kinds.real]).toEqual(['number']);
    expect([...kinds.plain]).toEqual(['string']);
    expect(reversals).toBeGreaterThan(0);
  });

  it('sends one-object 进销存 nodes for one line and lists for several; the textbook senders always lists', () => {
    const seen = { object: 0, realList: 0 };
    for (const m of real.messages) {
      if (!m.json || !PSI.has(m.json['infno'] as string)) continue;
      const n = node(m.json);
      if (!realSet.has(m.sender)) expect(Array.isArray(n.value), m.msgid).toBe(true);
      else if (Array.isArray(n.value)) {
        expect(n.lines.length, m.msgid).toBeGreaterThan(1);
        seen.realList++;
      } else seen.object++;
    }
    expect(seen.object).toBeGreaterThan(500);
    expect(seen.realList).toBeGreaterThan(10);
  });

  it('puts the trace codes of sales and returns in drugtracinfo lists, one item per box, which land as trace_code rows', () => {
    // Trace rows of the ingested city per line ref.
    const traces = new Map<string, Json[]>();
    for (const r of real.state['trace_code'] as string[]) {
      const row = JSON.parse(r) as Json;
      const list = traces.get(row['ref'] as string) ?? [];
      list.push(row);
      traces.set(row['ref'] as string, list);
    }
    let lines = 0;
    let returns = 0;
    for (const m of real.messages) {
      const infno = m.json?.['infno'] as string;
      if (!m.json || !realSet.has(m.sender) || !PSI.has(infno)) continue;
      for (const line of node(m.json).lines) {
        expect(line['drug_trac_codg'], m.msgid).toBeUndefined();
        const list = line['drugtracinfo'] as { drug_trac_codg: string }[] | undefined;
        if (!list) continue;
        lines++;
        const boxes = line['trdn_flag'] === '1' ? 1 : Number(line['sel_retn_cnt']) / (pac.get(line['med_list_codg'] as string) as number);
        expect(list.length, m.msgid).toBe(boxes);
        const rows = traces.get(`psi:${m.sender}:4:${String(line['fixmedins_bchno'])}`) ?? [];
        expect(rows.map((r) => r['drug_trac_codg']).sort(), m.msgid).toEqual(list.map((t) => t.drug_trac_codg).sort());
        for (const r of rows) {
          expect(r['origin']).toBe('list');
          expect(r['is_return']).toBe(infno === '3506');
        }
        if (infno === '3506') returns++;
      }
    }
    expect(lines).toBeGreaterThan(1000);
    expect(returns).toBeGreaterThan(0);
  });
});

describe('generator: only the form changes', () => {
  it('writes every message of the real-sender city as the same city switched off writes it, once back in the textbook form', () => {
    const byId = new Map(plain.messages.map((m) => [`${m.sender}|${m.msgid}`, m]));
    expect(byId.size).toBe(plain.messages.length);
    expect(real.messages.length).toBe(plain.messages.length);
    for (const m of real.messages) {
      const p = byId.get(`${m.sender}|${m.msgid}`);
      expect(p, m.msgid).toBeDefined();
      expect(p?.file, m.msgid).toBe(m.file.replace(`T1${path.sep}`, ''));
      if (!m.json || !realSet.has(m.sender) || malformed.has(m.msgid)) expect(m.text, m.msgid).toBe(p?.text);
      else expect(textbook(m), m.msgid).toEqual(p?.json);
    }
  });

  it('lands as the same rows: visits, fee lines, settlements, 进销存 lines, every version, the current T1 rows, the trace codes', () => {
    const fromReal = (code: unknown) => realSet.has(code as string);
    const psiOfReal = (ref: unknown) => [...realSet].some((c) => (ref as string).startsWith(`psi:${c}:`));
    // The textbook city with, for the real senders, exactly what their form records instead.
    const expected: Record<string, string[]> = {};
    for (const [relation, rows] of Object.entries(plain.state)) {
      if (relation === 'message')
        expected[relation] = mapRows(rows, (r) => {
          if (fromReal(r['fixmedins_code'])) r['upload_mode_source'] = 'source';
        });
      else if (relation === 'psi_line' || relation === 'psi_line_version')
        expected[relation] = mapRows(rows, (r) => {
          if (fromReal(r['fixmedins_code']) && r['drug_trac_codg'] !== null) r['drug_trac_codg'] = null;
        });
      else if (relation === 'trace_code' || relation === 'trace_code_version')
        expected[relation] = mapRows(rows, (r) => {
          if (psiOfReal(r['ref'])) r['origin'] = 'list';
        });
      else if (relation !== 'quality_note') expected[relation] = rows;
    }
    const { quality_note: notes, ...got } = real.state;
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const relation of Object.keys(expected)) expect(got[relation], relation).toEqual(expected[relation]);
    expect(real.sums).toEqual(plain.sums);

    // The T1 re-uploads from messages/T1/ are current: T1 still wins.
    const t1Current = (got['fee_line'] as string[])
      .map((r) => JSON.parse(r) as Json)
      .filter((r) => fromReal(r['fixmedins_code']) && r['upload_mode'] === 'T1');
    expect(t1Current.length).toBeGreaterThan(100);

    // The only notes: the one-object nodes, one per message of one 进销存 line from a real sender.
    expect(plain.state['quality_note']).toEqual([]);
    const single = real.messages.filter(
      (m) => m.json && realSet.has(m.sender) && PSI.has(m.json['infno'] as string) && !Array.isArray(node(m.json).value),
    );
    expect(
      mapRows(notes as string[], () => undefined).map((r) => {
        const n = JSON.parse(r) as Json;
        return `${String(n['fixmedins_code'])}|${String(n['msgid'])}|${String(n['code'])}`;
      }),
    ).toEqual(single.map((m) => `${m.sender}|${m.msgid}|one-object-node`).sort());
  });
});
