import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { parseExpr } from '../rules/engine/expr.js';
import { ruleJsonSchema, SCHEMA_FILE } from '../rules/engine/json-schema.js';
import {
  compileText,
  knowledgeOrThrow,
  loadLists,
  loadRules,
  readText,
  runRuleTest,
  testFileOf,
  type CompiledRule,
} from '../rules/index.js';
import { openStore } from '../store/open.js';

/**
 * The compiler: expressions, golden SQL (reviewed as diffs, and each one executed), parameters
 * only (SQL injection through any string field cannot change the SQL), the JSON Schema export.
 */

/**
 * The shipped knowledge and rules, loaded by the first test that needs them, not while the file is
 * collected: a compiler that throws then fails each test that uses it, instead of leaving a file
 * with no tests (or, from a beforeAll, with every test skipped) that a mutation run takes for a pass.
 */
let loaded: { knowledge: ReturnType<typeof knowledgeOrThrow>; library: ReturnType<typeof loadRules> } | undefined;
function shipped() {
  return (loaded ??= { knowledge: knowledgeOrThrow(), library: loadRules() });
}

const GOLDEN = path.join(PACKAGE_ROOT, 'rules', 'golden');
/** The rules of the library by file name (`<category>/<id>.yaml`), read without the code under test. */
const RULE_IDS = readdirSync(path.join(PACKAGE_ROOT, 'rules', 'library'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'))
  .map((f) => path.basename(f, '.yaml'))
  .sort();

describe('expressions', () => {
  it('parse with precedence: not > and > or, comparisons over arithmetic', () => {
    const r = parseExpr('a or not b and c > 1 + 2 * d');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.expr).toMatchObject({
      t: 'binary',
      op: 'or',
      left: { t: 'ref', path: ['a'] },
      right: {
        op: 'and',
        left: { t: 'unary', op: 'not' },
        right: { op: '>', right: { op: '+', right: { op: '*' } } },
      },
    });
  });

  it('report the offset of a syntax error', () => {
    expect(parseExpr("gend = '1").ok).toBe(false);
    const r = parseExpr('cnt > > 1');
    expect(r.ok ? -1 : r.error.at).toBe(6);
    const s = parseExpr('x in list');
    expect(s.ok ? -1 : s.error.at).toBe(9);
  });

  it('read list.x as a column and (a, b) in list as a tuple lookup', () => {
    const r = parseExpr("(a.item, b.item) in list mutually_exclusive and list.scope = 'day'");
    expect(r.ok && r.expr.t === 'binary' && r.expr.left.t === 'inlist' && r.expr.left.arg.t === 'tuple').toBe(true);
  });
});

describe('golden SQL of the shipped rules', () => {
  it('compiles the whole library without errors or warnings, one rule per file, named like it', () => {
    expect(shipped().library.issues).toEqual([]);
    expect(RULE_IDS.length).toBeGreaterThanOrEqual(9);
    expect(
      shipped()
        .library.rules.map((r) => r.compiled.rule.id)
        .sort(),
    ).toEqual(RULE_IDS);
  });

  it('has a golden file for each rule and none for a rule that is gone', () => {
    const golden = readdirSync(GOLDEN)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.slice(0, -'.sql'.length))
      .sort();
    expect(golden.filter((id) => !RULE_IDS.includes(id))).toEqual([]);
  });

  it.each(RULE_IDS)('%s: SQL equals rules/golden/<id>.sql, and the golden SQL passes the rule test', async (id) => {
    const r = shipped().library.rules.find((x) => x.compiled.rule.id === id);
    if (!r) throw new Error(`rules/library/${id}.yaml did not compile to a rule with id ${id}`);
    const file = path.join(GOLDEN, `${id}.sql`);
    const text = `-- ${id} v${r.compiled.rule.version}; params: ${JSON.stringify(r.compiled.params)}\n${r.compiled.sql}\n`;
    // Written only on request: a missing golden file written by the test itself would let a new
    // rule's SQL pass without anyone reading it.
    if (process.env['UPDATE_GOLDEN']) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    if (!existsSync(file))
      throw new Error(
        `missing golden SQL rules/golden/${id}.sql. Write it with \`UPDATE_GOLDEN=1 npx vitest run test/rules-engine.test.ts\`, ` +
          `then read the SQL (git diff / git status rules/golden) before committing it.`,
      );
    const golden = readFileSync(file, 'utf8');
    expect(text).toBe(golden);
    // Text equality proves nothing about meaning: run the golden SQL itself on the rule's test data.
    const sql = golden.split('\n').slice(1).join('\n');
    const compiled: CompiledRule = { ...r.compiled, sql };
    const outcome = await runRuleTest(compiled, readText(testFileOf(r.file, id)), `${id}.test.yaml`, shipped().knowledge);
    expect(outcome.issues).toEqual([]);
    expect(outcome.missing).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
    expect(outcome.tp).toBeGreaterThan(0);
  });
});

const PAYLOAD = `x'); DROP TABLE hit; --`;

/** A rule with a given string in every free-text field and in every literal. */
function ruleWith(s: string): string {
  const y = JSON.stringify(s); // a YAML double-quoted scalar
  return `id: injection-probe
version: 1
title: ${y}
description: ${y}
status: experimental
owner: ${y}
references: [${y}]
pattern: gender-restricted
severity: definite
logic:
  kind: line
  conditions:
    restricted: item in list gender_restricted
    odd: person.gend = ${JSON.stringify(`'${s.replace(/'/g, '')}'`)} or item_name like ${JSON.stringify(`'%${s.replace(/'/g, '')}%'`)} or list.reason in [${JSON.stringify(`'${s.replace(/'/g, '')}'`)}]
  condition: restricted and odd
vola_cont: ${JSON.stringify(`${s}{item_name}${s}`)}
evidence: [list.reason]
triage: ${y}
`;
}

describe('SQL injection through rule text', () => {
  it('no string of the rule reaches the SQL text: the SQL is the same whatever the strings', () => {
    const evil = compileText(ruleWith(PAYLOAD), 'evil.yaml');
    const benign = compileText(ruleWith('benign text here abc'), 'benign.yaml');
    expect(evil.ok && benign.ok).toBe(true);
    if (!evil.ok || !benign.ok) return;
    expect(evil.compiled.sql).toBe(benign.compiled.sql);
    expect(evil.compiled.sql).not.toContain('DROP');
    expect(Object.values(evil.compiled.params).some((v) => typeof v === 'string' && v.includes('DROP TABLE hit'))).toBe(true);
  });

  it('an identifier cannot smuggle SQL either: it is refused as an unknown column or a syntax error', () => {
    const bad = ruleWith('benign').replace('person.gend =', 'person."gend"; DROP TABLE hit; --" =');
    const r = compileText(bad, 'bad.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.code)).toContain('expression-syntax');
    const col = compileText(ruleWith('benign').replace('person.gend =', 'person.gend_DROP_TABLE_hit ='), 'col.yaml');
    expect(!col.ok && col.issues.map((i) => i.code)).toEqual(['unknown-column']);
  });

  it('executes with the payload as a plain value: the tables survive the run', async () => {
    const evil = compileText(ruleWith(PAYLOAD), 'evil.yaml');
    if (!evil.ok) throw new Error('did not compile');
    const store = await openStore(':memory:');
    const conn = await store.connect();
    try {
      await loadLists(conn, shipped().knowledge);
      await conn.run(`INSERT INTO fee_line_version (is_current, fixmedins_code, mdtrt_id, feedetl_sn, psn_no, fee_ocur_time, med_list_codg, cnt, pric, det_item_fee_sumamt)
                      VALUES (true, 'H1', 'V1', '1', 'P1', TIMESTAMP '2026-01-05 10:00:00', 'XG04CBF022A001010100649', 1, 1, 1)`);
      await conn.run(`CREATE TEMP TABLE r AS ${evil.compiled.sql}`, {
        ...evil.compiled.params,
        rule_id: 'injection-probe',
        since: null,
        until: null,
      });
      const tables = await conn.runAndReadAll(
        `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('hit', 'hit_detail', 'fee_line_version')`,
      );
      expect(Number(tables.getRows()[0]?.[0])).toBe(3);
    } finally {
      conn.closeSync();
      await store.close();
    }
  });
});

describe('jr_id', () => {
  it('is SHA-256 of rule_id, newline, and the sorted distinct 违规项 refs joined by newlines', async () => {
    const r = shipped().library.rules.find((x) => x.compiled.rule.id === 'duplicate-exclusive-pair');
    if (!r) throw new Error('rule missing');
    const store = await openStore(':memory:');
    const conn = await store.connect();
    try {
      await loadLists(conn, shipped().knowledge);
      for (const [sn, item, t] of [
        ['2', '001201000030000', '09:00'],
        ['1', '001201000020000', '08:00'],
      ] as const)
        await conn.run(
          `INSERT INTO fee_line_version (is_current, fixmedins_code, mdtrt_id, feedetl_sn, psn_no, fee_ocur_time, med_list_codg, cnt, pric, det_item_fee_sumamt)
                        VALUES (true, 'H1', 'V1', $sn, 'P1', CAST($t AS TIMESTAMP), $item, 1, 10, 10)`,
          { sn, item, t: `2026-01-05 ${t}:00` },
        );
      const rows = (
        await conn.runAndReadAll(r.compiled.sql, { ...r.compiled.params, rule_id: r.compiled.rule.id, since: null, until: null })
      ).getRowObjectsJS();
      expect(rows).toHaveLength(1);
      const refs = ['fee:H1:V1:1', 'fee:H1:V1:2'];
      expect(rows[0]?.['jr_id']).toBe(
        createHash('sha256')
          .update(`duplicate-exclusive-pair\n${refs.join('\n')}`)
          .digest('hex'),
      );
    } finally {
      conn.closeSync();
      await store.close();
    }
  });
});

describe('national lists', () => {
  it('nat_main_secondary: one row per surgery, with every group the batch lists it in, so a lookup meets one row', async () => {
    // Expected from the shipped entry file itself, not from the code under test.
    const groupsOf = new Map<string, Set<string>>();
    for (const line of readFileSync(path.join(PACKAGE_ROOT, 'rules', 'knowledge', 'national', 'b2-service-main-secondary.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)) {
      const e = JSON.parse(line) as { med_list_codg: string; group_id: string };
      groupsOf.set(e.med_list_codg, (groupsOf.get(e.med_list_codg) ?? new Set()).add(e.group_id));
    }
    const store = await openStore(':memory:');
    const conn = await store.connect();
    try {
      await loadLists(conn, shipped().knowledge, ['national/b2-service-main-secondary']);
      const rows = (
        await conn.runAndReadAll(`SELECT med_list_codg, list_sort(group_ids) AS ids FROM k_nat_main_secondary ORDER BY med_list_codg`)
      ).getRowObjectsJS();
      expect(rows).toHaveLength(groupsOf.size);
      const multi = [...groupsOf].filter(([, g]) => g.size > 1);
      expect(multi.length).toBeGreaterThan(0);
      for (const [code, g] of multi) expect(rows.find((r) => r['med_list_codg'] === code)?.['ids']).toEqual([...g].sort());
    } finally {
      conn.closeSync();
      await store.close();
    }
  });
});

const ruleText = (id: string, logic: string[], template: string) =>
  [
    `id: ${id}`,
    'version: 1',
    'title: 引擎测试规则',
    'description: 引擎测试',
    'status: experimental',
    'owner: 测试',
    'references: [测试依据]',
    'pattern: excess-quantity',
    'severity: suspect',
    'logic:',
    ...logic.map((l) => `  ${l}`),
    `vola_cont: '${template}'`,
    'triage: 测试',
    '',
  ].join('\n');

const feeRow = (visit: string, sn: string, item: string, cnt: number, extra = '') =>
  `    - { fixmedins_code: H1, mdtrt_id: ${visit}, feedetl_sn: '${sn}', psn_no: P1, fee_ocur_time: '2026-01-05 08:0${sn}:00', med_list_codg: '${item}', medins_list_codg: N${sn}, det_item_fee_sumamt: ${10 * cnt}, cnt: ${cnt}, pric: 10, med_type: '21', bilg_dept_codg: D1, bilg_dr_codg: DR1${extra} }`;

async function outcome(rule: string, test: string[]) {
  const r = compileText(rule, 'engine-test.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const o = await runRuleTest(r.compiled, test.join('\n'), 't.test.yaml', shipped().knowledge);
  return { missing: o.missing, unexpected: o.unexpected, issues: o.issues };
}

describe('an aggregate rule over fee lines requiring a list of its item', () => {
  const aggregateRule = (condition: string) =>
    ruleText(
      'aggregate-listed',
      [
        'kind: aggregate',
        'source: fee_line',
        'group_by: [psn_no, med_list_codg]',
        'measures:',
        '  days: { agg: count_distinct, of: fee_day }',
        'conditions:',
        '  limited: med_list_codg in list nat_drug_course',
        '  many: days > 1',
        `condition: ${condition}`,
      ],
      '{days}',
    );
  const firstStep = (text: string) => {
    const r = compileText(text, 'engine-test.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.compiled.sql.split('\nh AS')[0] ?? '';
  };
  it('reads only the lines of listed items when its condition requires the list, and every line when it does not', () => {
    expect(firstStep(aggregateRule('limited and many'))).toContain('IN (SELECT "med_list_codg" FROM k_nat_drug_course)');
    // Under `or` the list is not required: an unlisted item's group can still hit.
    expect(firstStep(aggregateRule('limited or many')).includes('k_nat_drug_course')).toBe(false);
  });
});

describe('nat-service-cycle and batch 8-4', () => {
  it('measures a window for every period the table has (a new period needs a new measure in the rule)', () => {
    const periods = new Set(
      readFileSync(path.join(PACKAGE_ROOT, 'rules', 'knowledge', 'national', 'b8-4-service-cycle.ndjson'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { period_days: number }).period_days),
    );
    const text = readFileSync(path.join(PACKAGE_ROOT, 'rules', 'library', 'national', 'nat-service-cycle.yaml'), 'utf8');
    for (const n of periods) {
      expect(text).toContain(`days_between(b.fee_day, a.fee_day) < ${n}'`);
      expect(text).toContain(`list.period_days = ${n} and prior_${n} + a.net_cnt > list.max_cnt`);
    }
  });
});

describe('net_cnt of a fee line', () => {
  it('is what its reversals leave of it, and 0 on a reversal line', async () => {
    // V1: 3 units less 1 reversed (2 left), 1 unit reversed in full (0 left): one line with 2 left.
    // V2: two lines with nothing reversed: two lines left.
    const rule = ruleText(
      'net-cnt',
      [
        'kind: aggregate',
        'source: fee_line',
        'group_by: [mdtrt_id]',
        'measures:',
        '  left: { agg: sum, of: net_cnt }',
        "  lines_left: { agg: count, where: 'net_cnt > 0' }",
        'conditions:',
        '  one_line_of_two: lines_left = 1 and left = 2',
        'condition: one_line_of_two',
      ],
      '{mdtrt_id}',
    );
    const test = [
      'rule: net-cnt',
      'given:',
      '  fee_line:',
      feeRow('V1', '1', '001201000020000', 3),
      feeRow('V1', '2', '001201000020000', -1, ", init_feedetl_sn: '1'"),
      feeRow('V1', '3', '001201000030000', 1),
      feeRow('V1', '4', '001201000030000', -1, ", init_feedetl_sn: '3'"),
      feeRow('V2', '1', '001201000020000', 1),
      feeRow('V2', '2', '001201000020000', 1),
      'hits: [fee:H1:V1:1]',
      'not_hits: [fee:H1:V2:1]',
    ];
    expect(await outcome(rule, test)).toEqual({ missing: [], unexpected: [], issues: [] });
  });
});

describe('a related rule over fee lines requiring a list of its a row', () => {
  it('reads only the listed a rows, and still relates them to unlisted b rows', async () => {
    // 002503020030000 糖化血红蛋白测定 is in batch 8-4 (nat_cycle); 001201000030000 Ⅰ级护理 is not.
    const rule = ruleText(
      'related-listed',
      [
        'kind: related',
        'source: fee_line',
        'with: fee_line',
        'within_days: 0',
        "relate: 'b.med_list_codg <> a.med_list_codg'",
        'conditions:',
        '  cycled: a.med_list_codg in list nat_cycle',
        '  with_other: related > 0',
        'condition: cycled and with_other',
      ],
      '{a.med_list_codg}',
    );
    const r = compileText(rule, 'engine-test.yaml');
    expect(r.ok && r.compiled.sql.split('\ng AS')[0]).toContain('IN (SELECT "med_list_codg" FROM k_nat_cycle)');
    const test = [
      'rule: related-listed',
      'given:',
      '  fee_line:',
      feeRow('V1', '1', '002503020030000', 1),
      feeRow('V1', '2', '001201000030000', 1),
      'hits: [fee:H1:V1:1]',
      'not_hits: [fee:H1:V1:2]',
    ];
    expect(await outcome(rule, test)).toEqual({ missing: [], unexpected: [], issues: [] });
  });
});

describe('JSON Schema for editors', () => {
  it('rules/rule.schema.json is the one generated from the zod schema (npm run rules:schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(ruleJsonSchema());
  });
});
