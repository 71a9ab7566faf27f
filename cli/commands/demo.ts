import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PACKAGE_ROOT, resolvePiiKey } from '../../core/config.js';
import { FundwatchError } from '../../core/errors.js';
import { replay, replayFiles } from '../../ingest/index.js';
import { dirWriter, generate } from '../../generator/index.js';
import { loadReference } from '../../reference/index.js';
import { runDetectors, runnableDetectors } from '../../detectors/index.js';
import { detect, detectableRules, knowledgeOrThrow } from '../../rules/index.js';
import { caseHitIds, formatGroupSummary, groupCases, listCases } from '../../cases/index.js';
import { bundlesDirOf, writeBundle } from '../../bundle/index.js';
import { addDays, chinaDay } from '../../core/calendar.js';
import { nowText } from '../../core/clock.js';
import { prepareDraw, publicDirOf, publishDraw, runDraw, verifyDraw } from '../../inspection/index.js';
import { formatMorningSummary, morningWindow, reportsDirOf, writeMorningReport } from '../../reports/index.js';
import { caseScore, formatCaseScore, formatScorecard, readHits, scorecard, trueHitIds } from '../../score/index.js';
import { tableCounts } from '../../store/index.js';
import { warnDemoKey, withStore } from '../context.js';
import { n, table } from '../format.js';
import { formatSummary, rejectedOfRun } from './ingest.js';
import { readLabels } from './score.js';

const DEMO_DB = './data/demo.duckdb';
/** The generated city's seed: the demo shows the same city every time. */
const CITY_SEED = 20260101;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('演示: 用自带的样例数据 (fixtures/) 建一个全新的数据库, 导入并展示落库结果')
    .option('--force', '允许覆盖 --db 指定的已有数据库文件')
    .option('--no-city', '不生成合成城市 (只演示样例数据)')
    .addHelpText('after', `\n默认数据库 ${DEMO_DB} (每次重建); 可在任何目录运行。`)
    .action(async (opts: { force?: boolean; city: boolean }, cmd: Command) => {
      // The demo rebuilds its database: only its own default file, or an explicit --db with --force.
      const explicit = cmd.optsWithGlobals<{ db?: string }>().db;
      const dbPath = explicit ?? DEMO_DB;
      if (explicit && existsSync(explicit) && !opts.force)
        throw new FundwatchError('usage', `${explicit} 已存在; 演示会重建数据库, 如确认请加 --force`);
      for (const f of [dbPath, `${dbPath}.wal`]) rmSync(f, { force: true });
      const pii = resolvePiiKey();
      warnDemoKey(pii);
      const fixtures = path.join(PACKAGE_ROOT, 'fixtures');
      const out = await withStore(dbPath, async (store) => {
        const conn = await store.connect();
        try {
          const reference = await loadReference(conn, path.join(fixtures, 'reference'), { piiKey: pii.key });
          const summary = await replay(store, replayFiles(path.join(fixtures, 'messages')), { piiKey: pii.key });
          return { reference, summary, rejected: await rejectedOfRun(conn, summary.runId), report: await landedReport(conn) };
        } finally {
          conn.closeSync();
        }
      });
      process.stdout.write(
        [
          `== fundwatch 演示 ==  数据库: ${dbPath}`,
          '',
          '1) 参考数据',
          table(
            ['文件', '加载行', '拒收行'],
            out.reference.map((r) => [r.file, n(r.rowsLoaded), n(r.rowsRejected)]),
          ),
          '',
          '2) 消息导入 (fixtures/messages: 正常上传, T1 次日对账更正, 冲销, 撤销, 删除, 以及故意构造的错误消息)',
          formatSummary(out.summary, out.rejected, dbPath),
          '3) 落库结果',
          out.report,
          '',
          '下一步: fundwatch --db ' + dbPath + ' status | fundwatch --db ' + dbPath + ' rejected list',
          '',
        ].join('\n'),
      );
      if (opts.city) process.stdout.write(await cityDemo(dbPath, pii.key));
    });
}

/**
 * Part two: a tiny synthetic city (generator/) with known fraud and honest look-alikes, landed in
 * its own database beside the demo's, and the detection scorecard against its ground truth.
 */
async function cityDemo(demoDb: string, piiKey: string): Promise<string> {
  const base = demoDb.replace(/\.duckdb$/, '');
  const dir = `${base}-city`;
  const dbPath = `${base}-city.duckdb`;
  for (const f of [dbPath, `${dbPath}.wal`]) rmSync(f, { force: true });
  rmSync(dir, { recursive: true, force: true });
  const generated = await generate({ seed: CITY_SEED, scale: 'tiny' }, dirWriter(dir, { gzip: true }));
  const labels = readLabels(path.join(dir, 'labels.json'));
  const out = await withStore(dbPath, async (store) => {
    const conn = await store.connect();
    try {
      const reference = await loadReference(conn, path.join(dir, 'reference'), { piiKey });
      const summary = await replay(store, replayFiles(path.join(dir, 'messages')), { piiKey });
      // The shipped rule library and the detectors, as `fundwatch detect` runs them (test and stable ones).
      const runs = await detect(conn, detectableRules(), knowledgeOrThrow());
      const detectorRuns = await runDetectors(conn, runnableDetectors());
      const now = nowText();
      const grouped = await groupCases(conn, now);
      // The cases were made just now; the report that first lists them is the next 07:00 one.
      const report = await writeMorningReport(conn, { date: nextMorning(now), outDir: reportsDirOf(dbPath) }, { now });
      const inspection = await inspectionDemo(conn, dbPath, dir, now);
      const hits = await readHits(conn);
      const queue = await listCases(conn);
      const ids = await caseHitIds(conn);
      return {
        grouped,
        report,
        inspection,
        queue,
        caseCard: caseScore(
          queue.map((c) => ({ case_id: c.case_id, pattern: c.pattern, jr_ids: ids.get(c.case_id) ?? [] })),
          trueHitIds(hits, labels),
          [10, 20],
        ),
        reference,
        summary,
        runs,
        detectorRuns,
        counts: await tableCounts(conn),
        card: scorecard(hits, labels, [10, 100]),
      };
    } finally {
      conn.closeSync();
    }
  });
  const byPattern = new Map<string, number>();
  for (const l of labels.frauds) byPattern.set(l.pattern, (byPattern.get(l.pattern) ?? 0) + 1);
  const lookalikes = new Map<string, number>();
  for (const l of labels.honest) lookalikes.set(l.looks_like, (lookalikes.get(l.looks_like) ?? 0) + 1);
  return [
    `4) 合成城市 (种子 ${CITY_SEED}, tiny 规模): ${dir} → ${dbPath}`,
    `   ${generated.institutions} 家机构, ${n(generated.persons)} 名参保人, ${generated.days} 天, 费用明细 ${n(generated.stats.feeLines)} 条; 参考数据 ${out.reference.reduce((k, r) => k + r.rowsLoaded, 0)} 行; 消息 ${n(out.summary.messagesRead)} 条, 拒收 ${out.summary.rejected} 条 (其中故意构造的错误消息 ${labels.malformed.length} 条), 用时 ${out.summary.seconds.toFixed(1)} 秒`,
    table(
      ['表', '当前行', '全部版本'],
      out.counts.map((c) => [c.table, n(c.current), n(c.versions)]),
    ),
    '',
    `   注入的违规 (labels.json, 共 ${labels.frauds.length} 条) 与看似违规的正常行为 (共 ${labels.honest.length} 条):`,
    table(
      ['模式', '违规', '相似的正常行为'],
      [...new Set([...byPattern.keys(), ...lookalikes.keys()])].sort().map((p) => [p, n(byPattern.get(p) ?? 0), n(lookalikes.get(p) ?? 0)]),
    ),
    '',
    `5) 智能监控规则 (rules/library, ${out.runs.length} 条): 命中 ${n(out.runs.reduce((k, r) => k + r.hits, 0))} 条 (fundwatch detect; 查看: fundwatch --db ${dbPath} hits list)`,
    table(
      ['规则', '版本', '命中'],
      out.runs.map((r) => [r.rule_id, String(r.version), n(r.hits)]),
    ),
    '',
    `6) 统计检测器 (detectors/config, ${out.detectorRuns.length} 个): 命中 ${n(out.detectorRuns.reduce((k, r) => k + r.hits, 0))} 条`,
    table(
      ['检测器', '版本', '命中'],
      out.detectorRuns.map((r) => [r.rule_id, String(r.version), n(r.hits)]),
    ),
    '',
    '7) 检测评分 (规则与检测器合计, 对照 labels.json):',
    formatScorecard(out.card),
    '',
    `8) 线索队列 (命中按主体、模式、期间归并): ${formatGroupSummary(out.grouped)}`,
    table(
      ['线索', '风险', '模式', '机构', '期间', '命中', '金额(元)'],
      out.queue
        .slice(0, 8)
        .map((c) => [c.case_id, c.risk.toFixed(1), c.pattern, c.fixmedins_name, c.period, String(c.hit_count), c.amount.toFixed(2)]),
    ),
    '',
    formatCaseScore(out.caseCard),
    `   查看: fundwatch --db ${dbPath} cases list | fundwatch --db ${dbPath} cases show ${out.queue[0]?.case_id ?? '<线索>'}`,
    '',
    `9) 晨报 (${out.report.date} 07:00 口径; 之后每天由 fundwatch serve --jobs 在 07:00 生成):`,
    formatMorningSummary(out.report)
      .split('\n')
      .map((l) => `   ${l}`)
      .join('\n'),
    formatInspection(out.inspection, dbPath),
    '',
    `晨报: ${out.report.paths.html}`,
    `抽取: ${out.inspection.draw.draw_id} (${out.inspection.verified.ok ? '核验通过' : '核验未通过'}), 公开记录 ${out.inspection.published.files.html}`,
    `证据包: ${out.inspection.bundle?.file ?? '-'}`,
    '',
  ].join('\n');
}

/** The demo's 双随机 plan over the generated registry: half the pharmacies, two hospitals, teams of two. */
const DEMO_PLAN = (from: string, to: string) => `plan_id: demo-${from}
period: { from: '${from}', to: '${to}' }
strata:
  - { name: 零售药店, filter: { fixmedins_type: '2' }, ratio_pct: 50 }
  - { name: 医院, filter: { fixmedins_type: '1' }, count: 2 }
inspectors_per_target: 2
max_targets_per_inspector: 2
exclude_inspected_within_months: 6
directed: { min_case_risk: 50, max_targets: 2 }
`;

/**
 * Part three: what inspectors get. A 双随机 draw over the generated registries (prepared, drawn
 * on a public seed, verified by re-computing it, published), and the evidence bundle of the
 * queue's first case.
 */
async function inspectionDemo(conn: DuckDBConnection, dbPath: string, dir: string, now: string) {
  const ctx = { now, actor: 'demo', dbPath };
  const day = chinaDay(now);
  const planFile = path.join(dir, 'draw-plan.yaml');
  const planText = DEMO_PLAN(day, addDays(day, 90));
  writeFileSync(planFile, planText);
  const args = { plan_text: planText, plan_file: planFile };
  const prepared = await prepareDraw(conn, args, ctx);
  const { draw } = await runDraw(conn, { ...args, public_seed: `${day} 演示公开种子` }, ctx);
  const verified = await verifyDraw(conn, { draw_id: draw.draw_id });
  const published = await publishDraw(conn, { draw_id: draw.draw_id, out_dir: publicDirOf(dbPath) }, ctx);
  const [top] = await listCases(conn, { limit: 1 });
  const bundle = top ? await writeBundle(conn, { case_id: top.case_id, outDir: bundlesDirOf(dbPath), role: '检查组长' }, ctx) : undefined;
  return { planFile, prepared, draw, verified, published, bundle };
}

function formatInspection(i: Awaited<ReturnType<typeof inspectionDemo>>, dbPath: string): string {
  const doc = i.draw.document;
  return [
    `10) 双随机抽取 (${i.planFile}; 算法 fundwatch-draw-1, 合同 §9): 计划哈希 ${i.prepared.plan_hash.slice(0, 16)}… 先于种子公布`,
    table(
      ['方式', '分层', '机构', '检查人员'],
      [
        ...doc.random.map((t) => ['随机', t.stratum, t.fixmedins_code, t.unstaffed ? '(无可派人员)' : t.inspectors.join(', ')]),
        ...doc.directed.map((t) => ['定向', '-', t.fixmedins_code, '-']),
      ],
    ),
    `   核验 (fundwatch draw verify ${i.draw.draw_id}): ${i.verified.ok ? '重新计算结果与记录一致' : `不一致: ${i.verified.mismatches.join(', ')}`}; 公开记录 (一公开, 截止 ${i.published.deadline_on}): ${i.published.files.html}`,
    `11) 证据包 (飞行检查): ${i.bundle ? `${i.bundle.file} (线索 ${i.bundle.case_id}, ${i.bundle.files.length} 个文件, manifest SHA-256 ${i.bundle.manifest_sha256.slice(0, 16)}…; 核对: fundwatch --db ${dbPath} bundle verify <zip>)` : '队列为空, 未生成'}`,
  ].join('\n');
}

/** The first morning report whose 07:00 (Beijing) cutoff is after `now`: the one that will list what exists now. */
function nextMorning(now: string): string {
  const today = chinaDay(now);
  return now < morningWindow(today).cutoff ? today : addDays(today, 1);
}

/** What landed, in the words a supervisor would use. */
async function landedReport(conn: DuckDBConnection): Promise<string> {
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? '' : String(v))));
  const counts = await tableCounts(conn);
  const insts = await rows(`SELECT i.fixmedins_name, i.hosp_lv, (SELECT count(*) FROM visit v WHERE v.fixmedins_code = i.fixmedins_code),
      (SELECT count(*) FROM fee_line f WHERE f.fixmedins_code = i.fixmedins_code),
      (SELECT coalesce(sum(det_item_fee_sumamt), 0) FROM fee_line f WHERE f.fixmedins_code = i.fixmedins_code),
      (SELECT count(*) FROM psi_line p WHERE p.fixmedins_code = i.fixmedins_code)
    FROM institution i ORDER BY i.fixmedins_code`);
  const t1 = await rows(`SELECT f.fixmedins_code, f.mdtrt_id, f.feedetl_sn, f.det_item_fee_sumamt, f.inscp_amt,
      (SELECT count(*) FROM fee_line_version v WHERE v.fixmedins_code = f.fixmedins_code AND v.mdtrt_id = f.mdtrt_id AND v.feedetl_sn = f.feedetl_sn) AS versions
    FROM fee_line f WHERE f.upload_mode = 'T1' ORDER BY 1, 2, 3`);
  const cancelled = await rows(
    `SELECT fixmedins_code, setl_id, medfee_sumamt, cancel_msgid, strftime(cancel_time, '%Y-%m-%d %H:%M:%S') FROM settlement WHERE cancelled ORDER BY 1, 2`,
  );
  const deleted = await rows(
    `SELECT fixmedins_code, kind, fixmedins_bchno, med_list_codg, delete_msgid FROM psi_line WHERE deleted ORDER BY 1, 2, 3`,
  );
  const reversals = await rows(`SELECT *, cnt + reversed AS net FROM (
      SELECT o.fixmedins_code, o.mdtrt_id, o.feedetl_sn, o.cnt, sum(r.cnt) AS reversed
      FROM fee_line r JOIN fee_line o ON o.fixmedins_code = r.fixmedins_code AND o.mdtrt_id = r.mdtrt_id AND o.feedetl_sn = r.init_feedetl_sn
      GROUP BY ALL) ORDER BY 1, 2, 3`);
  const pii = await rows(
    `SELECT fixmedins_code, mdtrt_id, psn_name_mask, certno_mask, left(certno_hash, 16) || '…' FROM visit WHERE certno_mask IS NOT NULL ORDER BY 1, 2 LIMIT 3`,
  );
  return [
    table(
      ['表', '当前行', '全部版本'],
      counts.map((c) => [c.table, n(c.current), n(c.versions)]),
    ),
    '',
    '各机构:',
    table(['机构', '等级', '就诊', '费用明细', '费用合计(元)', '进销存'], insts),
    '',
    'T1 对账更正后的当前版本 (T1 优先于 T0, 无论到达顺序):',
    table(['机构', '就诊ID', '明细流水号', '金额', '政策范围内金额', '版本数'], t1),
    '',
    '冲销 (负数量明细抵消原明细, 原明细保留):',
    table(['机构', '就诊ID', '原明细', '原数量', '冲销数量', '净数量'], reversals),
    '',
    '已撤销的结算 (2208/2305, 行保留并标记):',
    table(['机构', '结算ID', '医疗费总额', '撤销消息', '撤销时间'], cancelled),
    '',
    '已删除的进销存记录 (3507, 行保留并标记):',
    table(['机构', '类别', '批次流水号', '医保目录编码', '删除消息'], deleted),
    '',
    '个人信息只以密钥哈希与掩码形式落库:',
    table(['机构', '就诊ID', '姓名', '身份证号', '哈希'], pii),
  ].join('\n');
}
