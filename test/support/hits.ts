import type { Hit } from '../../score/index.js';

/** A hit as the rule engine writes it (contract §6), with the fields a test varies. */
export function hit(over: Partial<Hit> & Pick<Hit, 'jr_id' | 'pattern'>): Hit {
  return {
    rule_id: `${over.pattern}-rule`,
    rule_version: '1',
    rule_name: '测试规则',
    knowledge_version: null,
    sev_deg: 'suspect',
    vola_cont: '测试命中',
    vola_evid: '测试依据',
    vola_amt: 100,
    fixmedins_code: 'H001',
    psn_no: 'PSN1',
    mdtrt_id: 'MZ1',
    dr_codg: 'D01',
    score: null,
    details: [
      {
        vola_item_type: 1,
        ref: `fee:${over.fixmedins_code ?? 'H001'}:${over.mdtrt_id ?? 'MZ1'}:${over.jr_id}`,
        amount: over.vola_amt ?? 100,
      },
    ],
    ...over,
  };
}
