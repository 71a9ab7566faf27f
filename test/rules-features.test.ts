import { describe, expect, it } from 'vitest';
import { compileText, knowledgeOrThrow, runRuleTest } from '../rules/index.js';

/**
 * What a rule may name beyond a row's own columns, each run through the rule test (real rows landed
 * through the production decoder into a real store): the practitioner of a line, the other items of
 * its visit or day, every diagnosis of a stay and its length, code lists read with has() /
 * has_prefix(), and codes carrying a local price-item suffix meeting their national entry.
 */

const head = (kind: string) => [
  'id: feature',
  'version: 1',
  'title: 规则引擎功能',
  'description: 测试',
  'status: experimental',
  'owner: 测试',
  'references: [测试依据]',
  'pattern: excess-quantity',
  'severity: suspect',
  'logic:',
  `  kind: ${kind}`,
];

const lineRule = (conditions: readonly string[], condition: string, cont = '{item_name}') =>
  [
    ...head('line'),
    '  conditions:',
    ...conditions.map((c) => `    ${c}`),
    `  condition: ${condition}`,
    `vola_cont: '${cont}'`,
    'triage: 测试',
    '',
  ].join('\n');

const fee = (visit: string, sn: string, item: string, extra = '') =>
  `    - { fixmedins_code: H1, mdtrt_id: ${visit}, feedetl_sn: '${sn}', psn_no: P1, fee_ocur_time: '${extra || '2026-01-05 08:00:00'}', med_list_codg: '${item}', medins_list_codg: N${sn}, det_item_fee_sumamt: 10, cnt: 1, pric: 10, med_type: '21', bilg_dept_codg: D1, bilg_dr_codg: DR${sn} }`;

const testOf = (given: readonly string[], hits: readonly string[], notHits: readonly string[]) =>
  ['rule: feature', 'given:', ...given, `hits: [${hits.join(', ')}]`, `not_hits: [${notHits.join(', ')}]`, ''].join('\n');

async function outcomeOf(ruleText: string, testText: string) {
  const r = compileText(ruleText, 'feature.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const o = await runRuleTest(r.compiled, testText, 'feature.test.yaml', knowledgeOrThrow());
  return { missing: o.missing, unexpected: o.unexpected, issues: o.issues };
}
const PASSED = { missing: [], unexpected: [], issues: [] };

describe('codes with a local price-item suffix', () => {
  // 001201000020000 特级护理 is in rules/knowledge/frequency-limits.yaml (matching service-code).
  it('meet their national knowledge entry, and the list columns read through', async () => {
    const text = lineRule(['listed: item in list frequency_limits', "daily: list.per = 'day'"], 'listed and daily', '{list.name}');
    const given = [
      '  fee_line:',
      fee('V1', '1', '001201000020000-110200001'),
      fee('V2', '1', '001201000020000'),
      fee('V3', '1', '0012010000200001'),
    ];
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V1:1', 'fee:H1:V2:1'], ['fee:H1:V3:1']))).toEqual(PASSED);
  });

  it('find their national catalogue entry (catalog.pric_uplmt_amt)', async () => {
    const text = lineRule(['capped: catalog.pric_uplmt_amt is not null', 'over: pric > catalog.pric_uplmt_amt'], 'capped and over');
    const given = [
      '  catalog:',
      "    - { med_list_codg: '001201000020000', name: 特级护理, list_type: '201', med_chrgitm_type: '02', pric_uplmt_amt: 8 }",
      '  fee_line:',
      fee('V1', '1', '001201000020000-110200001'),
      fee('V2', '1', '001201000020000-'),
      fee('V3', '1', '001201000020009-110200001'),
    ];
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V1:1', 'fee:H1:V2:1'], ['fee:H1:V3:1']))).toEqual(PASSED);
  });

  it('compile to an equality on the line code up to its first "-" (a hash join, not a scan per entry)', () => {
    const r = compileText(lineRule(['listed: item in list frequency_limits'], 'listed'), 'feature.yaml');
    expect(r.ok && r.compiled.sql).toContain(`k_frequency_limits."med_list_codg" = split_part(f."med_list_codg", '-', 1)`);
  });
});

describe('the practitioner of a fee line (doctor.*)', () => {
  it('joins practitioners.csv on the line’s 开单医师', async () => {
    const text = lineRule(["nurse: doctor.prac_type = '3'"], 'nurse');
    const given = [
      '  practitioner:',
      "    - { dr_codg: DR1, dr_name: 甲, fixmedins_code: H1, dept_codg: D1, prac_type: '3' }",
      "    - { dr_codg: DR2, dr_name: 乙, fixmedins_code: H1, dept_codg: D1, prac_type: '1' }",
      '  fee_line:',
      fee('V1', '1', '001201000020000'),
      fee('V1', '2', '001201000030000'),
      fee('V1', '3', '001201000030000'),
    ];
    // DR3 has no practitioner row: a missing value is not a nurse.
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V1:1'], ['fee:H1:V1:2', 'fee:H1:V1:3']))).toEqual(PASSED);
  });
});

describe('the other items of a visit or of its day (visit_items, day_items)', () => {
  // A component (002503050040000) billed without the other (002503050050000) the rule requires.
  const text = lineRule(
    [
      "is_a: item = '002503050040000'",
      "with_b_visit: has(visit_items, '002503050050000')",
      "with_b_day: has(day_items, '002503050050000')",
    ],
    'is_a and with_b_visit and not with_b_day',
  );
  it('are the items still charged after reversals, per visit and per day', async () => {
    const given = [
      '  fee_line:',
      // V1: B the next day (in the visit, not the day) → hit.
      fee('V1', '1', '002503050040000'),
      fee('V1', '2', '002503050050000', '2026-01-06 08:00:00'),
      // V2: B the same day → no hit; V3: no B at all → no hit.
      fee('V2', '1', '002503050040000'),
      fee('V2', '2', '002503050050000'),
      fee('V3', '1', '002503050040000'),
      // V4: B the next day, then reversed → no longer in the visit → no hit.
      fee('V4', '1', '002503050040000'),
      fee('V4', '2', '002503050050000', '2026-01-06 08:00:00'),
      "    - { fixmedins_code: H1, mdtrt_id: V4, feedetl_sn: '3', psn_no: P1, fee_ocur_time: '2026-01-06 09:00:00', med_list_codg: '002503050050000', medins_list_codg: N3, det_item_fee_sumamt: -10, cnt: -1, pric: 10, med_type: '21', bilg_dept_codg: D1, bilg_dr_codg: DR1, init_feedetl_sn: '2' }",
    ];
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V1:1'], ['fee:H1:V2:1', 'fee:H1:V3:1', 'fee:H1:V4:1']))).toEqual(PASSED);
  });

  it('are lists: comparing one to a code is a type error', () => {
    const r = compileText(lineRule(["bad: visit_items = '002503050050000'"], 'bad'), 'feature.yaml');
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['type-mismatch']);
  });
});

describe('a stay: every diagnosis (dx_codes) and the length of stay (los_days)', () => {
  const text = [
    ...head('aggregate'),
    '  source: visit',
    '  group_by: [fixmedins_code, mdtrt_id]',
    '  window: all',
    '  measures:',
    '    stays: { agg: count }',
    "  items: has_prefix(dx_codes, 'E11') and los_days >= 2",
    '  conditions:',
    '    found: stays > 0',
    '  condition: found',
    "vola_cont: '{mdtrt_id}'",
    'triage: 测试',
    '',
  ].join('\n');
  const given = [
    '  visit:',
    "    - { fixmedins_code: H1, mdtrt_id: V1, psn_no: P1, med_type: '21', begntime: '2026-01-01 09:00:00', dise_codg: J18.900 }",
    "    - { fixmedins_code: H1, mdtrt_id: V2, psn_no: P2, med_type: '21', begntime: '2026-01-01 09:00:00', dise_codg: J18.900 }",
    "    - { fixmedins_code: H1, mdtrt_id: V3, psn_no: P3, med_type: '21', begntime: '2026-01-01 09:00:00', dise_codg: E11.900 }",
    '  discharge:',
    // V1: a secondary diagnosis E11.9 and 4 days → hit; V2: 4 days, no E11; V3: E11 as main, 1 day.
    "    - { fixmedins_code: H1, mdtrt_id: V1, psn_no: P1, endtime: '2026-01-05 10:00:00', dscg_maindiag_code: J18.900, dscg_way: '1', diseinfo: [{ diag_type: '1', diag_srt_no: 1, diag_code: J18.900, diag_name: 肺炎, maindiag_flag: '1' }, { diag_type: '1', diag_srt_no: 2, diag_code: E11.900, diag_name: 2型糖尿病, maindiag_flag: '0' }] }",
    "    - { fixmedins_code: H1, mdtrt_id: V2, psn_no: P2, endtime: '2026-01-05 10:00:00', dscg_maindiag_code: J18.900, dscg_way: '1' }",
    "    - { fixmedins_code: H1, mdtrt_id: V3, psn_no: P3, endtime: '2026-01-02 08:00:00', dscg_maindiag_code: E11.900, dscg_way: '1' }",
  ];
  it('reads the discharge diagnosis list and the days between admission and discharge', async () => {
    expect(await outcomeOf(text, testOf(given, ['visit:H1:V1'], ['visit:H1:V2', 'visit:H1:V3']))).toEqual(PASSED);
  });
});

describe('pairs within a clock hour or 6 hours, and the catalogue columns of each side', () => {
  const pairRule = (within: string, conditions: readonly string[], condition: string) =>
    [
      ...head('pair'),
      `  within: ${within}`,
      '  conditions:',
      ...conditions.map((c) => `    ${c}`),
      `  condition: ${condition}`,
      "vola_cont: '{a.item_name} 与 {b.item_name}'",
      'triage: 测试',
      '',
    ].join('\n');
  const both = ["ia: a.item = '001201000020000'", "ib: b.item = '001201000030000'"];
  const given = [
    '  fee_line:',
    // V1: 08:10 and 08:50 (one clock hour); V2: 08:50 and 09:10 (two hours, 20 minutes apart);
    // V3: 08:00 and 15:00 (7 hours); V4: a bare date (its hour unknown) and 08:30.
    fee('V1', '1', '001201000020000', '2026-01-05 08:10:00'),
    fee('V1', '2', '001201000030000', '2026-01-05 08:50:00'),
    fee('V2', '1', '001201000020000', '2026-01-05 08:50:00'),
    fee('V2', '2', '001201000030000', '2026-01-05 09:10:00'),
    fee('V3', '1', '001201000020000', '2026-01-05 08:00:00'),
    fee('V3', '2', '001201000030000', '2026-01-05 15:00:00'),
    fee('V4', '1', '001201000020000', '2026-01-05'),
    fee('V4', '2', '001201000030000', '2026-01-05 08:30:00'),
  ];
  const refs = (vs: readonly string[]) => vs.map((v) => `fee:H1:${v}:1`);

  it('the same clock hour: lines in one hour, not across an hour boundary, never a bare date', async () => {
    const text = pairRule('clock_hour', both, 'ia and ib');
    expect(await outcomeOf(text, testOf(given, refs(['V1']), refs(['V2', 'V3', 'V4'])))).toEqual(PASSED);
  });

  it('within 6 hours: across an hour boundary too, not 7 hours apart, never a bare date', async () => {
    const text = pairRule('6_hours', both, 'ia and ib');
    expect(await outcomeOf(text, testOf(given, refs(['V1', 'V2']), refs(['V3', 'V4'])))).toEqual(PASSED);
  });

  it('the same day still takes a bare date as that day', async () => {
    const text = pairRule('day', both, 'ia and ib');
    const twoDays = [fee('V5', '1', '001201000020000', '2026-01-05'), fee('V5', '2', '001201000030000', '2026-01-06 08:30:00')];
    expect(await outcomeOf(text, testOf([...given, ...twoDays], refs(['V1', 'V2', 'V3', 'V4']), refs(['V5'])))).toEqual(PASSED);
  });

  it('reads a side’s catalogue columns (a.list_type, b.pric_uplmt_amt)', async () => {
    const text = pairRule(
      'visit',
      ["nursing: a.med_chrgitm_type = '02' and b.med_chrgitm_type = '02'", 'capped: b.pric_uplmt_amt > 5'],
      'nursing and capped',
    );
    const catalog = [
      '  catalog:',
      "    - { med_list_codg: '001201000020000', name: 特级护理, list_type: '201', med_chrgitm_type: '02', pric_uplmt_amt: 8 }",
      "    - { med_list_codg: '001201000030000', name: Ⅰ级护理, list_type: '201', med_chrgitm_type: '02', pric_uplmt_amt: 6 }",
      "    - { med_list_codg: '001201000040000', name: Ⅱ级护理, list_type: '201', med_chrgitm_type: '02', pric_uplmt_amt: 4 }",
    ];
    // V1: 特级 and Ⅰ级 (b capped at 6) → hit; V2: 特级 with Ⅱ级 (b at 4) → no hit.
    const rows = [...catalog, ...given.slice(0, 3), fee('V2', '1', '001201000020000'), fee('V2', '2', '001201000040000')];
    expect(await outcomeOf(text, testOf(rows, refs(['V1']), refs(['V2'])))).toEqual(PASSED);
  });
});

describe('a rule in force from and until a day (scope.valid_from, valid_until)', () => {
  it('judges only the facts dated in force, both days included', async () => {
    const text = lineRule(["nursing: item = '001201000020000'"], 'nursing').replace(
      'logic:',
      "scope:\n  valid_from: '2026-01-05'\n  valid_until: '2026-01-06'\nlogic:",
    );
    const given = [
      '  fee_line:',
      fee('V1', '1', '001201000020000', '2026-01-04 23:59:00'),
      fee('V2', '1', '001201000020000', '2026-01-05 00:00:00'),
      fee('V3', '1', '001201000020000', '2026-01-06 23:59:00'),
      fee('V4', '1', '001201000020000', '2026-01-07 00:00:00'),
    ];
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V2:1', 'fee:H1:V3:1'], ['fee:H1:V1:1', 'fee:H1:V4:1']))).toEqual(PASSED);
  });

  it('refuses an empty period', () => {
    const text = lineRule(["nursing: item = '001201000020000'"], 'nursing').replace(
      'logic:',
      "scope:\n  valid_from: '2026-02-01'\n  valid_until: '2026-01-01'\nlogic:",
    );
    const r = compileText(text, 'feature.yaml');
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['empty-range']);
  });
});

describe('the holiday calendar (knowledge table calendar)', () => {
  it('finds charges dated on a legal holiday, not on a 调休 working weekend', async () => {
    const text = lineRule(['listed: fee_day in list calendar', "off: list.kind = 'holiday'"], 'listed and off', '{list.name}');
    const given = [
      '  fee_line:',
      // 2026-02-17 is in 春节; 2026-02-14 (a Saturday) is worked instead; 2026-02-10 an ordinary Tuesday.
      fee('V1', '1', '001201000020000', '2026-02-17 10:00:00'),
      fee('V2', '1', '001201000020000', '2026-02-14 10:00:00'),
      fee('V3', '1', '001201000020000', '2026-02-10 10:00:00'),
    ];
    expect(await outcomeOf(text, testOf(given, ['fee:H1:V1:1'], ['fee:H1:V2:1', 'fee:H1:V3:1']))).toEqual(PASSED);
  });
});
