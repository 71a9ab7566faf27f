import { describe, expect, it } from 'vitest';
import { compileText, knowledgeOrThrow, runRuleTest, type CompiledRule } from '../rules/index.js';

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
