import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes `lines` synthetic fee lines as 2204/2301 envelopes of `perMessage` lines each: realistic
 * field widths and mixes (decimals as numbers and as strings, trace codes on drugs), deterministic.
 * Used by the ingest benchmark: fee lines only, any count, made in seconds (a city takes minutes
 * and mixes other messages in).
 */
export async function writeFeeLines(file: string, lines: number, perMessage = 20): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let msg = 0;
  let rnd = 42;
  const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
  while (written < lines) {
    msg++;
    const inst = `H5118020${String(100 + (msg % 40)).padStart(4, '0')}`;
    const mdtrt = `${inst.slice(1)}${String(msg).padStart(10, '0')}`;
    const n = Math.min(perMessage, lines - written);
    const feedetail = [];
    for (let i = 0; i < n; i++) {
      const pric = Math.round(next() * 50000) / 100;
      const cnt = 1 + Math.floor(next() * 5);
      const drug = next() < 0.5;
      feedetail.push({
        feedetl_sn: `${mdtrt}-${i + 1}`,
        mdtrt_id: mdtrt,
        psn_no: `PSN5118${String(msg % 50000).padStart(8, '0')}`,
        fee_ocur_time: `2026-03-${String(1 + (msg % 28)).padStart(2, '0')} ${String(8 + (i % 10)).padStart(2, '0')}:15:00`,
        med_list_codg: drug ? `XJ01CAA040A00101010${String(i % 100).padStart(4, '0')}` : `00120000001${String(i % 100).padStart(4, '0')}`,
        medins_list_codg: `YN${String(i % 500).padStart(6, '0')}`,
        det_item_fee_sumamt: i % 2 ? (pric * cnt).toFixed(2) : Math.round(pric * cnt * 100) / 100,
        cnt,
        pric: i % 3 ? pric : pric.toFixed(6),
        bilg_dept_codg: `A${String(3 + (i % 20)).padStart(2, '0')}`,
        bilg_dr_codg: `D511802${String(msg % 3000).padStart(6, '0')}`,
        med_type: '21',
        ...(drug
          ? { drug_trac_codg: `8${String(msg).padStart(11, '0')}${String(i).padStart(8, '0')}`, used_frqu_dscr: 'tid', prd_days: 3 }
          : {}),
      });
    }
    const env = {
      infno: msg % 5 === 0 ? '2204' : '2301',
      msgid: `MSG${String(msg).padStart(12, '0')}`,
      fixmedins_code: inst,
      inf_time: `2026-03-${String(1 + (msg % 28)).padStart(2, '0')} 20:00:00`,
      upload_mode: 'T0',
      mdtrtarea_admvs: '511802',
      insuplc_admdvs: '511802',
      input: { feedetail },
    };
    if (!out.write(`${JSON.stringify(env)}\n`)) await once(out, 'drain');
    written += n;
  }
  out.end();
  await once(out, 'finish');
  return msg;
}
