import type { Scorecard } from './scorecard.js';

/** The scorecard as Chinese console text (the CLI prints it). Pure. */

export const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

/** Display width, CJK characters counting two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** Rows of cells → aligned text, the columns in `right` right-aligned. */
export function grid(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[c] ?? 0) - width(s)));
    return right.has(c) ? fill + s : s + fill;
  };
  const line = (r: readonly string[]) => `  ${r.map((cell, c) => pad(cell, c)).join('  ')}`.trimEnd();
  return [line(header), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

export function formatScorecard(card: Scorecard, options: { maxFalsePositives?: number } = {}): string {
  const ks = card.k.map(String);
  const header = ['模式', '中文', '标签', '命中', '真命中', '精确率', '召回率', 'F1', ...ks.map((k) => `P@${k}`), '相似正常', '相似误报'];
  const row = (code: string, name: string, s: Scorecard['overall']) => [
    code,
    name,
    String(s.labels),
    String(s.hits),
    String(s.trueHits),
    pct(s.precision),
    pct(s.recall),
    pct(s.f1),
    ...ks.map((k) => pct(s.precisionAtK[k] ?? null)),
    String(s.lookalikes),
    String(s.lookalikeFalsePositives),
  ];
  const rows = [...card.patterns.map((p) => row(p.pattern, p.name, p)), row('全部', '', card.overall)];
  const right = new Set(header.map((_, i) => i).filter((i) => i >= 2));
  const out = [
    `检测评分 (合同 §7): 命中 ${card.overall.hits} 条, 欺诈标签 ${card.overall.labels} 个, 相似正常标签 ${card.overall.lookalikes} 个`,
    grid(header, rows, right),
    '  精确率 = 真命中 / 命中 (命中任何欺诈标签的主体即为真命中); 召回率 = 被同模式命中的标签 / 标签;',
    `  P@k 按涉及金额降序、评分降序排列后前 k 条的精确率; "-" 表示无可计算的数据`,
  ];
  if (card.overall.hits === 0) out.push('  尚无命中 (规则与检测器尚未运行, 或数据库中 hit 表为空): 各模式召回率为 0。');
  const max = options.maxFalsePositives ?? 20;
  if (card.lookalikeFalsePositives.length) {
    out.push(
      `相似正常行为上的误报 (共 ${card.lookalikeFalsePositives.length} 条, 按金额列出前 ${Math.min(max, card.lookalikeFalsePositives.length)} 条):`,
    );
    out.push(
      grid(
        ['命中ID', '模式', '规则', '金额', '相似正常主体', '说明'],
        card.lookalikeFalsePositives
          .slice(0, max)
          .map((f) => [
            f.jr_id.slice(0, 12),
            f.pattern,
            f.rule_id,
            f.vola_amt.toFixed(2),
            `${f.label.level}:${f.label.key}`,
            f.label.note ?? '',
          ]),
        new Set([3]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
