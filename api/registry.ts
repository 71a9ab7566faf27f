import { z } from 'zod';
import {
  addSuppression,
  expireSuppression,
  listSuppressions,
  type SuppressionInput,
  assignCase,
  commentCase,
  ruleStats,
  detachHit,
  groupCases,
  listCases,
  mergeCases,
  showCase,
  transitionCase,
} from '../cases/index.js';
import { bundlesDirOf, verifyBundle, writeBundle } from '../bundle/index.js';
import { FundwatchError } from '../core/errors.js';
import {
  exportDraw,
  listDraws,
  listTargets,
  prepareDraw,
  publicDirOf,
  publishDraw,
  recordResult,
  runDraw,
  verifyDraw,
} from '../inspection/index.js';
import { creditOfCase, recomputeCredit, showCredit } from '../credit/index.js';
import { listJobs, runJob } from '../jobs/index.js';
import { reportsDirOf, writeMorningReport } from '../reports/index.js';
import { defineOp, type Op } from './op.js';
import { statusOf } from './status.js';

const caseId = z.string().min(1);
const version = z.number().int().nonnegative();
const yuan = z.number().nonnegative().optional();
const planArgs = z.object({ plan_text: z.string(), plan_file: z.string().min(1) });
const drawId = z.object({ draw_id: z.string().min(1) });
const deadlineDays = z.number().int().positive().optional();

/** Every op the CLI and the server share, by name. */
export const OPS: Readonly<Record<string, Op>> = Object.fromEntries(
  [
    defineOp({
      name: 'cases.list',
      args: z.object({
        state: z.string().optional(),
        pattern: z.string().optional(),
        fixmedins_code: z.string().optional(),
        assignee: z.string().optional(),
      }),
      run: (conn, a) => listCases(conn, a),
    }),
    defineOp({
      name: 'cases.show',
      args: z.object({ case_id: caseId }),
      run: async (conn, a) => {
        const d = await showCase(conn, a.case_id);
        if (!d) throw new FundwatchError('usage', `没有线索 ${a.case_id} (见 fundwatch cases list)`);
        // The credit rows this case counts in (once confirmed and credit recomputed).
        return { ...d, credit: await creditOfCase(conn, a.case_id) };
      },
    }),
    defineOp({ name: 'cases.group', args: z.object({}), run: (conn, _a, ctx) => groupCases(conn, ctx.now) }),
    defineOp({
      name: 'cases.transition',
      args: z.object({
        case_id: caseId,
        version,
        to: z.string(),
        reason: z.string().optional(),
        note: z.string().optional(),
        recover_amt: yuan,
        recovered_amt: yuan,
        penalty_amt: yuan,
      }),
      run: (conn, a, ctx) => transitionCase(conn, a, ctx),
    }),
    defineOp({
      name: 'cases.assign',
      args: z.object({ case_id: caseId, version, assignee: z.string() }),
      run: (conn, a, ctx) => assignCase(conn, a, ctx),
    }),
    defineOp({
      name: 'cases.comment',
      args: z.object({ case_id: caseId, body: z.string() }),
      run: (conn, a, ctx) => commentCase(conn, a, ctx),
    }),
    defineOp({
      name: 'cases.merge',
      args: z.object({ into: caseId, version, from: z.array(z.object({ case_id: caseId, version })).min(1) }),
      run: (conn, a, ctx) => mergeCases(conn, a, ctx),
    }),
    defineOp({
      name: 'cases.detach',
      args: z.object({ jr_id: z.string().min(1), version }),
      run: (conn, a, ctx) => detachHit(conn, a, ctx),
    }),
    defineOp({
      name: 'credit.show',
      args: z.object({ institution: z.string().optional(), practitioner: z.string().optional(), year: z.number().int().optional() }),
      run: (conn, a, ctx) => showCredit(conn, a, ctx),
    }),
    defineOp({
      name: 'credit.recompute',
      args: z.object({ year: z.number().int().optional() }),
      run: (conn, a, ctx) => recomputeCredit(conn, a, ctx),
    }),
    defineOp({ name: 'rules.stats', args: z.object({ rule: z.string().optional() }), run: (conn, a, ctx) => ruleStats(conn, a, ctx) }),
    // The stage parses a suppression itself, so that every issue, the date range included, comes in one message.
    defineOp({ name: 'suppress.add', args: z.unknown(), run: (conn, a, ctx) => addSuppression(conn, a as SuppressionInput, ctx) }),
    defineOp({
      name: 'suppress.list',
      args: z.object({ all: z.boolean().optional() }),
      run: (conn, a, ctx) => listSuppressions(conn, a, ctx),
    }),
    defineOp({
      name: 'suppress.expire',
      args: z.object({ supp_id: z.string().min(1) }),
      run: (conn, a, ctx) => expireSuppression(conn, a, ctx),
    }),
    defineOp({
      name: 'jobs.list',
      args: z.object({ last: z.number().int().positive().optional() }),
      run: (conn, a, ctx) => listJobs(conn, a, ctx),
    }),
    defineOp({
      name: 'jobs.run',
      args: z.object({ job: z.string().min(1) }),
      run: (conn, a, ctx) => runJob(conn, { job: a.job, trigger: 'manual' }, ctx),
    }),
    defineOp({
      name: 'report.morning',
      args: z.object({ date: z.string().optional(), outDir: z.string().optional() }),
      run: (conn, a, ctx) => writeMorningReport(conn, { date: a.date, outDir: a.outDir ?? reportsDirOf(ctx.dbPath) }, ctx),
    }),
    defineOp({
      name: 'draw.prepare',
      args: planArgs,
      run: (conn, a, ctx) => prepareDraw(conn, a, ctx),
    }),
    defineOp({
      name: 'draw.run',
      args: planArgs.extend({ public_seed: z.string().min(1), supersede: z.boolean().optional(), reason: z.string().optional() }),
      run: (conn, a, ctx) => runDraw(conn, a, ctx),
    }),
    defineOp({ name: 'draw.verify', args: drawId, run: (conn, a) => verifyDraw(conn, a) }),
    defineOp({ name: 'draw.export', args: drawId.extend({ audit: z.boolean().optional() }), run: (conn, a) => exportDraw(conn, a) }),
    defineOp({ name: 'draw.list', args: z.object({}), run: (conn) => listDraws(conn) }),
    defineOp({
      name: 'draw.targets',
      args: z.object({ fixmedins_code: z.string().min(1).optional() }),
      run: (conn, a) => listTargets(conn, a),
    }),
    defineOp({
      name: 'draw.publish',
      args: drawId.extend({ out_dir: z.string().optional(), deadline_days: deadlineDays }),
      run: (conn, a, ctx) =>
        publishDraw(conn, { draw_id: a.draw_id, out_dir: a.out_dir ?? publicDirOf(ctx.dbPath), deadline_days: a.deadline_days }, ctx),
    }),
    defineOp({
      name: 'draw.result',
      args: drawId.extend({
        fixmedins_code: z.string().min(1),
        inspected_on: z.string(),
        outcome: z.string(),
        case_id: z.string().optional(),
        note: z.string().optional(),
      }),
      run: (conn, a, ctx) => recordResult(conn, a, ctx),
    }),
    defineOp({
      name: 'status',
      args: z.object({ deadline_days: deadlineDays }),
      run: (conn, a, ctx) => statusOf(conn, a, ctx),
    }),
    defineOp({
      name: 'bundle.write',
      args: z.object({ case_id: caseId, outDir: z.string().optional(), role: z.string().optional() }),
      run: (conn, a, ctx) => writeBundle(conn, { case_id: a.case_id, outDir: a.outDir ?? bundlesDirOf(ctx.dbPath), role: a.role }, ctx),
    }),
    defineOp({ name: 'bundle.verify', args: z.object({ file: z.string().min(1) }), run: (conn, a) => verifyBundle(conn, a) }),
  ].map((op) => [op.name, op as unknown as Op]),
);

/** The op of a name, and its arguments checked: a usage error naming what is wrong. */
export function resolveOp(name: string, args: unknown): { op: Op; args: unknown } {
  const op = OPS[name];
  if (!op) throw new FundwatchError('usage', `未知的操作 ${name}`);
  const parsed = op.args.safeParse(args ?? {});
  if (!parsed.success)
    throw new FundwatchError(
      'usage',
      `操作 ${name} 的参数有误: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(参数)'}: ${i.message}`).join('; ')}`,
    );
  return { op, args: parsed.data };
}
