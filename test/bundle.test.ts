import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyBundle, writeBundle, sha256Hex, STOCK_PATTERNS, type BundleResult, type Manifest } from '../bundle/index.js';
import { groupCases } from '../cases/index.js';
import { main } from '../cli/main.js';
import { runDetectors, runnableDetectors } from '../detectors/index.js';
import { dirWriter, generate } from '../generator/index.js';
import { replay, replayFiles } from '../ingest/index.js';
import { loadReference } from '../reference/index.js';
import { detect, detectableRules, knowledgeOrThrow } from '../rules/index.js';
import { writeHits, type Hit } from '../score/index.js';
import { openStore, type Store } from '../store/index.js';
import { MESSAGES_DIR, MESSAGE_FILES, PII_KEY } from './support/fixtures.js';
import { generatedLines } from './support/generated.js';
import { hit } from './support/hits.js';
import { tempDir } from './support/temp.js';

/**
 * The evidence bundle (issue 15 item 5) on real data: a generated tiny city through the real
 * ingest, rules, detectors and grouping, every case bundled; and the hand-made fixtures, whose raw
 * messages carry clear names and 身份证号, bundled through the CLI.
 */

const tmp = tempDir('bundle');
const NOW = '2026-02-01 08:00:00';

// ---- reading a bundle back, independently of bundle/ ----

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** The zip's entries; the XLSX (itself a zip) inflated too, its parts under `lines.xlsx/…`. */
function entriesOf(file: string): Record<string, Uint8Array> {
  const outer = unzipSync(readFileSync(file));
  const all: Record<string, Uint8Array> = { ...outer };
  for (const [name, bytes] of Object.entries(outer))
    if (name.endsWith('.xlsx')) for (const [inner, b] of Object.entries(unzipSync(bytes))) all[`${name}/${inner}`] = b;
  return all;
}

const csvRows = (b: Uint8Array | undefined) => parse<Record<string, string>>(decode(b ?? new Uint8Array()), { bom: true, columns: true });

/** A decimal text as integer ten-thousandths (no floating point in the sums). */
function units(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{0,4}))?$/.exec(s);
  if (!m) throw new Error(`not an amount: ${s}`);
  const v = BigInt(m[2] ?? '0') * 10000n + BigInt((m[3] ?? '').padEnd(4, '0'));
  return m[1] ? -v : v;
}

/** The offending lines (违规项) of lines.csv: each ref once, adding up (rounded to cents) to the case amount. */
async function checkAmounts(conn: DuckDBConnection, caseId: string, entries: Record<string, Uint8Array>): Promise<void> {
  const offending = csvRows(entries['lines.csv']).filter((l) => l['角色'] === '违规项');
  const refs = offending.map((l) => l['ref'] ?? '');
  expect(new Set(refs).size, `${caseId}: each line once`).toBe(refs.length);
  // The same lines as the case's live hits name (plus their hits without 违规项), asked of the store directly.
  const want = await conn.runAndReadAll(
    `SELECT DISTINCT d.ref FROM case_hit ch JOIN hit h USING (jr_id) JOIN hit_detail d USING (jr_id)
     WHERE ch.case_id = $id AND NOT h.withdrawn AND d.vola_item_type = 1
     UNION SELECT 'hit:' || h.jr_id FROM case_hit ch JOIN hit h USING (jr_id)
     WHERE ch.case_id = $id AND NOT h.withdrawn AND NOT EXISTS (SELECT 1 FROM hit_detail d WHERE d.jr_id = h.jr_id AND d.vola_item_type = 1)`,
    { id: caseId },
  );
  expect([...refs].sort()).toEqual(
    want
      .getRows()
      .map((r) => String(r[0]))
      .sort(),
  );
  const sum = offending.reduce((s, l) => s + units(l['计入金额'] ?? ''), 0n);
  const cents = (sum + 50n) / 100n;
  const amount = await conn.runAndReadAll(`SELECT CAST(amount AS VARCHAR) FROM case_file WHERE case_id = $id`, { id: caseId });
  expect(cents * 100n, `${caseId}: line total = case_file.amount`).toBe(units(String(amount.getRows()[0]?.[0])));
}

/** Every file's SHA-256 and size as the manifest lists them, and no other file. */
function checkManifest(entries: Record<string, Uint8Array>): Manifest {
  const manifest = JSON.parse(decode(entries['manifest.json'] ?? new Uint8Array())) as Manifest;
  const outer = Object.keys(entries).filter((n) => !n.includes('.xlsx/') && n !== 'manifest.json');
  expect(Object.keys(manifest.files).sort()).toEqual(outer.sort());
  for (const name of outer) {
    const bytes = entries[name] as Uint8Array;
    expect(manifest.files[name], name).toEqual({ sha256: sha256Hex(bytes), size: bytes.length });
  }
  return manifest;
}

const ID_SHAPED = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;

/** No file (XLSX parts included) holds an ID-shaped run or any of the clear values. */
function checkNoClearPii(entries: Record<string, Uint8Array>, clear: readonly string[]): void {
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('.xlsx')) continue; // its parts are scanned inflated
    const t = decode(bytes);
    expect(ID_SHAPED.exec(t)?.[0], name).toBeUndefined();
    for (const v of clear) expect(t.includes(v), `${name} holds a clear value`).toBe(false);
  }
}

/** The clear personal data of raw messages: names and 身份证号 by psn_no, and every prescriber's 身份证号. */
function clearValues(lines: readonly string[]): { byPerson: Map<string, Set<string>>; all: Set<string> } {
  const byPerson = new Map<string, Set<string>>();
  const all = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const k of ['psn_name', 'certno', 'prsc_dr_certno']) {
      const x = o[k];
      if (typeof x !== 'string' || !x) continue;
      all.add(x);
      if (typeof o['psn_no'] === 'string' && k !== 'prsc_dr_certno')
        byPerson.set(o['psn_no'], (byPerson.get(o['psn_no']) ?? new Set()).add(x));
    }
    Object.values(o).forEach(walk);
  };
  for (const l of lines) {
    try {
      walk(JSON.parse(l));
    } catch {
      // a deliberately broken line of the fixtures: its values are taken below by pattern
    }
  }
  return { byPerson, all };
}

// ---- a generated city ----

describe('bundles of a generated tiny city (real ingest, detect, grouping)', () => {
  let store: Store;
  let conn: DuckDBConnection;
  let clear: ReturnType<typeof clearValues>;
  const cases: { case_id: string; pattern: string; version: number }[] = [];
  const written = new Map<string, BundleResult>();

  beforeAll(async () => {
    const city = path.join(tmp, 'city');
    await generate({ seed: 11, scale: 'tiny', days: 4 }, dirWriter(city, { gzip: true }));
    store = await openStore(path.join(tmp, 'city.duckdb'));
    conn = await store.connect();
    await loadReference(conn, path.join(city, 'reference'), { piiKey: PII_KEY });
    await replay(store, replayFiles(path.join(city, 'messages')), { piiKey: PII_KEY, workers: 0 });
    await detect(conn, detectableRules(), knowledgeOrThrow(), {}, NOW);
    await runDetectors(conn, runnableDetectors(), {}, NOW);
    await groupCases(conn, NOW);
    clear = clearValues(generatedLines(path.join(city, 'messages')).map((l) => l.text));
    const insured = readFileSync(path.join(city, 'reference', 'insured.csv'), 'utf8');
    for (const r of parse<Record<string, string>>(insured, { columns: true })) if (r['certno']) clear.all.add(r['certno']);
    const r = await conn.runAndReadAll(`SELECT case_id, pattern, version FROM case_file WHERE hit_count > 0 ORDER BY case_id`);
    for (const [id, pattern, version] of r.getRows())
      cases.push({ case_id: String(id), pattern: String(pattern), version: Number(version) });
    for (const c of cases)
      written.set(
        c.case_id,
        await writeBundle(conn, { case_id: c.case_id, outDir: path.join(tmp, 'out'), role: '检查组长' }, { now: NOW, actor: '张三' }),
      );
  }, 240_000);

  afterAll(async () => {
    conn?.closeSync();
    await store?.close();
  });

  it('bundles cases of pharmacy and hospital patterns', () => {
    const patterns = new Set(cases.map((c) => c.pattern));
    for (const p of ['inventory-mismatch', 'trace-code-reuse', 'resale', 'drug-substitution']) expect(patterns, p).toContain(p);
    expect(cases.some((c) => !STOCK_PATTERNS.has(c.pattern))).toBe(true);
  });

  it('every bundle: the manifest hashes match its files, and it names the case version, actor and role', () => {
    for (const c of cases) {
      const b = written.get(c.case_id) as BundleResult;
      expect(path.basename(b.file)).toBe(`bundle-${c.case_id}-20260201080000.zip`);
      const m = checkManifest(entriesOf(b.file));
      expect(m).toMatchObject({ case_id: c.case_id, case_version: c.version, created_at: NOW, actor: '张三', role: '检查组长' });
      expect(sha256Hex(unzipSync(readFileSync(b.file))['manifest.json'] as Uint8Array)).toBe(b.manifest_sha256);
    }
  });

  it("every bundle: the offending lines, each counted once, add up to the case's amount", async () => {
    let shared = 0;
    for (const c of cases) {
      const e = entriesOf((written.get(c.case_id) as BundleResult).file);
      await checkAmounts(conn, c.case_id, e);
      // The worksheet shows lines several hits name: the case where counting once matters.
      shared += csvRows(e['amounts.csv']).filter((r) => Number(r['命中数']) > 1).length;
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('no file holds a clear 身份证号 or name, the XLSX inflated too; visits show masked names', () => {
    // The raw data does hold them: ID-shaped 身份证号 (messages and insured.csv) and the clear names of the people bundled.
    expect([...clear.all].filter((v) => ID_SHAPED.test(v)).length).toBeGreaterThan(100);
    let masked = 0;
    let named = 0;
    for (const c of cases) {
      const e = entriesOf((written.get(c.case_id) as BundleResult).file);
      const text = Object.values(e).map(decode).join('\n');
      const people = new Set(text.match(/PSN\d+/g) ?? []);
      const theirs = [...people].flatMap((p) => [...(clear.byPerson.get(p) ?? [])]);
      // Every other 身份证号 (the city's and the prescribers') is caught by the ID-shaped scan.
      checkNoClearPii(e, theirs);
      named += theirs.length;
      masked += csvRows(e['visits.csv']).filter((v) => /^.\*+$/.test(v['姓名 (脱敏)'] ?? '')).length;
    }
    expect(masked).toBeGreaterThan(0);
    expect(named).toBeGreaterThan(0);
  });

  it('stock patterns carry the 进销存 ledger and the trace-code history; other patterns do not', async () => {
    for (const c of cases) {
      const e = entriesOf((written.get(c.case_id) as BundleResult).file);
      expect('ledger.csv' in e, c.pattern).toBe(STOCK_PATTERNS.has(c.pattern));
      expect('trace-codes.csv' in e, c.pattern).toBe(STOCK_PATTERNS.has(c.pattern));
    }
    const reuse = cases.find((c) => c.pattern === 'trace-code-reuse') as { case_id: string };
    const traces = csvRows(entriesOf((written.get(reuse.case_id) as BundleResult).file)['trace-codes.csv']);
    const byCode = new Map<string, Set<string>>();
    for (const t of traces) byCode.set(t['追溯码'] ?? '', (byCode.get(t['追溯码'] ?? '') ?? new Set()).add(t['机构编码'] ?? ''));
    expect(Math.max(...[...byCode.values()].map((s) => s.size))).toBeGreaterThan(1);
    // The ledger rows are the ledger table's, for the drugs and days the case names.
    const stock =
      cases.find((c) => c.pattern === 'inventory-mismatch' && written.get(c.case_id)?.case_amount) ??
      cases.find((c) => c.pattern === 'inventory-mismatch');
    const ledger = csvRows(entriesOf((written.get(stock?.case_id ?? '') as BundleResult).file)['ledger.csv']);
    expect(ledger.length).toBeGreaterThan(0);
    for (const l of ledger.filter((x) => x['涉及日'] === '是')) {
      const r = await conn.runAndReadAll(
        `SELECT CAST(stock AS VARCHAR), CAST(settled AS VARCHAR) FROM ledger WHERE fixmedins_code = $c AND med_list_codg = $m AND day = CAST($d AS DATE)`,
        {
          c: l['机构编码'] ?? '',
          m: l['药品编码'] ?? '',
          d: l['日期'] ?? '',
        },
      );
      expect(r.getRows().map((x) => x.map(String))).toEqual([[l['重建库存'], l['医保结算数量']]]);
    }
  });

  it("provenance: every hit's source and version; a rule's SQL with its parameters finds the hit again", async () => {
    let rerun = 0;
    for (const c of cases) {
      const e = entriesOf((written.get(c.case_id) as BundleResult).file);
      const p = JSON.parse(decode(e['provenance.json'] as Uint8Array)) as {
        hits: {
          jr_id: string;
          kind: string;
          rule_version: string;
          library_version: string;
          sql?: string;
          params?: Record<string, string | number | boolean | null>;
          knowledge_tables?: string[];
          detector_params?: object;
        }[];
      };
      const ids = await conn.runAndReadAll(`SELECT jr_id FROM case_hit WHERE case_id = $id`, { id: c.case_id });
      expect(p.hits.map((h) => h.jr_id).sort()).toEqual(
        ids
          .getRows()
          .map((r) => String(r[0]))
          .sort(),
      );
      for (const h of p.hits) {
        expect(h.kind).not.toBe('unknown');
        expect(h.library_version).toBe(h.rule_version);
        if (h.kind === 'detector') expect(h.detector_params).toBeTypeOf('object');
        if (h.kind !== 'rule' || h.knowledge_tables?.length || rerun >= 3) continue;
        const r = await conn.runAndReadAll(`SELECT jr_id FROM (${h.sql ?? ''})`, h.params ?? {});
        expect(r.getRows().map((x) => String(x[0]))).toContain(h.jr_id);
        rerun++;
      }
    }
    expect(rerun).toBeGreaterThan(0);
  });

  it('verify passes on a fresh bundle and the audit entry exists; fails on a tampered file, manifest or extra file', async () => {
    const c = cases.find((x) => x.pattern === 'drug-substitution') as { case_id: string };
    const b = written.get(c.case_id) as BundleResult;
    const audit = await conn.runAndReadAll(
      `SELECT actor, CAST(after AS VARCHAR) FROM case_audit WHERE case_id = $id AND action = 'bundle'`,
      { id: c.case_id },
    );
    expect(audit.getRows().map((r) => [String(r[0]), JSON.parse(String(r[1])) as unknown])).toEqual([
      ['张三', { file: path.basename(b.file), manifest_sha256: b.manifest_sha256, role: '检查组长' }],
    ]);
    const fresh = await verifyBundle(conn, { file: b.file });
    expect(fresh).toMatchObject({ ok: true, case_id: c.case_id, problems: [], audit: { actor: '张三', role: '检查组长' } });

    const entries = unzipSync(readFileSync(b.file));
    const edited = new TextEncoder().encode(decode(entries['lines.csv'] as Uint8Array).replace(/13\.49/, '31.49'));
    const write = (name: string, files: Record<string, Uint8Array>) => {
      const f = path.join(tmp, name);
      writeFileSync(f, zipSync(files));
      return f;
    };
    const changed = await verifyBundle(conn, { file: write('changed.zip', { ...entries, 'lines.csv': edited }) });
    expect(changed.ok).toBe(false);
    expect(changed.files.filter((f) => !f.ok)).toEqual([{ name: 'lines.csv', ok: false, status: 'changed' }]);
    expect(changed.audit).not.toBeNull(); // the manifest itself is the recorded one

    // A manifest rewritten to match the edited file no longer matches the audit log.
    const m = JSON.parse(decode(entries['manifest.json'] as Uint8Array)) as Manifest;
    const forged = { ...m, files: { ...m.files, 'lines.csv': { sha256: sha256Hex(edited), size: edited.length } } };
    const reManifested = await verifyBundle(conn, {
      file: write('forged.zip', { ...entries, 'lines.csv': edited, 'manifest.json': new TextEncoder().encode(JSON.stringify(forged)) }),
    });
    expect(reManifested).toMatchObject({ ok: false, audit: null });
    expect(reManifested.files.every((f) => f.ok)).toBe(true);

    const extra = await verifyBundle(conn, { file: write('extra.zip', { ...entries, 'note.txt': new TextEncoder().encode('x') }) });
    expect(extra.files.filter((f) => !f.ok)).toEqual([{ name: 'note.txt', ok: false, status: 'unlisted' }]);
    const { ['visits.csv']: _gone, ...fewer } = entries;
    expect((await verifyBundle(conn, { file: write('fewer.zip', fewer) })).files.filter((f) => !f.ok)).toEqual([
      { name: 'visits.csv', ok: false, status: 'missing' },
    ]);
    const broken = path.join(tmp, 'broken.zip');
    writeFileSync(broken, readFileSync(b.file).subarray(0, 200));
    expect((await verifyBundle(conn, { file: broken })).ok).toBe(false);
  });
});

// ---- the hand-made fixtures, through the CLI ----

describe('fundwatch bundle on the hand-made fixtures (clear names and 身份证号 in the raw messages)', () => {
  const db = path.join(tmp, 'fixtures.duckdb');
  const out = path.join(tmp, 'fx-out');
  let caseIds: string[] = [];

  /** Runs the CLI in-process (the same main as bin/fundwatch.js) and returns its exit code and output. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true));
    try {
      return { code: await main([...args, '--db', db]), stdout, stderr };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  beforeAll(async () => {
    vi.stubEnv('FUNDWATCH_PII_KEY', PII_KEY);
    vi.stubEnv('FUNDWATCH_USER', '');
    const store = await openStore(db);
    const conn = await store.connect();
    await loadReference(conn, path.join(MESSAGES_DIR, '..', 'reference'), { piiKey: PII_KEY });
    await replay(
      store,
      MESSAGE_FILES.map((f) => path.join(MESSAGES_DIR, f)),
      { piiKey: PII_KEY, workers: 0 },
    );
    // The fixtures are honest (no rule fires): hits are written by hand on their real fee lines.
    // One per visit on all its lines, a second one on two of them (lines named twice), and one
    // naming only a person (no 违规项): the shapes the case amount counts.
    const lines = await conn.runAndReadAll(
      `SELECT fixmedins_code, mdtrt_id, psn_no, list(feedetl_sn ORDER BY feedetl_sn), list(CAST(det_item_fee_sumamt AS DOUBLE) ORDER BY feedetl_sn)
       FROM fee_line WHERE det_item_fee_sumamt > 0 GROUP BY ALL ORDER BY ALL`,
    );
    const hits: Hit[] = [];
    for (const [code, mdtrt, psn, sns, amts] of lines.getRows()) {
      const sn = (sns as { items: string[] }).items;
      const amt = (amts as { items: number[] }).items;
      const ref = (i: number) => `fee:${String(code)}:${String(mdtrt)}:${sn[i] ?? ''}`;
      const base = { fixmedins_code: String(code), psn_no: String(psn), mdtrt_id: String(mdtrt), pattern: 'phantom-bed' } as const;
      const total = amt.reduce((s, a) => s + a, 0);
      hits.push(
        hit({
          ...base,
          jr_id: `fx-all-${String(mdtrt)}`,
          rule_id: 'fx-all',
          vola_amt: Math.round(total * 50) / 100,
          details: sn.map((_, i) => ({ vola_item_type: 1, ref: ref(i), amount: amt[i] ?? 0 })),
        }),
        hit({
          ...base,
          jr_id: `fx-two-${String(mdtrt)}`,
          rule_id: 'fx-two',
          vola_amt: 500.01,
          details: sn.slice(0, 2).map((_, i) => ({ vola_item_type: 1, ref: ref(i), amount: null })),
        }),
      );
    }
    hits.push(
      hit({
        jr_id: 'fx-person',
        pattern: 'resale',
        rule_id: 'fx-person',
        fixmedins_code: 'P51180200045',
        psn_no: 'PSN511802000104',
        mdtrt_id: '',
        vola_amt: 3.33,
        details: [{ vola_item_type: 2, ref: 'person:PSN511802000104', amount: null }],
      }),
    );
    await writeHits(conn, hits, NOW);
    await groupCases(conn, NOW);
    caseIds = (await conn.runAndReadAll(`SELECT case_id FROM case_file ORDER BY case_id`)).getRows().map((r) => String(r[0]));
    conn.closeSync();
    await store.close();
  }, 120_000);

  afterAll(() => vi.unstubAllEnvs());

  it('writes a bundle per case that verifies, whose lines add up to the case amount, without a clear name or 身份证号', async () => {
    expect(caseIds.length).toBeGreaterThan(3);
    const raw = MESSAGE_FILES.flatMap((f) => readFileSync(path.join(MESSAGES_DIR, f), 'utf8').split('\n').filter(Boolean));
    const clear = clearValues(raw).all;
    for (const v of ['51180220160618005X', '刘洋']) expect(raw.join('\n')).toContain(v); // they are there to leak
    clear.add('51180220160618005X').add('刘洋');
    for (const id of caseIds) {
      const r = await cli(['bundle', id, '--as', '李四', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout) as BundleResult;
      const e = entriesOf(b.file);
      checkManifest(e);
      checkNoClearPii(e, [...clear]);
      const store = await openStore(db);
      const conn = await store.connect();
      try {
        await checkAmounts(conn, id, e);
      } finally {
        conn.closeSync();
        await store.close();
      }
      const v = await cli(['bundle', 'verify', b.file]);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toContain('证据包核对通过');
    }
  });

  it('verify exits 1 with a Chinese report on a tampered bundle; no actor or an unknown case is a usage error (exit 2)', async () => {
    const id = caseIds[0] as string;
    const r = await cli(['bundle', id, '--as', '李四', '--out', path.join(out, 'again'), '--role', '检查组长', '--json']);
    const b = JSON.parse(r.stdout) as BundleResult;
    const entries = unzipSync(readFileSync(b.file));
    const tampered = path.join(tmp, 'fx-tampered.zip');
    writeFileSync(tampered, zipSync({ ...entries, 'summary.html': new TextEncoder().encode('<p>改过</p>') }));
    const v = await cli(['bundle', 'verify', tampered]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('证据包核对未通过');
    expect(v.stdout).toContain('summary.html: SHA-256 或大小与 manifest 不符');
    expect((await cli(['bundle', id, '--out', out])).code).toBe(2);
    const unknown = await cli(['bundle', 'C0000000000000000', '--as', '李四', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('没有线索');
  });
});
