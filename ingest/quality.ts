import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The data-quality notes the store keeps (`quality_note`, contract §8): which senders send which
 * variants, in which fields. A note never stopped a message from landing; these are for the
 * supervisor who asks a sender to fix its interface.
 */

export type QualityBy = 'sender' | 'field' | 'code';

export interface QualityRow {
  /** The sender (`fixmedins_code`), the field (its path with list positions left out) or the note code. */
  readonly key: string;
  readonly notes: number;
  readonly messages: number;
  /** The codes (for `sender` and `field`) or the fields (for `code`) seen, most frequent first. */
  readonly detail: readonly string[];
  /** One value as sent (personal data replaced), if any note kept one. */
  readonly example: string | null;
}

/** `input.feedetail[3].fee_ocur_time` → `input.feedetail[].fee_ocur_time`: the field, wherever its line stood. */
const FIELD = `regexp_replace(path, '\\[\\d+\\]', '[]', 'g')`;

const KEY: Record<QualityBy, { key: string; detail: string }> = {
  sender: { key: 'fixmedins_code', detail: 'code' },
  field: { key: FIELD, detail: 'code' },
  code: { key: 'code', detail: FIELD },
};

/** The notes grouped by sender, field or code, the most frequent first. */
export async function qualitySummary(conn: DuckDBConnection, by: QualityBy, limit = 50): Promise<QualityRow[]> {
  const { key, detail } = KEY[by];
  const r = await conn.runAndReadAll(
    `SELECT k, count(*) AS notes, count(DISTINCT (fixmedins_code, msgid)) AS messages,
            list(d ORDER BY dn DESC, d) FILTER (WHERE dr = 1) AS detail, any_value(value) FILTER (WHERE value IS NOT NULL) AS example
     FROM (
       SELECT ${key} AS k, ${detail} AS d, value, fixmedins_code, msgid,
              count(*) OVER (PARTITION BY ${key}, ${detail}) AS dn,
              row_number() OVER (PARTITION BY ${key}, ${detail}) AS dr
       FROM quality_note
     )
     GROUP BY k ORDER BY notes DESC, k LIMIT $limit`,
    { limit },
  );
  return r.getRows().map(([k, notes, messages, d, example]) => ({
    key: String(k),
    notes: Number(notes),
    messages: Number(messages),
    detail: ((d as { items?: unknown[] } | null)?.items ?? []).map(String),
    example: example === null ? null : String(example),
  }));
}

/** How many notes, on how many messages. */
export async function qualityCounts(conn: DuckDBConnection): Promise<{ notes: number; messages: number }> {
  const row = (await conn.runAndReadAll(`SELECT count(*), count(DISTINCT (fixmedins_code, msgid)) FROM quality_note`)).getRows()[0] ?? [];
  return { notes: Number(row[0] ?? 0), messages: Number(row[1] ?? 0) };
}
