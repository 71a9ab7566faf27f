import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { chinaDay } from '../core/calendar.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { StageContext } from '../core/stage.js';
import { text } from '../store/index.js';
import { renderPublicHtml } from './public-html.js';
import { renderPublicXlsx } from './public-xlsx.js';
import { PUBLISH_DEADLINE_WORKDAYS, publicRecord, publicationDeadline, type OtherDraw, type RegistryEntry } from './public.js';
import { recordedDraw } from './record.js';
import { requireActor } from '../cases/index.js';

/**
 * 一公开 (issue 15): writes a draw's public record as HTML and XLSX, records the publication
 * (`draw_publication`) and tracks the deadline, `deadline_days` working days after the draw.
 */

const log = logger('inspection');

/** Where public records go when no directory is given: `public/` beside the database. */
export const publicDirOf = (dbPath: string): string => path.join(path.dirname(path.resolve(dbPath)), 'public');

export interface PublishArgs {
  readonly draw_id: string;
  readonly out_dir: string;
  /** Working days after the draw the record is due (default PUBLISH_DEADLINE_WORKDAYS). */
  readonly deadline_days?: number | undefined;
}

export interface Published {
  readonly draw_id: string;
  readonly plan_id: string;
  readonly files: { readonly html: string; readonly xlsx: string };
  readonly published_at: string;
  readonly deadline_on: string;
  /** Published on or before the deadline (China date). */
  readonly on_time: boolean;
  readonly targets: number;
  readonly directed: number;
  readonly results: number;
  readonly superseded_by: string | null;
}

const ts = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;
const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : text(v));

function deadlineDays(days: number | undefined): number {
  const d = days ?? PUBLISH_DEADLINE_WORKDAYS;
  if (!Number.isInteger(d) || d < 1) throw new FundwatchError('usage', `公开期限 (--deadline-days) 须为 ≥ 1 的整数个工作日: ${d}`);
  return d;
}

/**
 * For each code, its row in the load that was current when the draw was made (the latest load not
 * after it), else the latest load holding it: the registry of the day, not of today.
 */
async function registryAt(conn: DuckDBConnection, codes: readonly string[], at: string): Promise<Map<string, RegistryEntry>> {
  const r = await conn.runAndReadAll(
    `WITH pick AS (
       SELECT fixmedins_code, arg_max(load_id, (loaded_at <= $at::TIMESTAMP, load_id)) AS load_id
       FROM institution_history WHERE list_contains(from_json($codes, '["VARCHAR"]'), fixmedins_code) GROUP BY fixmedins_code)
     SELECT h.fixmedins_code, h.fixmedins_name, h.fixmedins_type, h.hosp_lv, h.admdvs
     FROM institution_history h JOIN pick USING (fixmedins_code, load_id)`,
    { codes: JSON.stringify(codes), at },
  );
  return new Map(
    r
      .getRows()
      .map((row) => [
        text(row[0]),
        { fixmedins_name: orNull(row[1]), fixmedins_type: orNull(row[2]), hosp_lv: orNull(row[3]), admdvs: orNull(row[4]) },
      ]),
  );
}

/** Each inspector's organisation, as of the draw like `registryAt`. Names and ids stay here. */
async function orgsAt(conn: DuckDBConnection, ids: readonly string[], at: string): Promise<Map<string, string>> {
  const r = await conn.runAndReadAll(
    `SELECT inspector_id, arg_max(org, (loaded_at <= $at::TIMESTAMP, load_id))
     FROM inspector_history WHERE list_contains(from_json($ids, '["VARCHAR"]'), inspector_id) GROUP BY inspector_id`,
    { ids: JSON.stringify(ids), at },
  );
  return new Map(r.getRows().flatMap((row) => (row[1] === null ? [] : [[text(row[0]), text(row[1])] as const])));
}

function write(file: string, body: string | Buffer): void {
  try {
    writeFileSync(file, body);
  } catch (err) {
    throw new FundwatchError('io', `无法写入 ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * `draw publish`: writes `draw-<id>.html` and `draw-<id>.xlsx` into `out_dir` (the public record:
 * targets by stratum, random and directed apart, the teams' organisations only, dates, results so
 * far; a superseded draw with its successor and reason, and the plan's other draws) and records the
 * publication. Publishing again (after results) writes the files anew and adds a row.
 */
export async function publishDraw(conn: DuckDBConnection, a: PublishArgs, ctx: StageContext): Promise<Published> {
  const actor = requireActor(ctx);
  const days = deadlineDays(a.deadline_days);
  const d = await recordedDraw(conn, a.draw_id);
  const doc = d.document;
  const codes = [...doc.random.map((t) => t.fixmedins_code), ...doc.directed.map((t) => t.fixmedins_code)];
  const results = (
    await conn.runAndReadAll(`SELECT fixmedins_code, strftime(inspected_on, '%Y-%m-%d'), outcome FROM draw_result WHERE draw_id = $id`, {
      id: d.draw_id,
    })
  )
    .getRows()
    .map((r) => ({ fixmedins_code: text(r[0]), inspected_on: text(r[1]), outcome: text(r[2]) }));
  const others: OtherDraw[] = (
    await conn.runAndReadAll(
      `SELECT draw_id, ${ts('drawn_at')}, superseded_by, supersede_reason FROM draw WHERE plan_id = $p AND draw_id <> $id ORDER BY drawn_at, draw_id`,
      { p: d.plan_id, id: d.draw_id },
    )
  )
    .getRows()
    .map((r) => ({ draw_id: text(r[0]), drawn_at: text(r[1]), superseded_by: orNull(r[2]), supersede_reason: orNull(r[3]) }));
  const record = publicRecord(d, {
    registry: await registryAt(conn, codes, d.drawn_at),
    orgOf: await orgsAt(conn, [...new Set(doc.random.flatMap((t) => t.inspectors))], d.drawn_at),
    results,
    others,
    published_at: ctx.now,
    deadline_days: days,
  });

  try {
    mkdirSync(a.out_dir, { recursive: true });
  } catch (err) {
    throw new FundwatchError('io', `无法创建目录 ${a.out_dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  const files = {
    html: path.resolve(a.out_dir, `draw-${d.draw_id}.html`),
    xlsx: path.resolve(a.out_dir, `draw-${d.draw_id}.xlsx`),
  };
  write(files.html, renderPublicHtml(record));
  write(files.xlsx, await renderPublicXlsx(record));
  await conn.run(
    `INSERT INTO draw_publication (draw_id, published_at, files, actor, deadline_on, results)
     VALUES ($id, $at::TIMESTAMP, $files::JSON, $actor, $deadline::DATE, $results)`,
    {
      id: d.draw_id,
      at: ctx.now,
      files: JSON.stringify([files.html, files.xlsx]),
      actor,
      deadline: record.deadline_on,
      results: record.results,
    },
  );
  log.info({ draw_id: d.draw_id, targets: record.targets.length, results: record.results }, 'draw published');
  return {
    draw_id: d.draw_id,
    plan_id: d.plan_id,
    files,
    published_at: ctx.now,
    deadline_on: record.deadline_on,
    on_time: chinaDay(ctx.now) <= record.deadline_on,
    targets: doc.random.length,
    directed: doc.directed.length,
    results: record.results,
    superseded_by: d.superseded_by,
  };
}

/** A current draw whose public record is not out yet. */
export interface Unpublished {
  readonly draw_id: string;
  readonly plan_id: string;
  /** China date of the draw. */
  readonly drawn_on: string;
  readonly deadline_on: string;
  readonly overdue: boolean;
}

export interface PublicationStatus {
  readonly deadline_days: number;
  readonly unpublished: readonly Unpublished[];
  readonly overdue: number;
  /** Published draws with results entered since their latest publication: publish again. */
  readonly stale: readonly { readonly draw_id: string; readonly results: number; readonly published_results: number }[];
}

/**
 * How the publications stand (for `fundwatch status`): every current draw (not superseded: its
 * successor's record lists it) never published, overdue when today (China date) is past its
 * deadline; and published draws whose results have moved on since.
 */
export async function publicationStatus(
  conn: DuckDBConnection,
  a: { deadline_days?: number | undefined },
  ctx: StageContext,
): Promise<PublicationStatus> {
  const days = deadlineDays(a.deadline_days);
  const today = chinaDay(ctx.now);
  const rows = (
    await conn.runAndReadAll(
      `SELECT d.draw_id, d.plan_id, ${ts('d.drawn_at')},
              (SELECT p.results FROM draw_publication p WHERE p.draw_id = d.draw_id ORDER BY p.seq DESC LIMIT 1),
              (SELECT count(*) FROM draw_result r WHERE r.draw_id = d.draw_id)
       FROM draw d WHERE d.superseded_by IS NULL ORDER BY d.drawn_at, d.draw_id`,
    )
  ).getRows();
  const unpublished: Unpublished[] = [];
  const stale: PublicationStatus['stale'][number][] = [];
  for (const r of rows) {
    const results = Number(r[4]);
    if (r[3] === null) {
      const drawnAt = text(r[2]);
      const deadline = publicationDeadline(drawnAt, days);
      unpublished.push({
        draw_id: text(r[0]),
        plan_id: text(r[1]),
        drawn_on: chinaDay(drawnAt),
        deadline_on: deadline,
        overdue: today > deadline,
      });
    } else if (Number(r[3]) < results) stale.push({ draw_id: text(r[0]), results, published_results: Number(r[3]) });
  }
  return { deadline_days: days, unpublished, overdue: unpublished.filter((u) => u.overdue).length, stale };
}
