/**
 * The morning report's three charts as inline SVG (pure). Two horizontal bar charts and a line:
 * a few dozen elements each, so they are drawn here rather than with a chart library (see
 * reports/README.md); the HTML stays one self-contained file.
 */

/** Text for HTML or SVG content and attribute values. */
export const esc = (t: string): string =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Shown after the bar; the value itself when absent. */
  readonly note?: string;
}

const EMPTY = (w: number, label: string, text: string) =>
  `<svg class="chart" role="img" aria-label="${esc(label)}" width="${w}" height="60" viewBox="0 0 ${w} 60">` +
  `<text x="${w / 2}" y="34" text-anchor="middle" class="empty">${esc(text)}</text></svg>`;

/** Horizontal bars, one row a label, longest bar the largest value. */
export function barChart(label: string, bars: readonly Bar[], empty = '无'): string {
  const w = 760;
  if (!bars.length) return EMPTY(w, label, empty);
  const row = 26;
  const left = 230;
  const right = 150;
  const top = 8;
  const h = top * 2 + row * bars.length;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const scale = max > 0 ? (w - left - right) / max : 0;
  const rows = bars.map((b, i) => {
    const y = top + i * row;
    const len = Math.max(b.value > 0 ? 1 : 0, b.value * scale);
    return (
      `<g><title>${esc(`${b.label}: ${b.note ?? b.value}`)}</title>` +
      `<text x="${left - 8}" y="${y + row / 2 + 4}" text-anchor="end" class="label">${esc(b.label)}</text>` +
      `<rect x="${left}" y="${y + 4}" width="${r1(len)}" height="${row - 8}" class="bar"/>` +
      `<text x="${r1(left + len + 6)}" y="${y + row / 2 + 4}" class="value">${esc(b.note ?? String(b.value))}</text></g>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${esc(label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - top}" class="axis"/>${rows.join('')}</svg>`
  );
}

export interface Point {
  /** The x label (a date). */
  readonly x: string;
  readonly y: number;
  readonly note?: string;
}

/** A line over equally spaced points, with four gridlines and every fifth x label. */
export function lineChart(label: string, points: readonly Point[], tick: (y: number) => string): string {
  const w = 760;
  const h = 260;
  if (!points.length) return EMPTY(w, label, '无');
  const left = 90;
  const right = 20;
  const top = 16;
  const bottom = 40;
  const max = Math.max(...points.map((p) => p.y), 0);
  const ceiling = max > 0 ? niceCeiling(max) : 1;
  const xOf = (i: number) => left + (points.length === 1 ? 0 : (i * (w - left - right)) / (points.length - 1));
  const yOf = (v: number) => top + (h - top - bottom) * (1 - v / ceiling);
  const grid = [0, 1, 2, 3, 4].map((k) => {
    const v = (ceiling * k) / 4;
    return (
      `<line x1="${left}" y1="${r1(yOf(v))}" x2="${w - right}" y2="${r1(yOf(v))}" class="grid"/>` +
      `<text x="${left - 6}" y="${r1(yOf(v) + 4)}" text-anchor="end" class="tick">${esc(tick(v))}</text>`
    );
  });
  const last = points.length - 1;
  const xs = points.map((p, i) =>
    i % 5 === last % 5
      ? `<text x="${r1(xOf(i))}" y="${h - bottom + 18}" text-anchor="middle" class="tick">${esc(p.x.slice(5))}</text>`
      : '',
  );
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${r1(xOf(i))},${r1(yOf(p.y))}`).join(' ');
  const dots = points.map(
    (p, i) =>
      `<circle cx="${r1(xOf(i))}" cy="${r1(yOf(p.y))}" r="3" class="dot"><title>${esc(`${p.x}: ${p.note ?? p.y}`)}</title></circle>`,
  );
  return (
    `<svg class="chart" role="img" aria-label="${esc(label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `${grid.join('')}${xs.join('')}<path d="${path}" class="line"/>${dots.join('')}</svg>`
  );
}

/** The smallest 1, 2 or 5 × 10^k at or above x: gridlines at round values. */
export function niceCeiling(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
