import type { DuckDBBlobValue, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { Issue, type Location } from '../core/diagnostics/index.js';

/**
 * The rejected messages the store keeps (`rejected_message`), read back with their issues located
 * at the source position: the file and line of a replay line, or the topic, partition and offset
 * of a Kafka message, plus each issue's field path.
 */

export interface RejectedMessage {
  readonly rejectId: string;
  readonly at: Location;
  readonly code: string;
  readonly reason: string;
  readonly msgid: string | null;
  readonly fixmedins_code: string | null;
  readonly infno: string | null;
  readonly issues: readonly Issue[];
  /** The message as kept: personal data replaced (contract §5); raw bytes shown leniently, they may not be UTF-8. */
  readonly raw: string;
}

const text = (v: DuckDBValue | undefined) => (v === null || v === undefined ? null : String(v));

/** Issues stored by an earlier version lack `severity` and keep their path beside the message; both read the same. */
function storedIssues(json: string, at: Location): Issue[] {
  const list = JSON.parse(json) as unknown;
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw: unknown) => {
    if (!raw || typeof raw !== 'object') return [];
    const o = raw as Record<string, unknown>;
    const path = typeof o['path'] === 'string' && o['path'] ? o['path'] : (o['at'] as Location | undefined)?.path;
    const { path: _old, at: _at, ...rest } = o;
    const r = Issue.safeParse({ severity: 'error', ...rest, at: { ...at, ...(path ? { path } : {}) } });
    return r.success ? [r.data] : [];
  });
}

/** Rejected messages in source order, optionally only those of one code or whose id starts with `idPrefix`. */
export async function listRejected(
  conn: DuckDBConnection,
  options: { readonly code?: string; readonly idPrefix?: string; readonly limit?: number } = {},
): Promise<RejectedMessage[]> {
  const r = await conn.runAndReadAll(
    `SELECT reject_id, source, "partition", "offset", line, code, reason, CAST(diagnostics AS VARCHAR), msgid, fixmedins_code, infno, raw
     FROM rejected_message
     WHERE ($code IS NULL OR code = $code) AND ($id IS NULL OR starts_with(reject_id, $id))
     ORDER BY source, "partition", line, "offset" LIMIT $limit`,
    { code: options.code ?? null, id: options.idPrefix ?? null, limit: options.limit ?? 50 },
  );
  return r.getRows().map((row) => {
    const [id, source, partition, offset, line, code, reason, issues, msgid, fixmedins, infno, raw] = row;
    const at: Location = {
      file: String(source),
      ...(line === null ? {} : { line: Number(line) }),
      ...(partition === null ? {} : { partition: Number(partition) }),
      ...(offset === null || line !== null ? {} : { offset: Number(offset) }),
    };
    return {
      rejectId: String(id),
      at,
      code: String(code),
      reason: String(reason),
      msgid: text(msgid),
      fixmedins_code: text(fixmedins),
      infno: text(infno),
      issues: storedIssues(String(issues), at),
      raw: Buffer.from((raw as DuckDBBlobValue).bytes).toString('utf8'),
    };
  });
}
