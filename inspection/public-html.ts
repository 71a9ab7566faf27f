import { esc } from '../reports/index.js';
import type { PublicRecord, PublicTarget } from './public.js';
import { chinaTime } from '../core/calendar.js';

/**
 * The public record as one self-contained HTML page in Chinese (pure): no script, no external
 * resource, so it can be posted on any website or printed as it is. Random and directed targets are
 * in separate tables, each row marked with `data-mode` and a 随机/定向 badge.
 */

const STYLE = `
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  margin: 24px auto; max-width: 1200px; color: #1f2933; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-left: 4px solid #1f5fa8; padding-left: 8px; }
.meta { color: #616e7c; margin: 0 0 16px; }
.warn { background: #fff4e5; border: 1px solid #f79009; border-radius: 6px; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 6px; text-align: left; }
th { background: #f5f7fa; }
.mode { display: inline-block; border-radius: 4px; padding: 0 6px; font-weight: bold; }
.mode-random { background: #e6f0fa; color: #1f5fa8; } .mode-directed { background: #fdecea; color: #b42318; }
.muted { color: #9aa5b1; } code { font-size: 12px; word-break: break-all; }
`;

const cell = (v: string): string => `<td>${esc(v)}</td>`;

function teamCell(t: PublicTarget): string {
  if (t.mode === 'directed') return '<td class="muted">另行指派</td>';
  if (t.unstaffed) return '<td class="muted">未配备 (可用人员不足, 回避与上限规则不放宽)</td>';
  return cell(t.orgs.map((o) => `${o.org} ${o.count} 名`).join('、'));
}

function row(t: PublicTarget): string {
  return `<tr data-mode="${t.mode}"><td>${t.seq}</td><td><span class="mode mode-${t.mode}">${t.mode_name}</span></td>${[
    t.stratum ?? '—',
    t.fixmedins_code,
    t.fixmedins_name,
    t.type_name,
    t.level_name,
    t.admdvs,
  ]
    .map(cell)
    .join(
      '',
    )}${teamCell(t)}${t.inspected_on === null ? '<td class="muted">待检查</td><td></td>' : `${cell(t.inspected_on)}${cell(t.outcome_name ?? '')}`}</tr>`;
}

const HEAD = ['序号', '方式', '分层', '机构编码', '机构名称', '机构类型', '等级', '区划', '检查人员所属单位', '检查日期', '检查结果'];

function targetTable(targets: readonly PublicTarget[], empty: string): string {
  if (!targets.length) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${HEAD.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${targets.map(row).join('')}</tbody></table>`;
}

/** The page. */
export function renderPublicHtml(r: PublicRecord): string {
  const random = r.targets.filter((t) => t.mode === 'random');
  const directed = r.targets.filter((t) => t.mode === 'directed');
  const banner = r.superseded_by
    ? `<p class="warn">⚠ 本次抽取已被抽取 ${esc(r.superseded_by)} 取代, 理由: ${esc(r.supersede_reason ?? '')}。本记录按规定继续公开。</p>`
    : '';
  const others = r.others.length
    ? `<h2>本计划的其他抽取</h2><table><thead><tr><th>抽取编号</th><th>抽取时间 (北京时间)</th><th>状态</th><th>取代理由</th></tr></thead><tbody>${r.others
        .map(
          (o) =>
            `<tr data-draw="${esc(o.draw_id)}">${cell(o.draw_id)}${cell(chinaTime(o.drawn_at))}${cell(o.superseded_by ? `已被 ${o.superseded_by} 取代` : '现行')}${cell(o.supersede_reason ?? '')}</tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>双随机抽查结果公开 · ${esc(r.plan_id)}</title><style>${STYLE}</style></head>
<body data-draw-id="${esc(r.draw_id)}">
<h1>医保基金双随机抽查结果公开</h1>
<p class="meta">抽查计划 ${esc(r.plan_id)} · 抽取编号 ${esc(r.draw_id)} · 抽取于 ${esc(chinaTime(r.drawn_at))} (北京时间) · 公开于 ${esc(chinaTime(r.published_at))} · 公开期限 ${esc(r.deadline_on)}</p>
${banner}
<h2>检查事项</h2>
<p>检查期间 ${esc(r.period.from)} 至 ${esc(r.period.to)}; 每家检查对象配备检查人员 ${r.inspectors_per_target} 名, 由系统从检查人员名录中随机抽取, 与检查对象有利害关系者回避。</p>
<table><thead><tr><th>分层 (检查事项)</th><th>范围</th><th>抽取规则</th><th>名录家数</th><th>抽中家数</th></tr></thead><tbody>${r.items
    .map((i) => `<tr>${cell(i.stratum)}${cell(i.scope)}${cell(i.rule)}${cell(String(i.frame))}${cell(String(i.drawn))}</tr>`)
    .join('')}</tbody></table>
<h2>随机抽取的检查对象 (${random.length} 家)</h2>
${targetTable(random, '本次未抽中检查对象')}
<h2>定向检查对象 (${directed.length} 家, 依据监控线索选定, 不属于随机抽取)</h2>
${targetTable(directed, '本次无定向检查对象')}
<p>已登记检查结果 ${r.results} 家; 结果登记后本记录更新公开。</p>
${others}
<h2>如何核验</h2>
<p>抽取按公开算法 ${esc(r.algorithm)} 进行: 先于 ${esc(chinaTime(r.prepared_at))} 公布计划与名录的哈希, 再以事先无法预知的公开随机种子抽取。任何人可依据公开记录文件 (fundwatch draw export ${esc(r.draw_id)}) 复算检查对象。</p>
<table><tbody>
<tr><th>公开随机种子</th><td><code>${esc(r.public_seed)}</code></td></tr>
<tr><th>plan_hash</th><td><code>${esc(r.plan_hash)}</code></td></tr>
<tr><th>targets_hash</th><td><code>${esc(r.targets_hash)}</code></td></tr>
<tr><th>inspectors_hash</th><td><code>${esc(r.inspectors_hash)}</code></td></tr>
<tr><th>seed</th><td><code>${esc(r.seed)}</code></td></tr>
</tbody></table>
</body>
</html>
`;
}
