import { describe, expect, it } from 'vitest';
import { parseYaml } from '../core/diagnostics/index.js';
import { compileText, evaluate, knowledgeOrThrow, loadGiven, loadLists, RuleTest, runRuleTest, type CompiledRule } from '../rules/index.js';
import { openStore } from '../store/open.js';
import { rows } from './support/store.js';

/**
 * The compiler's knowledge-list lookups: one join per lookup key, so that the same list looked up
 * under two keys is two lookups, not one read twice; and the semi-join that keeps only lines of
 * listed items, which must not drop the lines a pair's other side needs.
 */

const rule = (conditions: string[], condition: string) =>
  [
    'id: two-lookups',
    'version: 1',
    'title: 同一知识库表按两个键查询',
    'description: 两个项目都在限频次表中',
    'status: experimental',
    'owner: 测试',
    'references: [测试依据]',
    'pattern: excess-quantity',
    'severity: suspect',
    'logic:',
    '  kind: pair',
    '  within: visit',
    '  conditions:',
    ...conditions.map((c) => `    ${c}`),
    `  condition: ${condition}`,
    "vola_cont: '{a.item_name} 与 {b.item_name}'",
    'triage: 测试',
    '',
  ].join('\n');

function compiled(text: string): CompiledRule {
  const r = compileText(text, 'two-lookups.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.compiled;
}

const fee = (visit: string, sn: string, item: string) =>
  `    - { fixmedins_code: H1, mdtrt_id: ${visit}, feedetl_sn: '${sn}', psn_no: P1, fee_ocur_time: '2026-01-05 08:00:00', med_list_codg: '${item}', medins_list_codg: N${sn}, det_item_fee_sumamt: 10, cnt: 1, pric: 10, med_type: '21', bilg_dept_codg: D1, bilg_dr_codg: DR1 }`;

// 001201000020000 特级护理 and 001201000030000 Ⅰ级护理 are in rules/knowledge/frequency-limits.yaml; X9999999 is not.
const TEST = [
  'rule: two-lookups',
  'given:',
  '  fee_line:',
  fee('V1', '1', '001201000020000'),
  fee('V1', '2', 'X9999999'),
  fee('V2', '1', '001201000020000'),
  fee('V2', '2', '001201000030000'),
  'hits: [fee:H1:V2:1]',
  'not_hits: [fee:H1:V1:1, fee:H1:V1:2]',
  '',
].join('\n');

const testOf = (hits: string[], notHits: string[]) =>
  [...TEST.split('\n').slice(0, 7), `hits: [${hits.join(', ')}]`, `not_hits: [${notHits.join(', ')}]`, ''].join('\n');

/** What the rule test says of the rule: the refs it missed, the ones it should not have hit, bad rows. */
async function outcomeOf(ruleText: string, testText: string) {
  const o = await runRuleTest(compiled(ruleText), testText, 't.test.yaml', knowledgeOrThrow());
  return { missing: o.missing, unexpected: o.unexpected, issues: o.issues };
}
const PASSED = { missing: [], unexpected: [], issues: [] };

describe('a pair rule requiring a list of one side only', () => {
  it("still sees the other side's unlisted lines (the semi-join narrows lines only when both sides require a list)", async () => {
    const text = rule(['fa: a.item in list frequency_limits'], 'fa');
    expect(await outcomeOf(text, testOf(['fee:H1:V1:2', 'fee:H1:V2:2'], ['fee:H9:V9:9']))).toEqual(PASSED);
  });
});

describe('a knowledge list looked up under two keys', () => {
  const text = rule(['fa: a.item in list frequency_limits', 'fb: b.item in list frequency_limits'], 'fa and fb');

  it('gives two joins, one per key', () => {
    const sql = compiled(text).sql;
    expect(sql.match(/LEFT JOIN k_frequency_limits AS \w+/g)).toEqual([
      'LEFT JOIN k_frequency_limits AS k_frequency_limits',
      'LEFT JOIN k_frequency_limits AS k_frequency_limits_2',
    ]);
  });

  it('checks each key against its own join: only the pair whose b item is not listed hits', async () => {
    // V1: a = 001201000020000 (listed), b = X9999999 (not listed): a listed and b not, a hit.
    // V2: both listed: no hit. Read through one join, fb would say what fa says, and V1 would not hit.
    const oneListed = rule(['fa: a.item in list frequency_limits', 'fb: b.item in list frequency_limits'], 'fa and not fb');
    expect(await outcomeOf(oneListed, testOf(['fee:H1:V1:2'], ['fee:H1:V2:1', 'fee:H1:V2:2']))).toEqual(PASSED);
  });

  it('shares one join between lookups under the same key', () => {
    const sql = compiled(rule(['fa: a.item in list frequency_limits', 'fb: not (a.item in list frequency_limits)'], 'fa or fb')).sql;
    expect(sql.match(/LEFT JOIN k_frequency_limits\b/g)).toHaveLength(1);
  });

  it('refuses a column of the list that could come from either lookup, naming both', () => {
    const r = compileText(
      rule(
        ['fa: a.item in list frequency_limits', 'fb: b.item in list frequency_limits', 'big: frequency_limits.max_cnt > 1'],
        'fa and fb and big',
      ),
      'two-lookups.yaml',
    );
    expect(r.ok ? [] : r.issues.map((i) => [i.code, i.at.path])).toEqual([['ambiguous-column', 'logic.conditions.big']]);
  });
});

describe('the related archetype: per-person history across visits and institutions', () => {
  const elsewhere = [
    'id: care-elsewhere',
    'version: 1',
    'title: 住院期间在其他机构结算',
    'description: 住院期间在其他机构有门诊或购药结算',
    'status: experimental',
    'owner: 测试',
    'references: [测试依据]',
    'pattern: phantom-bed',
    'severity: suspect',
    'logic:',
    '  kind: related',
    '  source: visit',
    '  with: settlement',
    '  within_days: 0',
    '  relate: b.fixmedins_code <> a.fixmedins_code and b.setl_time >= a.begntime and b.setl_time <= a.endtime',
    '  measures:',
    '    places: { agg: count_distinct, of: b.fixmedins_code }',
    '  conditions:',
    "    stay: a.med_type_class in ['21', '22', '24', '25']",
    '    seen: related > 0',
    '  condition: stay and seen',
    "vola_cont: '住院期间在 {places} 家其他机构结算 {related} 次'",
    'triage: 测试',
    '',
  ].join('\n');
  const setl = (id: string, inst: string, psn: string, t: string) =>
    `    - { fixmedins_code: ${inst}, setl_id: ${id}, mdtrt_id: M${id}, psn_no: ${psn}, gend: '1', brdy: '1970-01-01', insutype: '310', med_type: '11', setl_time: '${t}', medfee_sumamt: 10, fund_pay_sumamt: 5, psn_cash_pay: 5 }`;
  const test = [
    'rule: care-elsewhere',
    'given:',
    '  visit:',
    "    - { fixmedins_code: H1, mdtrt_id: V1, psn_no: P1, med_type: '21', begntime: '2026-01-01 09:00:00' }",
    "    - { fixmedins_code: H1, mdtrt_id: V2, psn_no: P2, med_type: '21', begntime: '2026-01-01 09:00:00' }",
    '  discharge:',
    "    - { fixmedins_code: H1, mdtrt_id: V1, psn_no: P1, endtime: '2026-01-10 10:00:00' }",
    "    - { fixmedins_code: H1, mdtrt_id: V2, psn_no: P2, endtime: '2026-01-10 10:00:00' }",
    '  settlement:',
    setl('S1', 'H2', 'P1', '2026-01-05 10:00:00'),
    setl('S2', 'P9', 'P1', '2026-01-06 10:00:00'),
    setl('S3', 'H1', 'P2', '2026-01-05 10:00:00'),
    setl('S4', 'H2', 'P2', '2026-01-20 10:00:00'),
    'hits: [visit:H1:V1]',
    'not_hits: [visit:H1:V2]',
    '',
  ].join('\n');

  it('hits a stay with settlements elsewhere within it, naming them as 涉及项; not one whose only settlements are its own or after it', async () => {
    expect(await outcomeOf(elsewhere, test)).toEqual(PASSED);
  });

  it('counts the related rows and their measures in the hit text, and lists them as 涉及项', async () => {
    const store = await openStore(':memory:');
    try {
      const parsed = parseYaml(test, 't.test.yaml', RuleTest);
      if (!parsed.ok) throw new Error('test file');
      expect(await loadGiven(store, parsed.value.given, parsed.yaml)).toEqual([]);
      const conn = await store.connect();
      await loadLists(conn, knowledgeOrThrow());
      await evaluate(conn, compiled(elsewhere));
      expect(await rows(conn, 'SELECT vola_cont, [d.ref FOR d IN details] AS refs FROM rule_result')).toEqual([
        { vola_cont: '住院期间在 2 家其他机构结算 2 次', refs: ['visit:H1:V1', 'setl:H2:S1', 'setl:P9:S2'] },
      ]);
      conn.closeSync();
    } finally {
      await store.close();
    }
  });
});

describe('named lookups (in list … as name)', () => {
  const text = rule(
    ['ca: a.item in list bundles as ba', 'cb: b.item in list bundles as bb', 'same: ba.bundle = bb.bundle'],
    'ca and cb and same',
  ).replace("vola_cont: '{a.item_name} 与 {b.item_name}'", "vola_cont: '{a.item_name} 与 {b.item_name} 同属 {ba.bundle_name}'");
  // Two components of 肝功能组合检查 (002503990010000) in V1; a component of it and an item of no bundle in V2.
  const test = [
    'rule: two-lookups',
    'given:',
    '  fee_line:',
    fee('V1', '1', '002503050040000'),
    fee('V1', '2', '002503050050000'),
    fee('V2', '1', '002503050040000'),
    fee('V2', '2', 'X9999999'),
    'hits: [fee:H1:V1:1]',
    'not_hits: [fee:H1:V2:1, fee:H1:V2:2]',
    '',
  ].join('\n');

  it("give each lookup's columns their own name, so two lookups of one list can be compared", async () => {
    expect(compiled(text).sql.match(/LEFT JOIN k_bundles AS \w+/g)).toEqual([
      'LEFT JOIN k_bundles AS k_bundles',
      'LEFT JOIN k_bundles AS k_bundles_2',
    ]);
    expect(await outcomeOf(text, test)).toEqual(PASSED);
  });

  it('refuse a name given twice, or one that is already a qualifier', () => {
    const twice = compileText(rule(['ca: a.item in list bundles as x', 'cb: b.item in list frequency_limits as x'], 'ca and cb'), 'r.yaml');
    expect(twice.ok ? [] : twice.issues.map((i) => i.code)).toEqual(['duplicate-name']);
    const qualifier = compileText(rule(['ca: a.item in list bundles as person'], 'ca'), 'r.yaml');
    expect(qualifier.ok ? [] : qualifier.issues.map((i) => i.code)).toEqual(['duplicate-name']);
  });
});
