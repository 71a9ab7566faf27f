import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENVELOPE_COLUMNS } from '../../contract/envelope.js';
import { MESSAGE_TYPES, type TableName } from '../../contract/messages.js';
import { REFERENCE_FILES } from '../../contract/reference.js';
import { byPosition, formatFinding, type Issue, type YamlFile } from '../../core/diagnostics/index.js';
import { landMessages } from '../../ingest/index.js';
import { parseRecords, writeLoad } from '../../reference/index.js';
import type { Store } from '../../store/open.js';
import type { RuleTest } from '../engine/schema.js';

/**
 * The `given` rows of a rule test → a fresh store, through the production paths: each row of a
 * canonical table becomes one message, decoded and landed by ingest exactly as replay lands it;
 * the rows of a reference table become that file's records, parsed and written by the reference
 * loader. So a rule test sees exactly the columns production stores (med_type_class, key hashes,
 * personal data as hash and mask, versions), and a row that production would refuse — or a column
 * production does not know — is reported at its own line of the test file.
 */

/** The transaction a canonical table's test row is sent as, unless the row names its own `infno`. */
const DEFAULT_INFNO: Readonly<Partial<Record<TableName, string>>> = {
  visit: '2401',
  discharge: '2402',
  fee_line: '2204',
  settlement: '2207',
  settlement_cancel: '2208',
  psi_line: '3505',
  psi_deletion: '3507',
};
const REFERENCE_BY_TABLE = new Map(REFERENCE_FILES.map((r) => [r.table, r]));
const ENVELOPE = new Set<string>(ENVELOPE_COLUMNS);

/** The demo key: test rows are made-up data, and their hashes only need to join each other. */
const TEST_PII_KEY = 'fundwatch-rule-test';

type Row = RuleTest['given'][string][number];

export const TEST_TABLES = [...Object.keys(DEFAULT_INFNO), ...REFERENCE_BY_TABLE.keys()];

function badRow(
  yaml: YamlFile,
  path: readonly (string | number)[],
  message: string,
  extra: Partial<Issue> = {},
  options: { readonly key?: boolean } = {},
): Issue {
  return yaml.locate(
    { code: 'bad-test-row', severity: 'error', message, hint: '按生产消息的字段填写测试数据 (见接口规范与 contract/)', ...extra, path },
    options,
  );
}

/** A cell as text: a list (a message's child list) as its JSON. */
const cellText = (v: Row[string]): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One test row as the message production would receive for it, or why it cannot be one. */
function messageOf(table: TableName, row: Row, i: number, yaml: YamlFile): { text: string } | { issue: Issue } {
  const at = ['given', table, i];
  const infno = row['infno'] === undefined ? DEFAULT_INFNO[table] : cellText(row['infno']);
  const type = infno === undefined ? undefined : MESSAGE_TYPES.get(infno);
  if (!type || type.table !== table)
    return { issue: badRow(yaml, [...at, 'infno'], `交易编号 ${infno ?? '-'} 的消息不落在表 ${table}`, { got: String(infno) }) };
  const envelope: Record<string, unknown> = {
    infno,
    // Unique across test files too, so that several tests' rows can share one store.
    msgid: `test-${createHash('sha256').update(yaml.file).digest('hex').slice(0, 8)}-${table}-${i + 1}`,
    inf_time: '2026-01-01 00:00:00',
    upload_mode: 'T0',
  };
  const line: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (ENVELOPE.has(k)) envelope[k] = v;
    else if (Object.hasOwn(type.line.shape, k)) line[k] = v;
    // Production keeps an unknown field in `extra`; in a test it is almost always a misspelt column.
    else
      return {
        issue: badRow(yaml, [...at, k], `列 ${k} 不是 ${infno} 消息的字段 (生产中会放进 extra, 规则看不到)`, { got: k }, { key: true }),
      };
  }
  return { text: JSON.stringify({ ...envelope, input: { [type.bodyKey]: type.many ? [line] : line } }) };
}

/** Where inside the test row a message issue is: `input.feedetail[0].cnt` → the row's `cnt`. */
function rowPath(issuePath: string | undefined): string[] {
  if (!issuePath) return [];
  const m = /^input\.[a-z_]+(?:\[\d+\])?\.?(.*)$/.exec(issuePath);
  const rest = m ? m[1] : issuePath;
  return rest ? [rest.split(/[.[]/)[0] ?? rest] : [];
}

async function loadMessages(store: Pick<Store, 'connect'>, given: RuleTest['given'], yaml: YamlFile): Promise<Issue[]> {
  const issues: Issue[] = [];
  const texts: string[] = [];
  const origin: { table: string; i: number }[] = [];
  for (const [table, rows] of Object.entries(given)) {
    if (!Object.hasOwn(DEFAULT_INFNO, table)) continue;
    rows.forEach((row, i) => {
      const m = messageOf(table as TableName, row, i, yaml);
      if ('issue' in m) issues.push(m.issue);
      else {
        texts.push(m.text);
        origin.push({ table, i });
      }
    });
  }
  if (!texts.length) return issues;
  const { rejected } = await landMessages(
    store,
    texts.map((t) => Buffer.from(t, 'utf8')),
    { piiKey: TEST_PII_KEY, source: yaml.file },
  );
  for (const { index, rejection } of rejected) {
    const o = origin[index];
    if (!o) continue;
    for (const is of rejection.issues)
      issues.push(
        badRow(yaml, ['given', o.table, o.i, ...rowPath(is.at.path)], `生产会拒收这一行: ${is.message}`, {
          ...(is.expected === undefined ? {} : { expected: is.expected }),
          ...(is.got === undefined ? {} : { got: is.got }),
        }),
      );
  }
  return issues;
}

async function loadReferenceRows(conn: DuckDBConnection, given: RuleTest['given'], yaml: YamlFile): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const [table, rows] of Object.entries(given)) {
    const ref = REFERENCE_BY_TABLE.get(table);
    if (!ref || !rows.length) continue;
    const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    // Line k + 2 of the file is row k of the test (the header is line 1).
    const records = [
      { line: 1, fields: header },
      ...rows.map((r, k) => ({ line: k + 2, fields: header.map((h) => (r[h] === undefined || r[h] === null ? '' : cellText(r[h]))) })),
    ];
    const parsed = parseRecords(ref, records, TEST_PII_KEY);
    for (const h of parsed.headerIssues) issues.push(badRow(yaml, ['given', table], `表 ${table}: ${formatFinding(h)}`));
    for (const r of parsed.rejected)
      for (const is of r.issues)
        issues.push(
          badRow(yaml, ['given', table, r.line - 2, ...(is.at.path ? [is.at.path] : [])], `生产会拒收这一行: ${formatFinding(is)}`),
        );
    if (parsed.rows.length) {
      const sha = createHash('sha256').update(`${yaml.file}\n${table}`).digest('hex');
      await writeLoad(conn, ref, sha, parsed, 'loaded');
    }
  }
  return issues;
}

/**
 * Loads a test file's `given` rows into `store` (fresh, migrated) through the production paths;
 * returns every row that could not land, located in the test file. An unknown table is reported
 * at its key.
 */
export async function loadGiven(store: Pick<Store, 'connect'>, given: RuleTest['given'], yaml: YamlFile): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const table of Object.keys(given))
    if (!TEST_TABLES.includes(table))
      issues.push(
        yaml.locate(
          {
            code: 'bad-test-row',
            severity: 'error',
            message: `测试数据中未知的表 ${table}`,
            hint: `可用: ${TEST_TABLES.join(', ')}`,
            path: ['given', table],
          },
          { key: true },
        ),
      );
  issues.push(...(await loadMessages(store, given, yaml)));
  const conn = await store.connect();
  try {
    issues.push(...(await loadReferenceRows(conn, given, yaml)));
  } finally {
    conn.closeSync();
  }
  return issues.sort(byPosition);
}
