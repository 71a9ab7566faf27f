import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCases } from '../cases/index.js';
import { PACKAGE_ROOT } from '../core/config.js';
import { FundwatchError } from '../core/errors.js';
import {
  buildFrames,
  canonical,
  compareCodePoints,
  computeDraw,
  exclusionCutoff,
  exportDraw,
  listDraws,
  parsePlan,
  prepareDraw,
  runDraw,
  Stream,
  seedOf,
  verifyDraw,
  type AuditDocument,
  type ExportedDraw,
  type RunResult,
  type Frames,
  type HashedPlan,
} from '../inspection/index.js';
import { writeHits } from '../score/index.js';
import { openStore } from '../store/index.js';
import { runCli, runRegistered } from './support/cli.js';
import { registerDraw } from '../cli/commands/draw.js';
import { client } from './support/clients.js';
import { hit } from './support/hits.js';
import { prng } from './support/random.js';
import { loadRegistry, randomRegistry, ROLES, vectorRegistry, type TestInspector, type TestInstitution } from './support/registry.js';
import { openTestDb, type TestDb } from './support/store.js';
import { tempDir } from './support/temp.js';
import { refusalOf } from './support/errors.js';

const tmp = tempDir('draw');
// A copy of the contract's worked examples (shared/spec/draw-vectors.json), kept in the repository so that a clone alone runs the test.
const VECTORS_FILE = path.join(PACKAGE_ROOT, 'fixtures', 'draw-vectors.json');

interface Vector {
  readonly plan: HashedPlan;
  readonly public_seed: string;
  readonly frames: Frames;
  readonly canonical_plan: string;
  readonly plan_hash: string;
  readonly targets_hash: string;
  readonly inspectors_hash: string;
  readonly seed: string;
  readonly draw_id: string;
  readonly random: AuditDocument['random'];
  readonly [stream: `first_u64_of_stream_${string}`]: readonly string[] | undefined;
}
const VECTORS = (JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { cases: Vector[] }).cases;

const PLAN = `plan_id: 2026Q4-routine
period: { from: '2026-10-01', to: '2026-12-31' }
strata:
  - { name: 零售药店, filter: { fixmedins_type: '2' }, ratio_pct: 10 }
  - { name: 二级医院, filter: { fixmedins_type: '1', hosp_lv: '2' }, count: 2 }
inspectors_per_target: 2
max_targets_per_inspector: 3
`;
const planArgs = (text: string = PLAN) => ({ plan_text: text, plan_file: 'plan.yaml' });
const ctx = (now = '2026-09-20 08:00:00') => ({ now, actor: '张三' });

const reasonOf = refusalOf;

describe('fundwatch-draw-1 reproduces draw-vectors.json', () => {
  it.each(VECTORS.map((v, i) => [i + 1, v] as const))(
    'case %i: canonical plan, every hash, seed, draw_id, stream integers, result',
    (_i, v) => {
      expect(canonical(v.plan)).toBe(v.canonical_plan);
      const d = computeDraw(v.plan, v.frames, v.public_seed);
      expect({
        plan_hash: d.plan_hash,
        targets_hash: d.targets_hash,
        inspectors_hash: d.inspectors_hash,
        seed: d.seed,
        draw_id: d.draw_id,
      }).toEqual({
        plan_hash: v.plan_hash,
        targets_hash: v.targets_hash,
        inspectors_hash: v.inspectors_hash,
        seed: v.seed,
        draw_id: v.draw_id,
      });
      expect(d.random).toEqual(v.random);
      const { seed } = seedOf(v, v.public_seed);
      for (const key of Object.keys(v).filter((k) => k.startsWith('first_u64_of_stream_'))) {
        const s = new Stream(seed, key.slice('first_u64_of_stream_'.length));
        const want = v[key as `first_u64_of_stream_${string}`] ?? [];
        expect(want.length).toBeGreaterThan(0);
        expect(want.map(() => s.next().toString())).toEqual(want);
      }
    },
  );

  it('has at least one case with stream integers and one with an unstaffed target (the vectors cover both)', () => {
    expect(VECTORS.some((v) => Object.keys(v).some((k) => k.startsWith('first_u64_of_stream_')))).toBe(true);
    expect(VECTORS.some((v) => v.random.some((t) => t.unstaffed))).toBe(true);
  });
});

describe('canonical JSON (contract §9)', () => {
  it('sorts keys by code point, not by UTF-16 unit nor integer-like first', () => {
    // U+FF5E sorts before U+1F600 by code point; UTF-16 order (D83D…) would put the emoji first.
    expect(canonical({ '\u{1F600}': 1, '\uFF5E': 2, '10': 3, '2': 4, b: 5, a: [] })).toBe(
      '{"10":3,"2":4,"a":[],"b":5,"\uFF5E":2,"\u{1F600}":1}',
    );
    expect(compareCodePoints('\uFF5E', '\u{1F600}')).toBeLessThan(0);
    expect(['\u{1F600}', '\uFF5E'].sort()).toEqual(['\u{1F600}', '\uFF5E']); // the trap the contract warns about
  });

  it('escapes only ", \\ and control characters; everything else literal UTF-8', () => {
    expect(canonical('a"b\\c\n\t\u0001é中/\u007f')).toBe('"a\\"b\\\\c\\n\\t\\u0001é中/\u007f"');
    expect(canonical([1, -2, 0])).toBe('[1,-2,0]');
  });

  it('refuses what a draw never holds: floats, null, booleans, lone surrogates', () => {
    for (const bad of [1.5, null, true, { a: Number.NaN }, '\uD800'])
      expect(() => canonical(bad), JSON.stringify(bad)).toThrow(FundwatchError);
  });
});

describe('the plan file (contract §9), errors located at line:col', () => {
  it('accepts the contract example and leaves directed out of the hashed plan', () => {
    const p = parsePlan(
      `${PLAN}directed: { min_case_risk: 80, max_targets: 5 }\ninspector_roles: [稽核, 执法]\nexclude_inspected_within_months: 6\n`,
      'p.yaml',
    );
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.plan.directed).toEqual({ min_case_risk: 80, max_targets: 5 });
    expect(canonical(computeDraw(p.plan, { targets: { 零售药店: [], 二级医院: [] }, inspectors: [] }, 's').plan)).not.toContain('directed');
  });

  it('reports an unknown key, a float, a null, an unquoted date and a number filter, each at its place', () => {
    const text = [
      'plan_id: x', //                                                      1
      "period: { from: 2026-10-01, to: '2026-12-31' }", //                   2
      'strata:', //                                                          3
      '  - { name: A, filter: { fixmedins_type: 2 }, ratio_pct: 10.0 }', //  4
      'inspectors_per_target: 2', //                                         5
      'max_targets_per_inspector: ~', //                                     6
      'colour: red', //                                                      7
    ].join('\n');
    const p = parsePlan(text, 'bad.yaml');
    expect(p.ok).toBe(false);
    if (p.ok) return;
    const at = p.issues.map((i) => `${i.at.line}:${i.at.col} ${i.code} ${i.at.path ?? ''}`);
    expect(at).toEqual([
      '2:17 invalid-type period.from',
      '4:42 invalid-type strata[0].filter.fixmedins_type',
      '4:58 invalid-integer strata[0].ratio_pct',
      '6:28 invalid-type max_targets_per_inspector',
      '7:1 unknown-field colour',
    ]);
    expect(p.issues.every((i) => i.at.file === 'bad.yaml')).toBe(true);
  });

  it('needs exactly one of ratio_pct and count, unique stratum names, known filter columns, inspectors_per_target', () => {
    const issues = (body: string) => {
      const p = parsePlan(body, 'p.yaml');
      return p.ok ? [] : p.issues.map((i) => `${i.at.line} ${i.code}`);
    };
    const head = "plan_id: x\nperiod: { from: '2026-10-01', to: '2026-12-31' }\n";
    expect(issues(`${head}strata:\n  - { name: A, filter: {}, count: 1, ratio_pct: 5 }\ninspectors_per_target: 1\n`)).toEqual([
      '4 invalid',
    ]);
    expect(
      issues(`${head}strata:\n  - { name: A, filter: {}, count: 1 }\n  - { name: A, filter: {}, count: 1 }\ninspectors_per_target: 1\n`),
    ).toEqual(['5 duplicate-name']);
    expect(issues(`${head}strata:\n  - { name: A, filter: { colour: '1' }, count: 1 }\ninspectors_per_target: 1\n`)).toEqual([
      '4 unknown-field',
    ]);
    expect(issues(`${head}strata:\n  - { name: A, filter: {}, ratio_pct: 101 }\n`)).toEqual(['1 missing-field', '4 too-big']);
    expect(issues('plan_id: [')).toEqual(['1 yaml-syntax']);
  });
});

describe('frames from the registries (contract §9)', () => {
  it('clamps the exclusion cutoff to the month end', () => {
    expect(exclusionCutoff('2026-08-31', 6)).toBe('2026-02-28');
    expect(exclusionCutoff('2026-10-01', 6)).toBe('2026-04-01');
    expect(exclusionCutoff('2026-03-31', 13)).toBe('2025-02-28');
    expect(exclusionCutoff('2024-12-31', 10)).toBe('2024-02-29');
    expect(exclusionCutoff('2026-01-15', 0)).toBe('2026-01-15');
  });

  it('puts a target in the first stratum it matches, drops recently inspected ones, filters roles, sorts by code point', () => {
    const p = parsePlan(
      `plan_id: f\nperiod: { from: '2026-10-01', to: '2026-12-31' }\nstrata:\n  - { name: 二级, filter: { fixmedins_type: '1', hosp_lv: '2' }, count: 9 }\n  - { name: 医院, filter: { fixmedins_type: '1' }, count: 9 }\ninspectors_per_target: 1\nexclude_inspected_within_months: 6\ninspector_roles: [稽核]\n`,
      'p.yaml',
    );
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    const row = (code: string, lv: string, last: string | null = null) => ({
      fixmedins_code: code,
      fields: { fixmedins_type: '1', hosp_lv: lv },
      last_inspected: last,
    });
    const f = buildFrames(
      p.plan,
      [
        row('H9', '2'),
        row('H1', '2', '2026-04-01'),
        row('H2', '2', '2026-03-31'),
        row('H3', '3'),
        { fixmedins_code: 'P1', fields: { fixmedins_type: '2', hosp_lv: '9' }, last_inspected: null },
      ],
      [
        { inspector_id: 'b', role: '稽核', conflicts: 'H9; H1;H9' },
        { inspector_id: 'a', role: '稽核', conflicts: null },
        { inspector_id: 'c', role: '执法', conflicts: null },
      ],
    );
    expect(f).toEqual({
      targets: { 二级: ['H2', 'H9'], 医院: ['H3'] },
      inspectors: [
        { conflicts: [], inspector_id: 'a' },
        { conflicts: ['H1', 'H9'], inspector_id: 'b' },
      ],
    });
  });
});

describe('draws on record (real DuckDB, registries loaded with the reference loader)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb('memory');
  });
  afterEach(async () => {
    await db.close();
  });

  const load = async (reg: { institutions: readonly TestInstitution[]; inspectors: readonly TestInspector[] }) =>
    loadRegistry(db.conn, tmp, reg.institutions, reg.inspectors);

  it('reproduces vector case 1 from a loaded registry, end to end, and verify re-computes it', async () => {
    await load(vectorRegistry());
    const v = VECTORS[0] as Vector;
    const prepared = await prepareDraw(db.conn, planArgs(PLAN.replace('2026Q4-routine', 'vector-1')), ctx());
    expect(prepared).toMatchObject({
      plan_hash: v.plan_hash,
      targets_hash: v.targets_hash,
      inspectors_hash: v.inspectors_hash,
      existing: false,
    });
    const r = await runDraw(
      db.conn,
      { ...planArgs(PLAN.replace('2026Q4-routine', 'vector-1')), public_seed: v.public_seed },
      ctx('2026-09-30 12:00:00'),
    );
    expect(r.existing).toBe(false);
    expect(r.draw.draw_id).toBe(v.draw_id);
    expect(r.draw.document.random).toEqual(v.random);
    expect(await verifyDraw(db.conn, { draw_id: v.draw_id })).toEqual({ draw_id: v.draw_id, ok: true, mismatches: [] });

    // A tampered record no longer verifies, and verify names what differs.
    await db.conn.run(`UPDATE draw SET audit = json_merge_patch(audit, '{"public_seed": "2026-09-30 福彩3D 999"}')`);
    const bad = await verifyDraw(db.conn, { draw_id: v.draw_id });
    expect(bad.ok).toBe(false);
    expect(bad.mismatches).toEqual(expect.arrayContaining(['seed', 'draw_id', 'public_seed']));
  });

  it('changes the draw when one registry row or the public seed changes; run refuses frames that are not the prepared ones', async () => {
    const reg = vectorRegistry();
    await load(reg);
    await prepareDraw(db.conn, planArgs(), ctx());
    const first = await runDraw(db.conn, { ...planArgs(), public_seed: 'S1' }, ctx());

    // The public seed alone: another draw id (refused as a second draw of the plan, unless superseding).
    const other = computeDraw(first.draw.document.plan, first.draw.document.frames, 'S2');
    expect(other.draw_id).not.toBe(first.draw.draw_id);
    expect(other.random).not.toEqual(first.draw.document.random);

    // One inspector row gains a conflict: the frames no longer give the commitment.
    const changed = { ...reg, inspectors: reg.inspectors.map((i) => (i.id === 'I004' ? { ...i, conflicts: ['H51180220001'] } : i)) };
    await load(changed);
    const refused = await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S1', supersede: true, reason: 'x' }, ctx()));
    expect(refused.code).toBe('refused');
    expect(refused.message).toContain('inspectors_hash');
    expect(refused.message).not.toContain('targets_hash');

    // Prepared again, the same seed gives another draw.
    const again = await prepareDraw(db.conn, planArgs(), ctx('2026-09-21 08:00:00'));
    expect(again.inspectors_hash).not.toBe(first.draw.document.inspectors_hash);
    expect(again.targets_hash).toBe(first.draw.document.targets_hash);
    const second = await runDraw(
      db.conn,
      { ...planArgs(), public_seed: 'S1', supersede: true, reason: '检查人员回避申报更新' },
      ctx('2026-09-22 08:00:00'),
    );
    expect(second.draw.draw_id).not.toBe(first.draw.draw_id);
    expect(second.superseded).toBe(first.draw.draw_id);
  });

  it('applies the exclusion window to registry last_inspected and to recorded results', async () => {
    const plan = `${PLAN}exclude_inspected_within_months: 6\n`;
    const reg = vectorRegistry();
    await load({
      ...reg,
      institutions: reg.institutions.map((i) =>
        i.code === 'P51180250000' ? { ...i, last: '2026-04-01' } : i.code === 'P51180250001' ? { ...i, last: '2026-03-31' } : i,
      ),
    });
    await db.conn.run(
      `INSERT INTO draw_result (draw_id, fixmedins_code, inspected_on, outcome, case_id, recorded_at, actor) VALUES ('old', 'H51180220002', DATE '2026-05-01', '未发现问题', NULL, TIMESTAMP '2026-05-02 00:00:00', '李四')`,
    );
    const p = await prepareDraw(db.conn, planArgs(plan), ctx());
    expect(p.frame_sizes).toEqual([
      { stratum: '零售药店', targets: 36 },
      { stratum: '二级医院', targets: 2 },
    ]);
    const d = await runDraw(db.conn, { ...planArgs(plan), public_seed: 'S' }, ctx());
    expect(d.draw.document.frames.targets['零售药店']).not.toContain('P51180250000');
    expect(d.draw.document.frames.targets['零售药店']).toContain('P51180250001');
    expect(d.draw.document.frames.targets['二级医院']).toEqual(['H51180220001', 'H51180220003']);
  });

  it('records every draw: same inputs return it, a second draw needs --supersede with a reason, both kept', async () => {
    await load(vectorRegistry());
    expect((await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S1' }, ctx()))).message).toContain('尚未承诺');
    await prepareDraw(db.conn, planArgs(), ctx());
    expect((await prepareDraw(db.conn, planArgs(), ctx('2026-09-20 09:00:00'))).existing).toBe(true);
    const a = await runDraw(db.conn, { ...planArgs(), public_seed: 'S1' }, ctx('2026-09-30 10:00:00'));
    const same = await runDraw(db.conn, { ...planArgs(), public_seed: 'S1' }, ctx('2026-10-01 10:00:00'));
    expect(same.existing).toBe(true);
    expect(same.draw).toEqual(a.draw);

    const second = await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S2' }, ctx()));
    expect(second.code).toBe('refused');
    expect(second.message).toContain(a.draw.draw_id);
    expect((await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S2', supersede: true }, ctx()))).code).toBe('usage');
    expect((await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S2', reason: 'x' }, ctx()))).code).toBe('usage');
    expect((await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S2' }, { now: '2026-10-01 10:00:00' }))).code).toBe('usage');

    const b = await runDraw(
      db.conn,
      { ...planArgs(), public_seed: 'S2', supersede: true, reason: '开奖结果更正' },
      ctx('2026-10-02 10:00:00'),
    );
    expect(b.superseded).toBe(a.draw.draw_id);
    const list = await listDraws(db.conn);
    expect(list.map((r) => [r.kind, r.draw_id, r.superseded_by])).toEqual([
      ['draw', a.draw.draw_id, b.draw.draw_id],
      ['draw', b.draw.draw_id, null],
    ]);
    const old = await exportDraw(db.conn, { draw_id: a.draw.draw_id });
    expect(old.record).toMatchObject({ superseded_by: b.draw.draw_id, supersede_reason: '开奖结果更正' });
    expect(old.frames).toEqual({ targets: a.draw.document.frames.targets }); // the public record: no inspector frame
    expect((await exportDraw(db.conn, { draw_id: a.draw.draw_id, audit: true })).frames.inspectors).toHaveLength(8);
    // A third draw refers to the current one, not the superseded one; both verify.
    expect((await reasonOf(runDraw(db.conn, { ...planArgs(), public_seed: 'S3' }, ctx()))).message).toContain(b.draw.draw_id);
    for (const id of [a.draw.draw_id, b.draw.draw_id]) expect((await verifyDraw(db.conn, { draw_id: id })).ok).toBe(true);
  });

  it('keeps the random part unchanged when case data changes, and lists the directed part apart, marked 定向', async () => {
    const plan = `${PLAN}directed: { min_case_risk: 0, max_targets: 2 }\n`;
    const reg = vectorRegistry();
    await load(reg);
    await prepareDraw(db.conn, planArgs(plan), ctx());
    const before = await runDraw(db.conn, { ...planArgs(plan), public_seed: 'S' }, ctx());
    expect(before.draw.document.directed).toEqual([]);

    // Cases on three institutions, one of them twice; then the same draw in a store that has them.
    const other = await openTestDb('memory');
    try {
      await loadRegistry(other.conn, tmp, reg.institutions, reg.inspectors);
      await writeHits(
        other.conn,
        [
          hit({ jr_id: 'h1', pattern: 'over-price', fixmedins_code: 'H51180230001', vola_amt: 90_000, sev_deg: 'definite' }),
          hit({ jr_id: 'h2', pattern: 'over-price', fixmedins_code: 'P51180250009', vola_amt: 50 }),
          hit({ jr_id: 'h3', pattern: 'resale', fixmedins_code: 'H51180230001', vola_amt: 10 }),
          hit({ jr_id: 'h4', pattern: 'over-price', fixmedins_code: 'H51180210001', vola_amt: 5_000 }),
        ],
        '2026-09-01 02:00:00',
      );
      await groupCases(other.conn, '2026-09-02 02:00:00');
      await prepareDraw(other.conn, planArgs(plan), ctx());
      const after = await runDraw(other.conn, { ...planArgs(plan), public_seed: 'S' }, ctx());
      expect(after.draw.draw_id).toBe(before.draw.draw_id);
      expect(after.draw.document.random).toEqual(before.draw.document.random);
      expect(after.draw.document.directed.map((t) => [t.mode, t.fixmedins_code])).toEqual([
        ['定向', 'H51180230001'],
        ['定向', 'H51180210001'],
      ]);
      expect(after.draw.document.directed[0]?.risk).toBeGreaterThan(after.draw.document.directed[1]?.risk ?? 100);
      expect((await verifyDraw(other.conn, { draw_id: after.draw.draw_id })).ok).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('holds the invariants on random registries loaded into the store', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const reg = randomRegistry(seed * 7919);
      await load(reg);
      const plan = `plan_id: p${seed}\nperiod: { from: '2026-10-01', to: '2026-12-31' }\nstrata:\n  - { name: 药店, filter: { fixmedins_type: '2' }, ratio_pct: ${10 * seed} }\n  - { name: 医院, filter: {}, count: ${seed} }\ninspectors_per_target: 2\nmax_targets_per_inspector: 2\nexclude_inspected_within_months: 3\n`;
      await prepareDraw(db.conn, planArgs(plan), ctx());
      const d = await runDraw(db.conn, { ...planArgs(plan), public_seed: `seed ${seed}` }, ctx());
      checkInvariants(d.draw.document);
      expect((await verifyDraw(db.conn, { draw_id: d.draw.draw_id })).ok).toBe(true);
    }
  });
});

/** The smallest k with 100·k ≥ ratio·n: ceil(ratio·n/100) without division. */
const ceilPct = (ratio: number, size: number) => {
  let k = 0;
  while (100 * k < ratio * size) k++;
  return k;
};

/** Contract §9's invariants, checked from the document alone (independently of how draw.ts computes them). */
function checkInvariants(doc: Pick<AuditDocument, 'plan' | 'frames' | 'random'>): void {
  const { plan, frames, random } = doc;
  for (const s of plan.strata) {
    const frame = frames.targets[s.name] ?? [];
    const got = random.filter((t) => t.stratum === s.name);
    const k = s.ratio_pct !== undefined ? ceilPct(s.ratio_pct, frame.length) : Math.min(s.count ?? 0, frame.length);
    expect(got.length, `stratum ${s.name}: k`).toBe(k);
    expect(new Set(got.map((t) => t.fixmedins_code)).size).toBe(k);
    for (const t of got) expect(frame).toContain(t.fixmedins_code);
  }
  const conflicts = new Map(frames.inspectors.map((i) => [i.inspector_id, new Set(i.conflicts)]));
  const load = new Map<string, number>();
  for (const t of random) {
    const eligible = frames.inspectors.filter(
      (i) =>
        !i.conflicts.includes(t.fixmedins_code) &&
        (plan.max_targets_per_inspector === undefined || (load.get(i.inspector_id) ?? 0) < plan.max_targets_per_inspector),
    );
    expect(t.unstaffed, `${t.fixmedins_code}: unstaffed exactly when too few are eligible`).toBe(
      eligible.length < plan.inspectors_per_target,
    );
    expect(t.inspectors.length).toBe(t.unstaffed ? 0 : plan.inspectors_per_target);
    expect(new Set(t.inspectors).size).toBe(t.inspectors.length);
    for (const id of t.inspectors) {
      expect(conflicts.has(id), `${id} is in the frame`).toBe(true);
      expect(conflicts.get(id)?.has(t.fixmedins_code), `${id} conflicts with ${t.fixmedins_code}`).toBe(false);
      load.set(id, (load.get(id) ?? 0) + 1);
    }
  }
  if (plan.max_targets_per_inspector !== undefined)
    for (const n of load.values()) expect(n).toBeLessThanOrEqual(plan.max_targets_per_inspector);
}

describe('property: many random registries and plans', () => {
  it('never assigns a conflicted inspector, never exceeds the cap, draws exactly k per stratum (400 draws)', () => {
    let unstaffed = 0;
    let capped = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = prng(seed);
      const reg = randomRegistry(seed);
      const filters = [
        {},
        { fixmedins_type: '2' },
        { fixmedins_type: '1' },
        { fixmedins_type: '1', hosp_lv: r.pick(['1', '2', '3']) },
        { admdvs: '511803' },
      ];
      const strata = Array.from({ length: 1 + r.int(3) }, (_, i) => ({
        name: `S${i}`,
        filter: r.pick(filters),
        ...(r.next() < 0.5 ? { ratio_pct: 1 + r.int(100) } : { count: 1 + r.int(12) }),
      }));
      const cap = r.next() < 0.7 ? 1 + r.int(4) : undefined;
      const plan: HashedPlan = {
        plan_id: `prop-${seed}`,
        period: { from: '2026-10-01', to: '2026-12-31' },
        strata,
        inspectors_per_target: 1 + r.int(3),
        ...(cap === undefined ? {} : { max_targets_per_inspector: cap }),
        ...(r.next() < 0.5 ? { exclude_inspected_within_months: r.int(12) } : {}),
        ...(r.next() < 0.3 ? { inspector_roles: [r.pick(ROLES)] } : {}),
      };
      const frames = buildFrames(
        plan,
        reg.institutions.map((i) => ({
          fixmedins_code: i.code,
          fields: { fixmedins_code: i.code, fixmedins_type: i.type, hosp_lv: i.lv, admdvs: i.admdvs ?? '511802' },
          last_inspected: i.last ?? null,
        })),
        reg.inspectors.map((i) => ({ inspector_id: i.id, role: i.role ?? null, conflicts: (i.conflicts ?? []).join(';') })),
      );
      const d = computeDraw(plan, frames, `public ${seed}`);
      checkInvariants(d);
      unstaffed += d.random.filter((t) => t.unstaffed).length;
      capped += cap === undefined ? 0 : 1;
      // Same inputs, same draw: nothing but the inputs decides it.
      expect(computeDraw(plan, frames, `public ${seed}`)).toEqual(d);
    }
    // The generator reaches the interesting cases: unstaffed targets occur, and caps bind.
    expect(unstaffed).toBeGreaterThan(20);
    expect(capped).toBeGreaterThan(100);
  });
});

const python = client('python3', ['python3'], 'python3');

describe('a second implementation (Python, from the contract text alone) agrees', () => {
  const script = path.join(PACKAGE_ROOT, 'test', 'python', 'draw_fundwatch1.py');
  const runPython = (files: readonly string[]) => {
    const r = spawnSync(python.need(), [script, ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            plan_hash: string;
            targets_hash: string;
            inspectors_hash: string;
            seed: string;
            draw_id: string;
            canonical_plan: string;
            random: unknown;
          },
      );
  };

  it.skipIf(python.skip)('on every case of draw-vectors.json', () => {
    const out = runPython([VECTORS_FILE]);
    expect(out).toHaveLength(VECTORS.length);
    out.forEach((p, i) => {
      const v = VECTORS[i] as Vector;
      expect(p).toMatchObject({
        plan_hash: v.plan_hash,
        targets_hash: v.targets_hash,
        inspectors_hash: v.inspectors_hash,
        seed: v.seed,
        draw_id: v.draw_id,
        canonical_plan: v.canonical_plan,
      });
      expect(p.random).toEqual(v.random);
    });
  });

  it.skipIf(python.skip)(
    'on draw export --audit of several draws made through the CLI',
    async () => {
      const dbFile = path.join(tmp, 'python.duckdb');
      // Registries and one superseded draw through the stages, on the file the CLI then opens.
      const store = await openStore(dbFile);
      const db = { store, conn: await store.connect() };
      try {
        const reg = randomRegistry(4242);
        await loadRegistry(
          db.conn,
          tmp,
          [...vectorRegistry().institutions, ...reg.institutions],
          [...vectorRegistry().inspectors, ...reg.inspectors],
        );
      } finally {
        db.conn.closeSync();
        await db.store.close();
      }
      // The command module in-process (the bin costs seconds a spawn); the real bin once, for verify's exit code.
      const cli = (args: readonly string[]) => runRegistered(registerDraw, [...args, '--db', dbFile]);
      const plans = [
        PLAN,
        `plan_id: wide\nperiod: { from: '2026-10-01', to: '2026-12-31' }\nstrata:\n  - { name: 'a "quoted" \\\\ name', filter: { fixmedins_type: '1' }, ratio_pct: 50 }\n  - { name: 其余, filter: {}, count: 7 }\ninspectors_per_target: 3\nmax_targets_per_inspector: 2\nexclude_inspected_within_months: 4\n`,
      ];
      const ids: string[] = [];
      for (const [i, text] of plans.entries()) {
        const file = path.join(tmp, `plan-${i}.yaml`);
        writeFileSync(file, text);
        expect(await cli(['draw', 'prepare', '--plan', file, '--as', '张三'])).toContain('已承诺抽查计划');
        const drawn = async (extra: readonly string[], seed: string) =>
          (JSON.parse(await cli(['draw', 'run', '--plan', file, '--public-seed', seed, '--json', '--as', '张三', ...extra])) as RunResult)
            .draw.draw_id;
        ids.push(await drawn([], '第一次'));
        // A second draw without --supersede is refused; with it, both are kept.
        await expect(drawn([], '第二次')).rejects.toMatchObject({ code: 'refused' });
        ids.push(await drawn(['--supersede', '--reason', '测试取代'], '第二次'));
      }
      expect(new Set(ids).size).toBe(4);
      const files: string[] = [];
      for (const id of ids) {
        const out = path.join(tmp, `audit-${id}.json`);
        expect(await cli(['draw', 'export', id, '--audit', '--out', out])).toContain('审计文件');
        files.push(out);
      }
      const docs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as AuditDocument);
      expect(docs.some((d) => d.random.some((t) => t.unstaffed))).toBe(true);
      const out = runPython(files);
      out.forEach((p, i) => {
        const d = docs[i] as AuditDocument;
        expect(p).toMatchObject({
          plan_hash: d.plan_hash,
          targets_hash: d.targets_hash,
          inspectors_hash: d.inspectors_hash,
          seed: d.seed,
          draw_id: d.draw_id,
        });
        expect(p.random, `draw ${d.draw_id}: every target and inspector`).toEqual(d.random);
      });

      const pub = JSON.parse(await cli(['draw', 'export', ids[0] as string])) as ExportedDraw;
      expect(pub.frames.inspectors).toBeUndefined();
      expect(pub.record.superseded_by).toBe(ids[1]);
      expect(await cli(['draw', 'list'])).toContain(`已被 ${ids[1]} 取代`);
      const verify = runCli(['draw', 'verify', ids[0] as string, '--db', dbFile]);
      expect(verify.stdout).toContain('复算一致');
      expect(verify.code).toBe(0);
    },
    120_000,
  );
});
