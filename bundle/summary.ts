import { DISMISS_REASONS, SEVERITY_NAMES, STATES, SUBJECT_NAMES } from '../cases/index.js';
import type { BundleData } from './gather.js';
import { nameOf } from '../contract/codes.js';

/** The summary page (pure): one self-contained Chinese HTML file, no script, no outside resource. */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ACTIONS: Readonly<Record<string, string>> = {
  created: '建立线索',
  facts: '事实变化',
  reopened: '因新事实重新打开',
  transition: '状态转换',
  assign: '分派',
  comment: '意见',
  merge: '并入',
  detach: '拆分',
  amounts: '金额',
  bundle: '导出证据包',
};

interface Event {
  readonly at: string;
  readonly kind: string;
  readonly who: string;
  readonly what: string;
}

function auditText(action: string, after: unknown): string {
  if (!after || typeof after !== 'object') return '';
  const a = after as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof a['state'] === 'string') parts.push(`状态 → ${nameOf(STATES, a['state'])}`);
  if (typeof a['assignee'] === 'string') parts.push(`经办 ${a['assignee'] || '(无)'}`);
  if (typeof a['amount'] === 'number') parts.push(`金额 ${a['amount'].toFixed(2)} 元`);
  if (typeof a['hit_count'] === 'number') parts.push(`命中 ${a['hit_count']} 条`);
  if (typeof a['body'] === 'string') parts.push(a['body']);
  if (action === 'bundle' && typeof a['file'] === 'string' && typeof a['manifest_sha256'] === 'string')
    parts.push(`${a['file']} (manifest ${a['manifest_sha256'].slice(0, 16)}…)`);
  return parts.join(', ');
}

/** The timeline: the audit log and the hits by the day they happened, in time order. */
export function timelineOf(d: BundleData): Event[] {
  const events: Event[] = [
    ...d.detail.audit.map((a) => ({
      at: a.happened_at,
      kind: nameOf(ACTIONS, a.action),
      who: a.actor,
      what: auditText(a.action, a.after),
    })),
    ...d.detail.hits.map((h) => ({
      at: h.occurred_on,
      kind: h.withdrawn ? '命中 (已撤回)' : '违规发生',
      who: `${h.rule_id}@${h.rule_version}`,
      what: `${h.vola_cont} (${h.vola_amt.toFixed(2)} 元)`,
    })),
  ];
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const row = (cells: readonly string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  `<table><thead>${row(header, 'th')}</thead><tbody>${rows.map((r) => row(r)).join('')}</tbody></table>`;

export function renderSummary(d: BundleData, meta: { createdAt: string; actor: string; role: string; files: readonly string[] }): string {
  const c = d.detail.case;
  const p = c.risk_parts?.parts;
  const i = c.risk_parts?.inputs;
  const offending = d.lines.filter((l) => l.role === 'offending').length;
  const facts: [string, string][] = [
    ['线索', c.case_id],
    ['标题', c.title],
    ['模式', `${d.patternName} (${c.pattern})`],
    ['主体', `${nameOf(SUBJECT_NAMES, c.subject_kind)} ${c.subject_key || '-'}`],
    ['机构', `${c.fixmedins_name} (${c.fixmedins_code})`],
    ['期间', c.period],
    ['状态', `${nameOf(STATES, c.state)}  版本 ${c.version}`],
    ['经办人', c.assignee ?? '-'],
    ['办理期限', c.due_on ?? '-'],
    ['严重程度', nameOf(SEVERITY_NAMES, c.sev_deg)],
    ['涉及金额', `${c.amount.toFixed(2)} 元 (每条违规明细只计一次, 见 amounts.csv; ${offending} 条违规项)`],
    ...(c.dismiss_reason ? [['驳回理由', nameOf(DISMISS_REASONS, c.dismiss_reason)] as [string, string]] : []),
    ...(c.recover_amt !== null ? [['追回金额', `${c.recover_amt.toFixed(2)} 元`] as [string, string]] : []),
  ];
  const risk = [
    ['金额', String(p?.amount ?? 0), `${c.amount.toFixed(2)} 元`],
    ['严重程度', String(p?.severity ?? 0), nameOf(SEVERITY_NAMES, c.sev_deg)],
    ['多源印证', String(p?.agreement ?? 0), `${i?.sources ?? 0} 个规则/检测器`],
    ['历史', String(p?.history ?? 0), `此前确认 ${i?.confirmedBefore ?? 0} 件`],
    ['合计', c.risk.toFixed(1), '0–100'],
  ];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>证据包 ${esc(c.case_id)}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em;color:#222;max-width:70em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f5f7fa}.kv th{width:7em}.note{color:#666;font-size:.9em}
</style></head><body>
<h1>飞行检查证据包: ${esc(c.title)}</h1>
<p class="note">导出于 ${esc(meta.createdAt)} (UTC), 导出人 ${esc(meta.actor)} (${esc(meta.role)})。个人信息仅以脱敏形式出现; 参保人以人员编号 (psn_no) 在国家医保信息平台核验。</p>
<h2>线索</h2>
<table class="kv"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
<h2>风险分构成</h2>
${table(['部分', '得分', '依据'], risk)}
<h2>命中 (${d.detail.hits.length} 条)</h2>
${table(
  ['jr_id', '规则/检测器', '日期', '金额', '严重程度', '违规内容'],
  d.detail.hits.map((h) => [
    h.jr_id.slice(0, 16),
    `${h.rule_id}@${h.rule_version}${h.withdrawn ? ' (已撤回)' : ''}`,
    h.occurred_on,
    h.vola_amt.toFixed(2),
    nameOf(SEVERITY_NAMES, h.sev_deg),
    h.vola_cont,
  ]),
)}
<h2>时间线</h2>
${table(
  ['时间', '事件', '操作人/来源', '内容'],
  timelineOf(d).map((e) => [e.at, e.kind, e.who, e.what]),
)}
${
  d.detail.comments.length
    ? `<h2>意见</h2>${table(
        ['时间', '操作人', '意见'],
        d.detail.comments.map((m) => [m.happened_at, m.actor, m.body]),
      )}`
    : ''
}
<h2>证据包内容</h2>
<ul>${meta.files.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
${d.stock && !d.ledgerBuilt ? '<p class="note">进销存台账尚未重建 (先运行 fundwatch detect), ledger.csv 为空。</p>' : ''}
<p class="note">核对证据包: fundwatch bundle verify &lt;zip&gt; (每个文件的 SHA-256 与 manifest.json 一致, manifest 的哈希与审计日志一致)。</p>
</body></html>
`;
}
