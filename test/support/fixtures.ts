import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/config.js';

/** The hand-made fixture set (fixtures/README.md) and its hand-computed oracle. */
export const MESSAGES_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'messages');
export const MESSAGE_FILES = readdirSync(MESSAGES_DIR)
  .filter((f) => f.endsWith('.ndjson'))
  .sort();
export const INVALID_FILE = '06-invalid.ndjson';

/** PII key of the tests: passed explicitly, so FUNDWATCH_PII_KEY never matters. */
export const PII_KEY = 'fundwatch-test-key';

type Key = Record<string, string>;

/** The parts of fixtures/expected.json the tests read. */
export interface Expected {
  messages: { lines_total: number; accepted: number; duplicates_skipped: number; rejected: number };
  current: {
    visit: { count: number };
    discharge: { count: number };
    fee_line: { count: number; sum_det_item_fee_sumamt: string; sum_cnt: string };
    settlement: {
      count: number;
      cancelled: number;
      sum_medfee_sumamt: string;
      sum_fund_pay_sumamt: string;
      sum_medfee_sumamt_not_cancelled: string;
      sum_fund_pay_sumamt_not_cancelled: string;
    };
    psi_line: { count: number; deleted: number };
  };
  fee_line_by_visit: { fixmedins_code: string; mdtrt_id: string; count: number; sum_det_item_fee_sumamt: string; sum_cnt: string }[];
  psi_line_by_kind: Record<string, number>;
  versions: { fee_line: number; settlement: number };
  versions_by_key: { table: 'fee_line' | 'settlement'; key: Key; versions: number }[];
  reversals: {
    fixmedins_code: string;
    mdtrt_id: string;
    feedetl_sn: string;
    reversal_feedetl_sn: string;
    net_cnt: string;
    net_amt: string;
  }[];
  t1_wins: ({ table: 'fee_line' | 'settlement'; key: Key; upload_mode: string; msgid: string } & Record<string, unknown>)[];
  later_t0_wins: ({ table: 'fee_line'; key: Key; upload_mode: string; msgid: string } & Record<string, unknown>)[];
  cancelled: { fixmedins_code: string; setl_id: string; cancel_msgid: string; cancel_time: string }[];
  psi_deleted: { fixmedins_code: string; kind: number; fixmedins_bchno: string; delete_msgid: string }[];
  duplicate: { file: string; line: number; fixmedins_code: string; msgid: string };
  rejected: { line: number; msgid: string | null; reason_contains: string[]; personal_data_in_raw?: string[] }[];
  unknown_fields_kept: ({ where: 'body' | 'envelope'; field: string; value: string } & Record<string, unknown>)[];
  personal_data: {
    in_messages: string[];
    masked_certno_examples: Record<string, string>;
    masked_name_examples: Record<string, string>;
  };
}

export const expected = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'fixtures', 'expected.json'), 'utf8')) as Expected;

/** The physical lines of a file as raw bytes, line terminator excluded; index i is line i + 1. */
export function splitLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
    out.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

export function fixtureLines(file: string): Buffer[] {
  return splitLines(readFileSync(path.join(MESSAGES_DIR, file)));
}

export function fixturePaths(): string[] {
  return MESSAGE_FILES.map((f) => path.join(MESSAGES_DIR, f));
}

/** Every line of the fixture set that is a valid message (files 01–05, and the byte-identical repeat in 06). */
export function validFixtureLines(): { file: string; line: number; bytes: Buffer }[] {
  const out: { file: string; line: number; bytes: Buffer }[] = [];
  for (const file of MESSAGE_FILES) {
    fixtureLines(file).forEach((bytes, i) => {
      if (file !== INVALID_FILE || i + 1 === expected.duplicate.line) out.push({ file, line: i + 1, bytes });
    });
  }
  return out;
}

/**
 * The rejections of 06-invalid.ndjson, one per line, as read by hand from the file: the code is the
 * contract's, `reason_contains` comes from expected.json.
 */
export const REJECTIONS = [
  { line: 1, code: 'invalid-json', about: 'JSON cut off inside input.feedetail[0].mdtrt_id' },
  { line: 2, code: 'unknown-infno', about: 'infno 9999' },
  { line: 3, code: 'missing-field', about: 'feedetail[1] without med_list_codg', path: 'input.feedetail[1].med_list_codg' },
  { line: 4, code: 'too-many-decimals', about: 'det_item_fee_sumamt "12.345"', path: 'input.feedetail[0].det_item_fee_sumamt' },
  { line: 5, code: 'invalid-datetime', about: 'fee_ocur_time "2026/03/02 10:00"', path: 'input.feedetail[0].fee_ocur_time' },
  { line: 7, code: 'invalid-decimal', about: 'cnt "two"', path: 'input.feedetail[0].cnt' },
  { line: 8, code: 'invalid-enum', about: 'upload_mode T2', path: 'upload_mode' },
  { line: 9, code: 'missing-field', about: '2207 without setl_id, with certno and psn_name', path: 'input.setlinfo.setl_id' },
  { line: 10, code: 'not-an-object', about: 'a JSON array' },
];
