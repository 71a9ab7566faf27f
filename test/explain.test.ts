import { describe, expect, it } from 'vitest';
import { explainRule, loadRules } from '../rules/index.js';

/**
 * `rules explain` is how a supervisor reads a rule: every rule of the library must read in Chinese.
 * Every field, list column and derived name in its logic carries its Chinese name in brackets; what
 * is left in Latin letters is only the rule's own vocabulary (its named conditions, measures and
 * lookups, which the explanation defines line by line), list names (glossed too) and quoted values.
 */

const library = loadRules();

/** The logic section of an explanation, without the raw template line (it is the rule's text itself). */
const logicOf = (text: string): string[] => {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('逻辑 ('));
  const end = lines.indexOf('知识库:');
  return lines.slice(start + 1, end).filter((l) => !l.includes('违规内容模板'));
};

/** Latin-letter words that are neither glossed (`cnt（数量）`) nor quoted values. */
function unglossed(line: string): string[] {
  const bare = line
    .replace(/"[^"]*"/g, '')
    .replace(/[A-Za-z_][A-Za-z0-9_.]*（[^）]*）/g, '')
    .replace(/（[^）]*）/g, '');
  return [...bare.matchAll(/[A-Za-z_][A-Za-z0-9_.]*/g)].map((m) => m[0]).filter((w) => !ACRONYMS.has(w));
}

/** Latin acronyms a Chinese text uses as they are. */
const ACRONYMS = new Set(['ID', 'ICD', 'ATC', 'T0', 'T1']);

describe('rules explain renders every rule in Chinese', () => {
  it('loads the whole library', () => {
    expect(library.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(library.rules.length).toBeGreaterThanOrEqual(27);
  });

  it.each(library.rules.map((r) => [r.compiled.rule.id, r.compiled] as const))('%s', (_id, compiled) => {
    const text = explainRule(compiled);
    const rule = compiled.rule;
    const logic = rule.logic;
    const own = new Set<string>([
      ...Object.keys(logic.conditions),
      ...('measures' in logic ? Object.keys(logic.measures) : []),
      ...[...`${Object.values(logic.conditions).join(' ')} ${logic.condition}`.matchAll(/\bas ([a-z_]+)/g)].map((m) => m[1] as string),
      // ICD-10 codes and the like inside values: `Z51.0` is a code, not a name.
      ...[...text.matchAll(/\b[A-Z]\d\d(\.\d+)?\b/g)].map((m) => m[0]),
      'prev',
    ]);
    const logicLines = logicOf(text);
    expect(logicLines.length).toBeGreaterThan(1);
    const left = logicLines.flatMap(unglossed).filter((w) => !own.has(w));
    expect(left, `unglossed names in the logic of ${rule.id}`).toEqual([]);
    // Operators and aggregates read in Chinese, never as SQL words.
    expect(logicLines.join('\n')).not.toMatch(/\b(and|or|not|count|sum|count_distinct|is null)\b/);
    for (const name of Object.keys(logic.conditions)) expect(text).toContain(`条件 ${name}: `);
    expect(text).toContain(rule.title);
    expect(text).toMatch(/审核提示:\n {2}\S/);
  });
});
