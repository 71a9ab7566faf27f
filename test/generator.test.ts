import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGenerate } from '../cli/commands/generate.js';
import { Labels } from '../contract/labels.js';
import { REFERENCE_FILES } from '../contract/reference.js';
import { PACKAGE_ROOT } from '../core/config.js';
import {
  dirWriter,
  generate,
  GeneratorConfig,
  INJECTED_PATTERNS,
  knowledgeTables,
  memoryWriter,
  planSchedule,
  type GenerateSummary,
} from '../generator/index.js';
import { decodeMessage } from '../ingest/index.js';
import { parseReference } from '../reference/index.js';
import { runRegistered } from './support/cli.js';

/**
 * The generator at tiny scale: determinism, validity of every message against the real ingest
 * validation, the deliberately malformed messages, the contract's keys and arithmetic, and the
 * schedule ↔ labels bookkeeping. (What the labels mean is checked by generator-oracle.test.ts.)
 */

const tables = knowledgeTables();
let root: string;
let summary: GenerateSummary;
let labels: Labels;
let messages: string[];
/** The upload mode of each message: its envelope's, else its file's (`messages/T1/` is T1, contract §8). */
let modes: Map<string, 'T0' | 'T1'>;

const TINY = { seed: 42, scale: 'tiny' } as const;

function readDir(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fundwatch-gen-'));
  summary = await generate(TINY, dirWriter(path.join(root, 'a'), { gzip: true }), { tables });
  labels = Labels.parse(JSON.parse(readFileSync(path.join(root, 'a', 'labels.json'), 'utf8')));
  messages = [];
  modes = new Map();
  for (const [name, buf] of readDir(path.join(root, 'a', 'messages'))) {
    // Real senders' T1 re-uploads, whose envelope does not say T1, have a directory of their own.
    expect(name).toMatch(/^(T1\/)?\d{4}-\d{2}-\d{2}\.ndjson\.gz$/);
    for (const line of gunzipSync(buf).toString('utf8').split('\n').filter(Boolean)) {
      messages.push(line);
      const mode = /"upload_mode":"(T[01])"/.exec(line)?.[1] ?? (name.startsWith('T1/') ? 'T1' : 'T0');
      modes.set(line, mode as 'T0' | 'T1');
    }
  }
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generator: determinism', () => {
  it('gives byte-identical files for the same seed, different ones for another seed', async () => {
    await generate(TINY, dirWriter(path.join(root, 'b'), { gzip: true }), { tables });
    const a = readDir(path.join(root, 'a'));
    const b = readDir(path.join(root, 'b'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()]).toContain('labels.json');
    expect(a.size).toBeGreaterThan(10);
    for (const [name, buf] of a) expect(sha(b.get(name) as Buffer), name).toBe(sha(buf));

    const other = memoryWriter();
    await generate({ ...TINY, seed: 43 }, other, { tables });
    expect((other.files.get('labels.json') as string[])[0]).not.toBe(a.get('labels.json')?.toString('utf8'));
  });

  it('uses no clock and no Math.random in the generator sources', () => {
    const dir = path.join(PACKAGE_ROOT, 'generator');
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('writer.ts'));
    expect(sources.length).toBeGreaterThan(20);
    for (const f of sources) {
      const code = readFileSync(path.join(dir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(code, f).not.toMatch(/Math\.random|Date\.now|new Date\(|performance\.now/);
    }
  });
});

describe('generator: messages against the real ingest validation', () => {
  it('has about 20 thousand fee lines at tiny scale', () => {
    expect(summary.stats.feeLines).toBeGreaterThan(15_000);
    expect(summary.stats.feeLines).toBeLessThan(28_000);
    expect(summary.days).toBe(7);
  });

  it('passes decodeMessage except exactly the malformed messages listed in labels.json, each with a reason', () => {
    const rejected = new Map<string, string>();
    for (const line of messages) {
      const r = decodeMessage(Buffer.from(line, 'utf8'), 'test-key');
      if (r.ok) continue;
      const msgid = /"msgid":"([^"]+)"/.exec(line)?.[1];
      expect(msgid, line.slice(0, 200)).toBeDefined();
      rejected.set(msgid as string, r.rejection.code);
    }
    expect(labels.malformed.length).toBeGreaterThanOrEqual(6);
    expect([...rejected.keys()].sort()).toEqual(labels.malformed.map((m) => m.msgid).sort());
    for (const m of labels.malformed) expect(m.reason.length).toBeGreaterThan(3);
    // Several different ways of being malformed.
    expect(new Set(rejected.values()).size).toBeGreaterThanOrEqual(5);
  });

  it('keeps the contract keys unique: msgid per sender, 就诊ID and setl_id per institution, 明细流水号 per visit, 批次流水号 per kind', () => {
    const seen = {
      msgid: new Set<string>(),
      visit: new Set<string>(),
      setl: new Set<string>(),
      fee: new Set<string>(),
      psi: new Set<string>(),
    };
    const dup = (set: Set<string>, key: string) => {
      if (set.has(key)) return key;
      set.add(key);
      return undefined;
    };
    const dups: string[] = [];
    const psiKind: Record<string, string> = { '3501': '1', '3502': '2', '3503': '3', '3504': '3', '3505': '4', '3506': '4' };
    for (const line of messages) {
      const r = decodeMessage(Buffer.from(line, 'utf8'), 'test-key');
      if (!r.ok) continue;
      const m = JSON.parse(line) as {
        infno: string;
        msgid: string;
        fixmedins_code: string;
        input: {
          data?: { mdtrt_id: string };
          setlinfo?: { setl_id: string };
          feedetail?: { mdtrt_id: string; feedetl_sn: string | number }[];
        };
      };
      const inst = m.fixmedins_code;
      dups.push(dup(seen.msgid, `${inst}|${m.msgid}`) ?? '');
      if (m.infno === '2201' || m.infno === '2401') dups.push(dup(seen.visit, `${inst}|${m.input.data?.mdtrt_id}`) ?? '');
      if (m.infno === '2207' || m.infno === '2304') dups.push(dup(seen.setl, `${inst}|${m.input.setlinfo?.setl_id}`) ?? '');
      if ((m.infno === '2204' || m.infno === '2301') && modes.get(line) === 'T0')
        for (const f of m.input.feedetail ?? []) dups.push(dup(seen.fee, `${inst}|${f.mdtrt_id}|${f.feedetl_sn}`) ?? '');
      const kind = psiKind[m.infno];
      if (kind) {
        // A real sender's node of one line is the object itself (contract §8).
        const node = Object.values(m.input as Record<string, unknown>)[0] as { fixmedins_bchno: string } | { fixmedins_bchno: string }[];
        for (const l of Array.isArray(node) ? node : [node]) dups.push(dup(seen.psi, `${inst}|${kind}|${l.fixmedins_bchno}`) ?? '');
      }
    }
    expect(dups.filter(Boolean)).toEqual([]);
    expect(seen.visit.size).toBeGreaterThan(2000);
    expect(seen.psi.size).toBeGreaterThan(1000);
  });

  it('writes each fee line per smallest unit with det_item_fee_sumamt = cnt × pric rounded to 2 places, in messages of at most 20 lines', () => {
    const micro = (v: string | number) => Math.round(Number(v) * 1e6);
    let lines = 0;
    let maxPerMessage = 0;
    let feeMessages = 0;
    for (const line of messages) {
      if (!decodeMessage(Buffer.from(line), 'k').ok) continue;
      const m = JSON.parse(line) as {
        infno?: string;
        input?: {
          feedetail?: { cnt: string | number; pric: string | number; det_item_fee_sumamt: string | number; drug_trac_codg?: string }[];
        };
      };
      if (!m.input?.feedetail) continue;
      feeMessages++;
      maxPerMessage = Math.max(maxPerMessage, m.input.feedetail.length);
      for (const f of m.input.feedetail) {
        lines++;
        const cnt = Number(f.cnt);
        const expected = Math.sign(cnt) * Math.floor((Math.abs(cnt) * micro(f.pric)) / 10000 + 0.5);
        expect(Math.round(Number(f.det_item_fee_sumamt) * 100), JSON.stringify(f)).toBe(expected);
        if (f.drug_trac_codg !== undefined) expect(f.drug_trac_codg).toMatch(/^\d{20}$/);
      }
    }
    expect(lines).toBeGreaterThan(15_000);
    expect(maxPerMessage).toBe(20);
    expect(lines / feeMessages).toBeGreaterThan(5);
  });

  it('has insured buyers settled, and the noise of real data: reversals, cancellations, T1 corrections, sub-codes, numbers as JSON numbers', () => {
    const text = messages.join('\n');
    expect(text).toMatch(/"init_feedetl_sn":"\d+"/);
    expect(text).toMatch(/"infno":"2208"/);
    expect(text).toMatch(/"upload_mode":"T1"/);
    expect(text).toMatch(/"inscp_amt":/);
    expect(text).toMatch(/"med_type":"(140104|2105)"/);
    expect(text).toMatch(/"det_item_fee_sumamt":\d/);
    expect(text).toMatch(/"det_item_fee_sumamt":"\d/);
    expect(text).toMatch(/"trdn_flag":"1"/);
    expect(text).toMatch(/"infno":"3503"/);
    expect(text).toMatch(/"infno":"3501"/);
    expect(summary.stats.byInfno['2402']).toBeGreaterThan(20);
  });
});

describe('generator: reference files and personal data', () => {
  it('writes every contract §3 file, each row valid for the reference loader', () => {
    for (const ref of REFERENCE_FILES) {
      const text = readFileSync(path.join(root, 'a', 'reference', ref.file), 'utf8');
      const parsed = parseReference(ref, text, 'test-key');
      expect(parsed.headerIssues, ref.file).toEqual([]);
      expect(parsed.rejected, ref.file).toEqual([]);
      expect(parsed.rows.length, ref.file).toBeGreaterThan(2);
    }
  });

  it('gives well-formed 身份证号 (valid check digit, birth date and sex agreeing with insured.csv)', () => {
    const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const check = (id: string) => '10X98765432'[[...id.slice(0, 17)].reduce((s, d, i) => s + Number(d) * (W[i] as number), 0) % 11];
    const rows = readFileSync(path.join(root, 'a', 'reference', 'insured.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.length).toBe(summary.persons);
    const ids = new Set<string>();
    for (const row of rows) {
      const [, gend, brdy, insutype, , certno] = row.split(',');
      expect(certno).toMatch(/^\d{17}[\dX]$/);
      expect(certno?.[17]).toBe(check(certno as string));
      expect(certno?.slice(6, 14)).toBe(brdy?.replace(/-/g, ''));
      expect(Number(certno?.[16]) % 2 === 1 ? '1' : '2').toBe(gend);
      expect(['310', '390']).toContain(insutype);
      ids.add(certno as string);
    }
    expect(ids.size).toBe(rows.length);
  });

  it('puts names and ID numbers in visits and settlements, as real uploads do', () => {
    const settlement = messages.find((l) => l.includes('"infno":"2207"'));
    expect(settlement).toMatch(/"psn_name":"[\u4e00-\u9fff]{2,4}"/);
    expect(settlement).toMatch(/"certno":"\d{17}[\dX]"/);
    // 异地就医: some insured elsewhere.
    expect(
      messages.some((l) => {
        const m = /"mdtrtarea_admvs":"(\d{6})","insuplc_admdvs":"(\d{6})"/.exec(l);
        return m !== null && m[1] !== m[2];
      }),
    ).toBe(true);
  });
});

describe('generator: schedule and labels', () => {
  it('labels exactly what its schedule injects: one label per job', () => {
    const jobs = planSchedule(TINY, tables);
    const fraudJobs = jobs.filter((j) => (INJECTED_PATTERNS as readonly string[]).includes(j.kind));
    const count = (list: readonly { pattern: string }[]) =>
      list.reduce<Record<string, number>>((m, l) => ({ ...m, [l.pattern]: (m[l.pattern] ?? 0) + 1 }), {});
    expect(count(labels.frauds)).toEqual(count(fraudJobs.map((j) => ({ pattern: j.kind }))));
    expect(labels.honest.length).toBe(
      jobs.filter((j) => !(INJECTED_PATTERNS as readonly string[]).includes(j.kind) && j.kind !== 'malformed').length,
    );
    expect(labels.malformed.length).toBe(jobs.filter((j) => j.kind === 'malformed').length);
    for (const l of [...labels.frauds, ...labels.honest]) expect(l.note, JSON.stringify(l)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('injects every pattern even at tiny scale, and rates are configurable (0 turns a pattern off)', () => {
    expect(new Set(labels.frauds.map((l) => l.pattern))).toEqual(new Set(INJECTED_PATTERNS));
    const config = GeneratorConfig.parse({ ...TINY, rates: { 'over-price': 0, resale: 0.002 } });
    const jobs = planSchedule(config, tables);
    expect(jobs.filter((j) => j.kind === 'over-price')).toEqual([]);
    expect(jobs.filter((j) => j.kind === 'resale').length).toBe(Math.round(0.002 * 14_500));
    expect(() => GeneratorConfig.parse({ ...TINY, rates: { 'no-such-pattern': 1 } })).toThrow();
  });
});

describe('`fundwatch generate` (the command module, as main.ts will register it)', () => {
  const run = (args: string[]) => runRegistered(registerGenerate, args);

  it('writes a city and prints a Chinese summary; refuses to overwrite without --force; --json; --config rates', async () => {
    const out = path.join(root, 'cli');
    const text = await run(['generate', '--seed', '5', '--scale', 'tiny', '--days', '3', '--out', out, '--no-gzip', '-q']);
    expect(text).toContain('生成完成');
    expect(text).toMatch(/费用明细 \(T0\)\s+[\d,]+/);
    expect(text).toContain('串换药品/项目');
    expect(existsSync(path.join(out, 'labels.json'))).toBe(true);
    const written = readdirSync(path.join(out, 'messages'), { recursive: true, encoding: 'utf8' });
    expect(written.filter((f) => f !== 'T1').every((f) => f.endsWith('.ndjson'))).toBe(true);
    expect(written.some((f) => f.startsWith(`T1${path.sep}`))).toBe(true);
    await expect(run(['generate', '--seed', '5', '--scale', 'tiny', '--days', '3', '--out', out])).rejects.toMatchObject({ code: 'usage' });
    const rates = path.join(root, 'rates.json');
    writeFileSync(rates, JSON.stringify({ rates: { 'over-price': 0 } }));
    const json = JSON.parse(
      await run(['generate', '--seed', '5', '--scale', 'tiny', '--days', '3', '--out', out, '--force', '--json', '--config', rates]),
    ) as {
      labels: { frauds: Record<string, number> };
      stats: { feeLines: number };
    };
    expect(json.labels.frauds['over-price']).toBeUndefined();
    expect(json.stats.feeLines).toBeGreaterThan(5000);
    writeFileSync(rates, JSON.stringify({ rates: { 'over-price': 2 } }));
    await expect(
      run(['generate', '--seed', '5', '--scale', 'tiny', '--out', path.join(root, 'cli2'), '--config', rates]),
    ).rejects.toMatchObject({ code: 'usage' });
    await expect(run(['generate', '--seed', '5', '--scale', 'village', '--out', path.join(root, 'cli2')])).rejects.toMatchObject({
      code: 'usage',
    });
    await expect(run(['generate', '--scale', 'tiny', '--out', path.join(root, 'cli2')])).rejects.toThrow(/--seed/);
  });
});
