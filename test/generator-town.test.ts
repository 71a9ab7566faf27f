import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels } from '../contract/labels.js';
import {
  dirWriter,
  generate,
  INJECTED_PATTERNS,
  knowledgeTables,
  LOOKALIKES,
  planSchedule,
  SCALES,
  type GenerateSummary,
} from '../generator/index.js';

/**
 * Town scale (≈ 500 thousand fee lines over 30 days), generated once, streamed to a temporary
 * directory as a user would: every injected pattern appears in labels.json, with hard negatives for
 * the patterns that have look-alikes. The schedule alone (cheap) is checked for city scale too.
 */

const tables = knowledgeTables();
let dir: string;
let summary: GenerateSummary;
let labels: Labels;

/** The patterns a naive detector confuses with honest behaviour, and the look-alike behind each. */
const LOOKS_LIKE = [
  'over-price',
  'excess-quantity',
  'split-admission',
  'phantom-bed',
  'phantom-admission',
  'trace-code-reuse',
  'resale',
  'peer-outlier',
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-town-'));
  summary = await generate({ seed: 7, scale: 'town' }, dirWriter(dir, { gzip: true }), { tables });
  labels = Labels.parse(JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('town scale', () => {
  it('has about 500 thousand fee lines over 30 days, one file per day (plus history and late T1 days)', () => {
    expect(summary.days).toBe(30);
    expect(summary.stats.feeLines).toBeGreaterThan(400_000);
    expect(summary.stats.feeLines).toBeLessThan(650_000);
    const files = readdirSync(path.join(dir, 'messages'));
    expect(files.filter((f) => f >= '2026-01-01' && f < '2026-01-31').length).toBe(30);
    // Beside the day files, the directory of the real senders' T1 re-uploads (contract §8), one file per day they have any.
    expect(files.filter((f) => !f.endsWith('.ndjson.gz'))).toEqual(['T1']);
    const t1 = readdirSync(path.join(dir, 'messages', 'T1'));
    expect(t1.length).toBeGreaterThan(25);
    expect(t1.every((f) => /^\d{4}-\d{2}-\d{2}\.ndjson\.gz$/.test(f) && files.includes(f))).toBe(true);
  });

  it('carries the rarer noise of real data: inpatient settlement cancellations, purchase and sale returns', () => {
    for (const infno of ['2208', '2305', '3502', '3504', '3506']) expect(summary.stats.byInfno[infno] ?? 0, infno).toBeGreaterThan(0);
  });

  it('labels every injected pattern, several times each', () => {
    const count = new Map<string, number>();
    for (const l of labels.frauds) count.set(l.pattern, (count.get(l.pattern) ?? 0) + 1);
    expect([...count.keys()].sort()).toEqual([...INJECTED_PATTERNS].sort());
    for (const p of INJECTED_PATTERNS) expect(count.get(p), p).toBeGreaterThanOrEqual(p === 'volume-spike' || p === 'peer-outlier' ? 1 : 3);
  });

  it('has hard negatives (honest look-alikes) for every pattern that has them', () => {
    const count = new Map<string, number>();
    for (const l of labels.honest) count.set(l.looks_like, (count.get(l.looks_like) ?? 0) + 1);
    expect([...count.keys()].sort()).toEqual([...LOOKS_LIKE].sort());
    for (const p of LOOKS_LIKE) expect(count.get(p), p).toBeGreaterThanOrEqual(2);
    // Look-alikes are honest: never the key of a fraud label.
    const key = (l: Labels['frauds'][number]) => `${l.level}:${l.fixmedins_code}:${l.mdtrt_id}:${l.psn_no}:${l.drug_trac_codg}`;
    const frauds = new Set(labels.frauds.map(key));
    expect(labels.honest.filter((l) => frauds.has(key(l)))).toEqual([]);
  });
});

describe('the schedule of a configuration (cheap: no population, no messages)', () => {
  it.each(['town', 'city'] as const)('%s: every injected pattern and every look-alike is scheduled', (scale) => {
    const jobs = planSchedule({ seed: 1, scale }, tables);
    const kinds = new Set(jobs.map((j) => j.kind));
    for (const p of [...INJECTED_PATTERNS, ...LOOKALIKES]) expect(kinds.has(p), p).toBe(true);
    expect(kinds.has('specialist-hospital')).toBe(true);
    expect(kinds.has('chronic-pharmacy')).toBe(true);
    expect(jobs.every((j) => j.day >= 0 && j.day < SCALES[scale].days)).toBe(true);
  });

  it('matches what a generated town contains', () => {
    const jobs = planSchedule({ seed: 7, scale: 'town' }, tables);
    const fraudJobs = jobs.filter((j) => (INJECTED_PATTERNS as readonly string[]).includes(j.kind));
    expect(labels.frauds.length).toBe(fraudJobs.length);
    expect(labels.malformed.length).toBe(jobs.filter((j) => j.kind === 'malformed').length);
  });
});
