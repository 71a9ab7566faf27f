import type { DuckDBConnection } from '@duckdb/node-api';
import type { StageContext } from '../core/stage.js';
import { qualityCounts } from '../ingest/index.js';
import { publicationStatus } from '../inspection/index.js';
import { tableCounts } from '../store/index.js';

/**
 * What `fundwatch status` shows: rows per table, messages, rejections, recent batches, Kafka offsets,
 * quality notes, and draws whose public record (一公开) is due or overdue (`deadline_days` working days).
 */
export async function statusOf(conn: DuckDBConnection, a: { deadline_days?: number | undefined }, ctx: StageContext) {
  const counts = await tableCounts(conn);
  const meta =
    (
      await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM message), (SELECT count(*) FROM rejected_message), (SELECT count(*) FROM ingest_batch)`,
      )
    ).getRows()[0] ?? [];
  const batches = (
    await conn.runAndReadAll(
      `SELECT batch_id, source, strftime(committed_at, '%Y-%m-%d %H:%M:%S'), messages_read, messages_accepted, messages_duplicate, messages_rejected, rows_landed
       FROM ingest_batch ORDER BY batch_id DESC LIMIT 5`,
    )
  ).getRows();
  // Where Kafka consumption resumes: the offsets DuckDB holds (Kafka's own are only a mirror).
  const kafka = (
    await conn.runAndReadAll(
      `SELECT topic, "partition", next_offset, group_id, strftime(updated_at, '%Y-%m-%d %H:%M:%S') FROM kafka_offset ORDER BY topic, "partition"`,
    )
  )
    .getRows()
    .map((r) => ({
      topic: String(r[0]),
      partition: Number(r[1]),
      nextOffset: Number(r[2]),
      group: String(r[3]),
      updatedAt: String(r[4]),
    }));
  const quality = await qualityCounts(conn);
  const traces = Number((await conn.runAndReadAll('SELECT count(*) FROM trace_code')).getRows()[0]?.[0] ?? 0);
  const publications = await publicationStatus(conn, a, ctx);
  return {
    counts,
    publications,
    kafka,
    quality,
    traceCodes: traces,
    messages: Number(meta[0]),
    rejected: Number(meta[1]),
    batches: Number(meta[2]),
    recent: batches.map((b) => b.map(String)),
  };
}
