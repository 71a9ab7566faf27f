import { describe, expect, it } from 'vitest';
import { parseYaml } from '../core/diagnostics/index.js';
import { loadGiven, RuleTest } from '../rules/index.js';
import { openStore } from '../store/open.js';
import { rows } from './support/store.js';

/**
 * A rule test's `given` rows land through the production paths (ingest's decoder and lander, the
 * reference loader), so a test sees exactly the columns production stores, and a row production
 * would refuse is reported at its own line and column of the test file.
 */

const FEE = (extra: string) =>
  `{ fixmedins_code: H1, mdtrt_id: V1, feedetl_sn: '1', psn_no: P1, fee_ocur_time: '2026-01-05 10:00:00', med_list_codg: X1234567, medins_list_codg: F1, det_item_fee_sumamt: 4, cnt: 2, pric: 2, bilg_dept_codg: D1, bilg_dr_codg: DR1${extra} }`;

async function load(lines: string[]) {
  const text = ['rule: r', 'given:', ...lines, "hits: ['x']", "not_hits: ['y']", ''].join('\n');
  const parsed = parseYaml(text, 'r.test.yaml', RuleTest);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = await openStore(':memory:');
  const issues = await loadGiven(store, parsed.value.given, parsed.yaml);
  return { store, issues };
}

describe('rule test data', () => {
  it('lands as production stores it: the national med_type class of a provincial sub-code, versions, message records', async () => {
    const { store, issues } = await load([
      '  fee_line:',
      `    - ${FEE(", med_type: '2105'")}`,
      `    - ${FEE(", med_type: '99'")}`.replace("feedetl_sn: '1'", "feedetl_sn: '2'"),
    ]);
    expect(issues).toEqual([]);
    const conn = await store.connect();
    expect(await rows(conn, 'SELECT feedetl_sn, med_type, med_type_class, is_current FROM fee_line_version ORDER BY feedetl_sn')).toEqual([
      { feedetl_sn: '1', med_type: '2105', med_type_class: '21', is_current: true },
      // No national class starts with 99: the class stays empty, as in production (the old runner took the first two characters).
      { feedetl_sn: '2', med_type: '99', med_type_class: null, is_current: true },
    ]);
    expect(await rows(conn, "SELECT count(*)::INT AS n FROM message WHERE infno = '2204'")).toEqual([{ n: 2 }]);
    conn.closeSync();
    await store.close();
  });

  it('reports a row production would refuse at its own line, and the field at its own column', async () => {
    const { store, issues } = await load([
      '  visit:',
      "    - { fixmedins_code: H1, mdtrt_id: V1, psn_no: P1, med_type: '21', begntime: '2026-01-01 09:00:00' }",
      "    - { fixmedins_code: H1, mdtrt_id: V2, psn_no: P1, med_type: '21', begntime: 'yesterday' }",
      '  fee_line:',
      `    - ${FEE(', cnnt: 1')}`,
      '  insured:',
      "    - { psn_no: P1, gend: '7', brdy: '1970-01-01', insutype: '310' }",
      '  wards:',
      '    - { bed: 1 }',
    ]);
    await store.close();
    expect(issues.map((i) => [i.code, i.at.line, i.at.col, i.at.path])).toEqual([
      ['bad-test-row', 5, 81, 'given.visit[1].begntime'],
      ['bad-test-row', 7, 237, 'given.fee_line[0].cnnt'],
      ['bad-test-row', 9, 27, 'given.insured[0].gend'],
      ['bad-test-row', 10, 3, 'given.wards'],
    ]);
    expect(issues[0]?.message).toContain('生产会拒收这一行');
    expect(issues[1]?.message).toContain('不是 2204 消息的字段');
  });
});
