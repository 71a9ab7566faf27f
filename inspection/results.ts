import type { DuckDBConnection } from '@duckdb/node-api';
import { appendAudit } from '../cases/index.js';
import { chinaDay } from '../core/calendar.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { StageContext } from '../core/stage.js';
import { text } from '../store/index.js';
import { NEEDS_CASE, isOutcome, outcomeList, outcomeName } from './outcomes.js';
import { inTransaction, recordedDraw } from './record.js';
import { requireActor } from '../cases/index.js';

/**
 * Results of drawn inspections (`draw_result`): what an inspection of a target found, on which
 * day. The day is a last inspection for the exclusion window of later draws (frames.ts reads it),
 * the case it opened gets an `inspection` entry in its audit log (and so reaches credit once
 * confirmed), and the public record shows the result once entered.
 */

const log = logger('inspection');
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ResultArgs {
  readonly draw_id: string;
  readonly fixmedins_code: string;
  /** 'YYYY-MM-DD' (China date). */
  readonly inspected_on: string;
  /** A code of OUTCOMES. */
  readonly outcome: string;
  readonly case_id?: string | undefined;
  readonly note?: string | undefined;
}

export interface RecordedResult {
  readonly draw_id: string;
  readonly fixmedins_code: string;
  readonly mode: 'random' | 'directed';
  readonly inspected_on: string;
  readonly outcome: string;
  readonly outcome_name: string;
  readonly case_id: string | null;
  readonly recorded_at: string;
  readonly actor: string;
}

const validDate = (s: string): boolean =>
  DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * `draw result`: records what the inspection of one target of a draw found. Refused for a target
 * not in the draw (random or directed), for a superseded draw, twice for one target, for a day
 * before the draw or after today, and for a case that does not exist or is another institution's.
 */
export async function recordResult(conn: DuckDBConnection, a: ResultArgs, ctx: StageContext): Promise<RecordedResult> {
  const actor = requireActor(ctx);
  if (!isOutcome(a.outcome)) throw new FundwatchError('usage', `未知的检查结果 ${a.outcome}; 可用: ${outcomeList()}`);
  if (!validDate(a.inspected_on)) throw new FundwatchError('usage', `检查日期 (--inspected-on) 须为 YYYY-MM-DD: ${a.inspected_on}`);
  const caseId = a.case_id?.trim() || null;
  if (NEEDS_CASE.has(a.outcome) && caseId === null)
    throw new FundwatchError('usage', `检查结果 ${outcomeName(a.outcome)} 须以 --case <线索号> 指明立案的线索`);
  const note = a.note?.trim() || null;

  return inTransaction(conn, async () => {
    const d = await recordedDraw(conn, a.draw_id);
    if (d.superseded_by)
      throw new FundwatchError('refused', `抽取 ${d.draw_id} 已被 ${d.superseded_by} 取代, 不再登记检查结果; 请登记到现行抽取`);
    const random = d.document.random.some((t) => t.fixmedins_code === a.fixmedins_code);
    const directed = d.document.directed.some((t) => t.fixmedins_code === a.fixmedins_code);
    if (!random && !directed)
      throw new FundwatchError('refused', `机构 ${a.fixmedins_code} 不在抽取 ${d.draw_id} 的检查对象中 (随机与定向均无), 拒绝登记`);
    const drawnOn = chinaDay(d.drawn_at);
    const today = chinaDay(ctx.now);
    if (a.inspected_on < drawnOn || a.inspected_on > today)
      throw new FundwatchError('usage', `检查日期 ${a.inspected_on} 须在抽取日 ${drawnOn} 与今天 ${today} 之间`);
    const old = await conn.runAndReadAll(
      `SELECT strftime(inspected_on, '%Y-%m-%d'), outcome FROM draw_result WHERE draw_id = $d AND fixmedins_code = $c`,
      { d: d.draw_id, c: a.fixmedins_code },
    );
    const prev = old.getRows()[0];
    if (prev)
      throw new FundwatchError(
        'refused',
        `抽取 ${d.draw_id} 的 ${a.fixmedins_code} 已于 ${text(prev[0])} 登记结果 (${outcomeName(text(prev[1]))}), 不重复登记`,
      );
    if (caseId !== null) {
      const c = (await conn.runAndReadAll('SELECT fixmedins_code FROM case_file WHERE case_id = $id', { id: caseId })).getRows()[0];
      if (!c) throw new FundwatchError('usage', `没有线索 ${caseId} (见 fundwatch cases list)`);
      if (text(c[0]) !== a.fixmedins_code)
        throw new FundwatchError('refused', `线索 ${caseId} 属于机构 ${text(c[0])}, 不是 ${a.fixmedins_code}, 拒绝关联`);
    }
    await conn.run(
      `INSERT INTO draw_result (draw_id, fixmedins_code, inspected_on, outcome, case_id, recorded_at, actor, note)
       VALUES ($d, $c, $on::DATE, $outcome, $case, $at::TIMESTAMP, $actor, $note)`,
      {
        d: d.draw_id,
        c: a.fixmedins_code,
        on: a.inspected_on,
        outcome: a.outcome,
        case: caseId,
        at: ctx.now,
        actor,
        note,
      },
    );
    if (caseId !== null)
      await appendAudit(conn, ctx.now, actor, [
        {
          case_id: caseId,
          action: 'inspection',
          before: null,
          after: { draw_id: d.draw_id, fixmedins_code: a.fixmedins_code, inspected_on: a.inspected_on, outcome: a.outcome },
        },
      ]);
    log.info({ draw_id: d.draw_id, outcome: a.outcome, linked: caseId !== null }, 'draw result recorded');
    return {
      draw_id: d.draw_id,
      fixmedins_code: a.fixmedins_code,
      mode: random ? 'random' : 'directed',
      inspected_on: a.inspected_on,
      outcome: a.outcome,
      outcome_name: outcomeName(a.outcome),
      case_id: caseId,
      recorded_at: ctx.now,
      actor,
    };
  });
}
