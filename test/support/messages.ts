import { FIELD_SEP, type DecodedMessage } from '../../ingest/decode.js';
import { TABLES } from '../../contract/tables.js';

/** Small valid messages to vary in a test; values as in the fixtures. */
export const ENVELOPE = {
  msgid: 'H51180200123-20260302095210-0900',
  fixmedins_code: 'H51180200123',
  inf_time: '2026-03-02 09:52:10',
  upload_mode: 'T0',
  mdtrtarea_admvs: '511802',
  insuplc_admdvs: '511802',
} as const;

export const FEE_LINE = {
  feedetl_sn: '0901',
  mdtrt_id: 'MZ202603020001',
  psn_no: 'PSN511802000101',
  fee_ocur_time: '2026-03-02 08:40:00',
  med_list_codg: '001102000010000',
  medins_list_codg: '110200001',
  det_item_fee_sumamt: '10.00',
  cnt: 1,
  pric: '10.000000',
  bilg_dept_codg: 'A03.01',
  bilg_dr_codg: 'D511802000001',
} as const;

export const VISIT = {
  mdtrt_id: 'MZ202603020901',
  psn_no: 'PSN511802000101',
  med_type: '11',
  begntime: '2026-03-02 08:35:12',
} as const;

/**
 * One message as JSON text. A value given as `raw(token)` is written as that token verbatim, so a
 * test can send number text a JS number cannot hold (`12345678901234.56`, `1.0000000000000001`).
 */
export function messageText(infno: string, input: Record<string, unknown>, envelope: Record<string, unknown> = {}): string {
  const tokens: string[] = [];
  const text = JSON.stringify({ infno, ...ENVELOPE, ...envelope, input }, (_k, v: unknown) =>
    v instanceof RawToken ? `\u0000raw${tokens.push(v.token) - 1}\u0000` : v,
  );
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => tokens[Number(i)] as string);
}

class RawToken {
  constructor(readonly token: string) {}
}

export function raw(token: string): RawToken {
  return new RawToken(token);
}

export function feeMessage(line: Record<string, unknown>, envelope: Record<string, unknown> = {}): Buffer {
  return Buffer.from(messageText('2204', { feedetail: [{ ...FEE_LINE, ...line }] }, envelope));
}

export function visitMessage(data: Record<string, unknown>, envelope: Record<string, unknown> = {}): Buffer {
  return Buffer.from(messageText('2201', { data: { ...VISIT, ...data } }, envelope));
}

/**
 * The staged rows of a decoded message by column name. Throws when a row does not split into
 * exactly the table's line columns (a separator inside a value would shift every column after it).
 */
export function rowCells(m: DecodedMessage): Record<string, string>[] {
  const spec = TABLES[m.table];
  return m.rows.map((r) => {
    const parts = r.split(FIELD_SEP);
    const values = spec.versioned ? parts.slice(1) : parts;
    if (values.length !== spec.lineColumns.length)
      throw new Error(`row of ${m.table} has ${values.length} cells, not ${spec.lineColumns.length}`);
    return Object.fromEntries(spec.lineColumns.map((c, i) => [c.name, values[i] as string]));
  });
}
