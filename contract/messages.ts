import { z } from 'zod';
import { customIssue, type IssueCode } from '../core/diagnostics/index.js';
import {
  Discharge,
  FeeLine,
  PsiChange,
  PsiDeletion,
  PsiPurchase,
  PsiSale,
  PsiStocktake,
  Settlement,
  SettlementCancel,
  Visit,
} from './bodies.js';

/** The canonical tables a message lands in (contract §1 table of infno). */
export type TableName = 'visit' | 'discharge' | 'fee_line' | 'settlement' | 'settlement_cancel' | 'psi_line' | 'psi_deletion';

/** The four data streams of contract §1, each a topic (`hi.<stream>` by default; `hi.dlq` carries rejections). */
export const DATA_STREAMS = ['visit', 'fee', 'settlement', 'psi'] as const;
export type DataStream = (typeof DATA_STREAMS)[number];

/**
 * Contract §1's topics by infno: each carries whole tables (the discharge 2402 rides with the
 * visits, the cancellations with the settlements, the deletion 3507 with the other 进销存 lines).
 */
const STREAM_OF_TABLE: Record<TableName, DataStream> = {
  visit: 'visit',
  discharge: 'visit',
  fee_line: 'fee',
  settlement: 'settlement',
  settlement_cancel: 'settlement',
  psi_line: 'psi',
  psi_deletion: 'psi',
};

type Line = Record<string, unknown>;

export interface MessageType {
  readonly infno: string;
  readonly name: string;
  readonly table: TableName;
  /** The topic it is published on (contract §1); the consumer routes by infno, not by topic. */
  readonly stream: DataStream;
  /** Schema of `input`. */
  readonly input: z.ZodType<Record<string, unknown>, unknown>;
  /** The key under `input` that holds the line(s). */
  readonly bodyKey: string;
  /** Schema of one line. */
  readonly line: z.ZodObject;
  /** True when `input[bodyKey]` is a non-empty array of lines whose `uniqueField` is unique. */
  readonly many: boolean;
  readonly uniqueField?: string;
  /** 进销存 kind (contract §1 keys): 1 盘存, 2 变更, 3 采购/退货, 4 销售/退货. */
  readonly psiKind?: 1 | 2 | 3 | 4;
  /** A body node holding one object instead of a list is taken as a one-element list (contract §8, 3501–3506). */
  readonly oneObject?: boolean;
}

/** A non-empty array of lines whose `field` is unique within the message (a duplicate key in one message is ambiguous). */
function lines(line: z.ZodObject, field: string) {
  return z
    .array(line)
    .min(1)
    .superRefine((arr, ctx) => {
      const seen = new Map<unknown, number>();
      arr.forEach((l, i) => {
        const k = (l as Line)[field];
        const first = seen.get(k);
        if (first !== undefined)
          customIssue(
            ctx,
            '同一消息内键重复',
            { code: 'duplicate-key-in-message', expected: `唯一的 ${field}`, got: `与第${first + 1}条相同 ${JSON.stringify(k)}` },
            [i, field],
          );
        else seen.set(k, i);
      });
    });
}

type Def = Pick<MessageType, 'infno' | 'name' | 'table' | 'bodyKey' | 'line'> & {
  psiKind?: 1 | 2 | 3 | 4;
  uniqueField?: string;
  oneObject?: boolean;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function messageType(d: Def): MessageType {
  const many = d.uniqueField !== undefined;
  const list = many ? lines(d.line, d.uniqueField as string) : d.line;
  const body = many && d.oneObject ? z.preprocess((v) => (isPlainObject(v) ? [v] : v), list) : list;
  return { ...d, stream: STREAM_OF_TABLE[d.table], many, input: z.looseObject({ [d.bodyKey]: body }) };
}

const psi = (infno: string, name: string, bodyKey: string, psiKind: 1 | 2 | 3 | 4, line: z.ZodObject) =>
  messageType({ infno, name, table: 'psi_line', bodyKey, psiKind, line, uniqueField: 'fixmedins_bchno', oneObject: true });

const types: MessageType[] = [
  messageType({ infno: '2201', name: '门诊挂号', table: 'visit', bodyKey: 'data', line: Visit }),
  messageType({ infno: '2401', name: '入院办理', table: 'visit', bodyKey: 'data', line: Visit }),
  messageType({ infno: '2402', name: '出院办理', table: 'discharge', bodyKey: 'data', line: Discharge }),
  messageType({
    infno: '2204',
    name: '门诊费用明细上传',
    table: 'fee_line',
    bodyKey: 'feedetail',
    line: FeeLine,
    uniqueField: 'feedetl_sn',
  }),
  messageType({
    infno: '2301',
    name: '住院费用明细上传',
    table: 'fee_line',
    bodyKey: 'feedetail',
    line: FeeLine,
    uniqueField: 'feedetl_sn',
  }),
  messageType({ infno: '2207', name: '门诊结算', table: 'settlement', bodyKey: 'setlinfo', line: Settlement }),
  messageType({ infno: '2304', name: '住院结算', table: 'settlement', bodyKey: 'setlinfo', line: Settlement }),
  messageType({ infno: '2208', name: '门诊结算撤销', table: 'settlement_cancel', bodyKey: 'data', line: SettlementCancel }),
  messageType({ infno: '2305', name: '住院结算撤销', table: 'settlement_cancel', bodyKey: 'data', line: SettlementCancel }),
  psi('3501', '商品盘存上传', 'invinfo', 1, PsiStocktake),
  psi('3502', '商品库存变更', 'invinfo', 2, PsiChange),
  psi('3503', '商品采购', 'purcinfo', 3, PsiPurchase),
  psi('3504', '商品采购退货', 'purcinfo', 3, PsiPurchase),
  psi('3505', '商品销售', 'selinfo', 4, PsiSale),
  psi('3506', '商品销售退货', 'selinfo', 4, PsiSale),
  messageType({ infno: '3507', name: '商品信息删除', table: 'psi_deletion', bodyKey: 'data', line: PsiDeletion }),
];

export const MESSAGE_TYPES: ReadonlyMap<string, MessageType> = new Map(types.map((t) => [t.infno, t]));

/** Stream of an infno (contract §1); a message of no known type (or none) goes with the fee lines. */
export function streamOf(infno: string | undefined): DataStream {
  return (infno === undefined ? undefined : MESSAGE_TYPES.get(infno)?.stream) ?? 'fee';
}

/** The schemas whose fields form each table's columns. */
export const TABLE_LINE_SCHEMAS: Record<TableName, z.ZodObject[]> = {
  visit: [Visit],
  discharge: [Discharge],
  fee_line: [FeeLine],
  settlement: [Settlement],
  settlement_cancel: [SettlementCancel],
  psi_line: [PsiStocktake, PsiChange, PsiPurchase, PsiSale],
  psi_deletion: [PsiDeletion],
};

/** The infnos that carry their lines under each body node name. */
const NODE_OWNERS = new Map<string, string[]>();
for (const t of types) NODE_OWNERS.set(t.bodyKey, [...(NODE_OWNERS.get(t.bodyKey) ?? []), t.infno]);

/**
 * What is wrong with a body's node, when it is one of the forms contract §8 names as still refused
 * (a reason that says what was found, rather than a bare "missing field"): a JSON string where the
 * node belongs (double-encoded), the lines under another kind's node name, or a 2207/2304 that
 * carries only the HIS request. Undefined when the node is none of these.
 */
export function bodyNodeIssue(
  type: MessageType,
  input: Record<string, unknown>,
): { path: string; code: IssueCode; message: string; expected: string; got: string } | undefined {
  const node = input[type.bodyKey];
  const at = `input.${type.bodyKey}`;
  if (typeof node === 'string')
    return {
      path: at,
      code: 'double-encoded',
      message: '节点是 JSON 字符串 (双重编码)',
      expected: type.many ? '列表或对象' : '对象',
      got: '字符串',
    };
  if (node !== undefined && node !== null) return undefined;
  if (type.table === 'settlement' && isPlainObject(input['data']))
    return {
      path: at,
      code: 'request-not-settlement',
      message: '只有 HIS 结算请求 (input.data): fundwatch 读取平台返回的结算结果',
      expected: 'input.setlinfo',
      got: 'input.data',
    };
  for (const [key, owners] of NODE_OWNERS)
    if (key !== type.bodyKey && key !== 'data' && input[key] !== undefined && !owners.includes(type.infno))
      return {
        path: `input.${key}`,
        // What was found first: a string where a node belongs, and under another kind's name at that.
        ...(typeof input[key] === 'string'
          ? {
              code: 'double-encoded' as const,
              message: `节点是 JSON 字符串 (双重编码), 且 ${key} 是 ${owners.join('/')} 的节点名, ${type.infno} 的明细应在 ${type.bodyKey} 下`,
            }
          : {
              code: 'wrong-body-node' as const,
              message: `${key} 是 ${owners.join('/')} 的节点名, ${type.infno} 的明细应在 ${type.bodyKey} 下`,
            }),
        message: `${key} 是 ${owners.join('/')} 的节点名, ${type.infno} 的明细应在 ${type.bodyKey} 下`,
        expected: at,
        got: `input.${key}`,
      };
  return undefined;
}
