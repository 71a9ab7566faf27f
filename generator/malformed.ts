import { compactDate, dt } from './calendar.js';
import type { Institution } from './institution-types.js';
import type { Scenario } from './scenario-types.js';

/**
 * Deliberately malformed messages, as senders do produce them: truncated JSON, an unknown
 * transaction number, missing or badly typed fields, a T2 upload mode, a sale to an insured buyer
 * without its settlement, a reversal without its origin, a key repeated within one message, an
 * array instead of an object. Each has a fresh msgid (unique per sender) and is listed in
 * labels.json `malformed` with the reason.
 */
const VARIANTS: readonly {
  readonly reason: string;
  readonly make: (base: Record<string, unknown>, line: Record<string, unknown>) => unknown;
}[] = [
  { reason: '截断的 JSON (传输中断)', make: () => undefined },
  { reason: '未知的交易编号 9999', make: (b) => ({ ...b, infno: '9999' }) },
  { reason: '费用明细缺少必填字段 med_list_codg', make: (b, l) => withLines(b, [omit(l, 'med_list_codg')]) },
  { reason: '金额小数位超过2位 (det_item_fee_sumamt)', make: (b, l) => withLines(b, [{ ...l, det_item_fee_sumamt: '12.345' }]) },
  {
    reason: '时间格式错误 (fee_ocur_time 用了斜杠)',
    make: (b, l) => withLines(b, [{ ...l, fee_ocur_time: String(l['fee_ocur_time']).replace(/-/g, '/').slice(0, 16) }]),
  },
  { reason: '数量不是数值 (cnt)', make: (b, l) => withLines(b, [{ ...l, cnt: 'two' }]) },
  { reason: '上传模式不在代码表中 (upload_mode T2)', make: (b) => ({ ...b, upload_mode: 'T2' }) },
  { reason: '负数量的冲销明细缺少 init_feedetl_sn', make: (b, l) => withLines(b, [{ ...l, cnt: '-1', det_item_fee_sumamt: '-10.00' }]) },
  { reason: '同一消息内明细流水号重复', make: (b, l) => withLines(b, [l, { ...l }]) },
  { reason: '消息不是 JSON 对象 (数组)', make: (b) => [b] },
];

function withLines(base: Record<string, unknown>, lines: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { ...base, input: { feedetail: lines } };
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const out = { ...o };
  delete out[key];
  return out;
}

export const malformed: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = sim.world.institutions[job.inst] as Institution;
  const variant = VARIANTS[job.id % VARIANTS.length] as (typeof VARIANTS)[number];
  const sec = rng.range(9 * 3600, 18 * 3600);
  const msgid = sim.msgid(inst, sim.today, sec);
  const item = sim.world.catalogue.get('consult');
  const line = {
    feedetl_sn: `9${String(rng.range(0, 9999999)).padStart(7, '0')}`,
    mdtrt_id: `MZ${compactDate(sim.today)}9${String(rng.range(0, 9999)).padStart(4, '0')}`,
    psn_no: sim.world.population.psnNo(rng.int(sim.world.population.size)),
    fee_ocur_time: dt(sim.today, sec - 600),
    med_list_codg: item.code,
    medins_list_codg: item.hilist,
    det_item_fee_sumamt: '10.00',
    cnt: '1',
    pric: '10.000000',
    bilg_dept_codg: inst.depts[0]?.code ?? 'A02',
    bilg_dr_codg: inst.depts[0]?.doctors[0]?.code ?? 'D000000000000',
  };
  const base = {
    infno: '2204',
    msgid,
    fixmedins_code: inst.code,
    inf_time: dt(sim.today, sec),
    upload_mode: 'T0',
    mdtrtarea_admvs: inst.admdvs,
    insuplc_admdvs: inst.admdvs,
    input: { feedetail: [line] },
  };
  const made = variant.make(base, line);
  const text = made === undefined ? JSON.stringify(base).slice(0, 180) : JSON.stringify(made);
  sim.emitRaw(text);
  sim.labels.malformedMessage(msgid, variant.reason);
};
