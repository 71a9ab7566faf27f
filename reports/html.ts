import { EXPIRY_DAYS, TREND_DAYS, shanghaiText, totalsOf, yuan, type InstitutionLine, type MorningData } from './model.js';
import { barChart, esc, lineChart } from './svg.js';

/** Rows of the HTML case table; the XLSX always has every case. */
export const HTML_MAX_ROWS = 500;

const STYLE = `
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  margin: 24px auto; max-width: 1200px; color: #1f2933; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-left: 4px solid #b42318; padding-left: 8px; }
.meta { color: #616e7c; margin: 0 0 16px; }
.summary { display: flex; gap: 16px; flex-wrap: wrap; }
.summary div { background: #f5f7fa; border-radius: 6px; padding: 12px 16px; min-width: 160px; }
.summary strong { display: block; font-size: 26px; color: #b42318; }
.warn { background: #fff4e5; border: 1px solid #f79009; border-radius: 6px; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 6px; text-align: left; white-space: nowrap; }
th { background: #f5f7fa; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.new td:first-child::after { content: " 新"; color: #b42318; font-weight: bold; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg .bar { fill: #b42318; } svg .axis, svg .grid { stroke: #cbd2d9; } svg .line { fill: none; stroke: #b42318; stroke-width: 2; }
svg .dot { fill: #b42318; } svg .label, svg .value, svg .tick { fill: #3e4c59; } svg .empty { fill: #9aa5b1; font-size: 14px; }
`;

const credit = (c: InstitutionLine['credit']): string =>
  c === null ? '-' : `${c.score === null ? '' : `${c.score.toFixed(1)} `}${c.level} (${c.year})`;

const wan = (v: number): string => (v >= 10_000 ? `${(v / 10_000).toLocaleString('en-US', { maximumFractionDigits: 2 })}万` : `${v}`);

/**
 * The morning report as one self-contained HTML page in Chinese (pure): the headline figures
 * (the case count in `data-case-count`), a warning on suppressions about to expire, exactly three
 * inline SVG charts (`svg.chart`: new cases by pattern, the amount trend, the institutions with
 * the most open amount) and the case table. No script, no external resource.
 */
export function renderHtml(d: MorningData): string {
  const t = totalsOf(d);
  const rows = d.cases.slice(0, HTML_MAX_ROWS);
  const byPattern = barChart(
    '新增线索 (按模式)',
    d.patterns.filter((p) => p.new > 0).map((p) => ({ label: p.name, value: p.new, note: `${p.new} 条` })),
    '过去 24 小时无新增线索',
  );
  const trend = lineChart(
    `近 ${TREND_DAYS} 日新建线索涉及金额`,
    d.trend.map((p) => ({ x: p.day, y: p.amount, note: `${p.cases} 条, ${yuan(p.amount)} 元` })),
    wan,
  );
  const institutions = barChart(
    '在办金额最多的机构',
    d.institutions.map((i) => ({ label: i.name, value: i.amount, note: `${yuan(i.amount)} 元` })),
    '无在办线索',
  );
  const warn = d.expiring.length
    ? `<p class="warn">⚠ ${d.expiring.length} 条白名单/例外将在 ${EXPIRY_DAYS} 日内到期, 到期后相应命中将重新进入队列: ${d.expiring
        .map((x) => `${esc(x.supp_id)} (${esc(x.rule_id ?? '全部规则')}, ${esc(x.expires_on)} 到期, 审批人 ${esc(x.approver)})`)
        .join('; ')}</p>`
    : '';
  const head = [
    '线索号',
    '状态',
    '模式',
    '主体',
    '机构',
    '期间',
    '命中数',
    '涉及金额(元)',
    '风险分',
    '严重程度',
    '经办人',
    '办理期限',
    '创建时间',
  ];
  const body = rows.map(
    (c) =>
      `<tr${c.is_new ? ' class="new"' : ''}><td>${esc(c.case_id)}</td><td>${esc(c.state_name)}</td><td>${esc(c.pattern_name)}</td>` +
      `<td>${esc(`${c.subject_name} ${c.subject_key}`)}</td><td>${esc(c.fixmedins_name)}</td><td>${esc(c.period)}</td>` +
      `<td class="num">${c.hit_count}</td><td class="num">${yuan(c.amount)}</td><td class="num">${c.risk.toFixed(1)}</td>` +
      `<td>${esc(c.sev_name)}</td><td>${esc(c.assignee ?? '')}</td><td>${esc(c.due_on ?? '')}</td><td>${esc(shanghaiText(c.created_at))}</td></tr>`,
  );
  const instTable = d.institutions.length
    ? `<table><thead><tr><th>机构</th><th>机构编码</th><th>在办线索</th><th>涉及金额(元)</th><th>信用</th></tr></thead><tbody>${d.institutions
        .map(
          (i) =>
            `<tr><td>${esc(i.name)}</td><td>${esc(i.code)}</td><td class="num">${i.cases}</td><td class="num">${yuan(i.amount)}</td><td>${esc(credit(i.credit))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>医保基金智能监控晨报 ${esc(d.date)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>医保基金智能监控晨报 · ${esc(d.date)}</h1>
<p class="meta">统计截至 ${esc(d.date)} 07:00 (北京时间); 生成于 ${esc(shanghaiText(d.generated_at))}</p>
<section class="summary">
<div>在办线索<strong data-case-count="${t.cases}">${t.cases}</strong>条</div>
<div>其中新增<strong data-new-count="${t.newCases}">${t.newCases}</strong>条 (过去 24 小时新建或重新打开)</div>
<div>涉及金额<strong>${yuan(t.amount)}</strong>元</div>
<div>新增涉及金额<strong>${yuan(t.newAmount)}</strong>元</div>
</section>
${warn}
<h2>新增线索 (按模式)</h2>
${byPattern}
<h2>近 ${TREND_DAYS} 日新建线索涉及金额 (元, 每日截至 07:00)</h2>
${trend}
<h2>在办金额最多的机构</h2>
${institutions}
${instTable}
<h2>线索清单</h2>
<p class="meta">按风险分降序; 标 “新” 的为过去 24 小时新建或重新打开的线索。${
    rows.length < d.cases.length ? `仅列出风险最高的 ${rows.length} 条, 共 ${d.cases.length} 条见 XLSX 线索清单。` : ''
  }</p>
<table>
<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
