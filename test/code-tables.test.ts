import { describe, expect, it } from 'vitest';
import { LabelLevel, Labels } from '../contract/labels.js';
import { HOSP_LV, INSUTYPE, MED_TYPE } from '../contract/codes.js';
import { PATTERN_CODES, PATTERNS } from '../contract/patterns.js';
import { SETTING_CLASSES } from '../rules/engine/columns.js';
import { ruleJsonSchema } from '../rules/engine/json-schema.js';
import { HospLevel, Insutype, MedTypeClass, Rule, Scope } from '../rules/engine/schema.js';

/**
 * The rule format lists codes of the contract's tables (险种, 医院等级, 医疗类别) and its pattern
 * vocabulary. Each is derived from `contract/`, so a code added there is accepted by the rule schema
 * and offered by the editor schema; these tests fail if a hand-written copy comes back and drifts.
 */

interface JsonArray {
  items: { enum: string[] };
}
interface RuleJson {
  properties: { pattern: { enum: string[] }; scope: { properties: Record<'insutypes' | 'hosp_levels' | 'med_type_classes', JsonArray> } };
}

const TABLES = [
  { field: 'insutypes', table: INSUTYPE, schema: Insutype },
  { field: 'hosp_levels', table: HOSP_LV, schema: HospLevel },
  { field: 'med_type_classes', table: MED_TYPE, schema: MedTypeClass },
] as const;

describe('rule schema and the contract code tables', () => {
  it.each(TABLES)('scope.$field accepts exactly the codes of its contract table', ({ field, table, schema }) => {
    const codes = Object.keys(table);
    expect(schema.options).toEqual(codes);
    for (const code of codes) expect(Scope.safeParse({ [field]: [code] }).success).toBe(true);
    // A code that is in none of the tables: a scope naming it is a mistake the schema reports.
    expect(Scope.safeParse({ [field]: ['999'] }).success).toBe(false);
  });

  it('the editor schema (rules/rule.schema.json) offers the same codes and patterns', () => {
    const json = JSON.parse(ruleJsonSchema()) as RuleJson;
    for (const { field, table } of TABLES) expect(json.properties.scope.properties[field].items.enum).toEqual(Object.keys(table));
    expect(json.properties.pattern.enum).toEqual(Object.keys(PATTERNS));
  });

  it("a rule's pattern is one of the contract's vocabulary", () => {
    expect(Rule.shape.pattern.options).toEqual(PATTERN_CODES);
    expect(PATTERN_CODES).toEqual(Object.keys(PATTERNS));
  });

  it('the settings inpatient, outpatient and pharmacy split the national med_type classes, each class once', () => {
    const classes = Object.values(SETTING_CLASSES).flat();
    expect([...classes].sort()).toEqual(Object.keys(MED_TYPE).sort());
  });
});

describe('labels.json schema (contract §7)', () => {
  const fraud = { pattern: 'phantom-bed', level: 'visit', fixmedins_code: 'H1', mdtrt_id: 'V1' };

  it('accepts a label of each level with its key, and a look-alike naming a pattern', () => {
    const labels = {
      frauds: [
        fraud,
        { pattern: 'resale', level: 'person', psn_no: 'P1' },
        { pattern: 'volume-spike', level: 'institution', fixmedins_code: 'H1' },
      ],
      honest: [{ pattern: 'trace-code-reuse', level: 'trace', drug_trac_codg: 'T1', looks_like: 'trace-code-reuse' }],
      malformed: [{ msgid: 'M1', reason: '非 JSON' }],
    };
    expect(Labels.parse(labels)).toEqual(labels);
    expect(LabelLevel.options).toEqual(['visit', 'person', 'institution', 'trace']);
  });

  it('rejects a label without the key of its level, and a pattern outside the vocabulary', () => {
    const noKey = Labels.safeParse({
      frauds: [{ pattern: 'phantom-bed', level: 'visit', fixmedins_code: 'H1' }],
      honest: [],
      malformed: [],
    });
    expect(noKey.error?.issues.map((i) => i.path.join('.'))).toEqual(['frauds.0.mdtrt_id']);
    const badPattern = Labels.safeParse({ frauds: [{ ...fraud, pattern: 'made-up' }], honest: [], malformed: [] });
    expect(badPattern.error?.issues.map((i) => i.path.join('.'))).toEqual(['frauds.0.pattern']);
    const badLookalike = Labels.safeParse({ frauds: [], honest: [{ ...fraud, looks_like: 'made-up' }], malformed: [] });
    expect(badLookalike.error?.issues.map((i) => i.path.join('.'))).toEqual(['honest.0.looks_like']);
  });
});
