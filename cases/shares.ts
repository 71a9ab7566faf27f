/**
 * How a hit's amount spreads over its 违规项 (cases/README.md "Amount at stake"), as SQL the case
 * figures (group.ts) and the evidence bundle's amount worksheet (bundle/) both use, so that the
 * worksheet adds up to the case amount by construction.
 */

/**
 * Each live hit's rows per 违规项 from `live` (a CTE or table with jr_id, vola_amt and the `carry`
 * columns): the line's own amount and, over the hit, their total and count.
 */
export const lineSharesSql = (live: string, carry: readonly string[]): string =>
  `SELECT ${carry.map((c) => `l.${c}, `).join('')}l.jr_id, d.ref, l.vola_amt, d.amount,
          sum(d.amount) OVER (PARTITION BY l.jr_id) AS total, count(*) OVER (PARTITION BY l.jr_id) AS n
   FROM ${live} l JOIN hit_detail d ON d.jr_id = l.jr_id AND d.vola_item_type = 1`;

/**
 * A hit's share of one line, over lineSharesSql's columns: its vola_amt in proportion to the line's
 * amount (evenly when its lines carry none), in DECIMAL so that sums do not depend on the order
 * DuckDB adds them in (a sum of doubles can round a cent either way from one run to the next).
 */
export const SHARE_SQL = 'CAST(CASE WHEN total > 0 THEN vola_amt * coalesce(amount, 0) / total ELSE vola_amt / n END AS DECIMAL(18,4))';
