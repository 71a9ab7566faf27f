import { compactDate, dateStr, dt } from './calendar.js';
import type { Item } from './catalogue.js';
import type { Fee, Party } from './fee-types.js';
import { priceOf, totalsOf } from './fees.js';
import { codeValue, json, price, quantity } from './format.js';
import { certno } from './ids.js';
import type { Dept, Institution } from './institution-types.js';
import { ACUTE, CHILD, CHRONIC, MAKERS, OTHER, RX, SUPPLIERS } from './pharmacy-items.js';
import { hash32, type Prng } from './prng.js';
import { psiNode, psiNodeJson, psiTrace, psiTraceJson } from './senders.js';
import type { Sim } from './sim.js';
import type { World } from './world.js';

/**
 * Retail pharmacies (零售药店): an assortment and stock per pharmacy, the opening stocktake (3501),
 * purchases from suppliers when stock runs low (3503), sales (3505) — to insured buyers with their
 * 2201 / 2204 / 2207, or for cash — one line and one 20-digit trace code per box, returns (3506),
 * write-offs (3502). Honest pharmacies never sell what they do not hold (pharmacy-day.ts).
 */
export { CHRONIC, CHRONIC_DX } from './pharmacy-items.js';

interface Shelf {
  readonly assortment: readonly Item[];
  readonly stock: Map<number, number>;
  readonly target: Map<number, number>;
  readonly lot: Map<number, { lot: string; manu: number; expiry: number }>;
  /** The 批次流水号 of each item's last purchase (what a return to the supplier refers to). */
  readonly bought: Map<number, string>;
}

export interface SaleLine {
  readonly item: Item;
  readonly cnt: number;
  /** The item the fee lines bill instead (串换), and how many of its units. */
  readonly billAs?: Item;
  readonly billCnt?: number;
  /** A trace code to put on the line instead of a new box's (reuse, split packs). */
  readonly trace?: string;
  /** 拆零: part of a box. */
  readonly split?: boolean;
  /** Sell without making sure stock is there (sales beyond stock). */
  readonly unchecked?: boolean;
}

export interface SaleResult {
  readonly mdtrt?: string;
  readonly setlId?: string;
  readonly lines: readonly { readonly bchno: string; readonly trace?: string; readonly item: Item }[];
}

/** Stock and assortment of every pharmacy, and the operations on them. */
export class PharmacyBook {
  private readonly shelves = new Map<number, Shelf>();

  constructor(private readonly world: World) {}

  shelf(ph: Institution): Shelf {
    let s = this.shelves.get(ph.index);
    if (s) return s;
    const rng = this.world.rng.fork(`shelf/${ph.code}`);
    const chronicShop = ph.kind === 'chronic-pharmacy';
    const aliases = [...ACUTE, ...Object.values(CHRONIC).flat(), ...CHILD, ...OTHER];
    const assortment = aliases
      .filter((a) => rng.chance(chronicShop && Object.values(CHRONIC).flat().includes(a) ? 1 : chronicShop ? 0.5 : 0.85))
      .map((a) => this.world.catalogue.get(a))
      .sort((a, b) => a.index - b.index);
    const target = new Map<number, number>();
    for (const it of assortment) {
      const boxes = Math.min(80, Math.max(3, Math.round(ph.salesPerDay / (chronicShop ? 2 : 6))));
      target.set(it.index, boxes * it.pac * (it.listType === '102' ? 500 : 1));
    }
    s = { assortment, stock: new Map(), target, lot: new Map(), bought: new Map() };
    this.shelves.set(ph.index, s);
    return s;
  }

  stockOf(ph: Institution, item: Item): number {
    return this.shelf(ph).stock.get(item.index) ?? 0;
  }

  carries(ph: Institution, item: Item): boolean {
    return this.shelf(ph).target.has(item.index);
  }

  /** 3501: the stock of every item carried. */
  stocktake(sim: Sim, ph: Institution, sec: number): void {
    const s = this.shelf(ph);
    const n = ph.numbers;
    const lines = s.assortment.map((it) => ({
      med_list_codg: it.code,
      fixmedins_hilist_id: hilistId(it),
      fixmedins_hilist_name: it.name,
      rx_flag: RX.has(it.alias) ? '1' : '0',
      invdate: dateStr(sim.today),
      inv_cnt: quantity(Math.max(0, s.stock.get(it.index) ?? 0), n),
      ...lotFields(s, it),
      fixmedins_bchno: sim.dailyId(ph, 'KC'),
    }));
    sim.emit(ph, '3501', sec, { invinfo: psiNode(ph, lines) });
    sim.stats.psiLines += lines.length;
  }

  /** Opening stock (before the first stocktake): each item at its target, from a lot bought earlier. */
  open(sim: Sim, rng: Prng, ph: Institution): void {
    const s = this.shelf(ph);
    for (const it of s.assortment) {
      s.stock.set(it.index, s.target.get(it.index) ?? 0);
      newLot(s, it, sim.today - rng.range(10, 60), rng);
    }
  }

  /** 3503: buys `units` of each item (a new lot each). */
  purchase(sim: Sim, rng: Prng, ph: Institution, wants: readonly (readonly [Item, number])[], sec: number): void {
    if (wants.length === 0) return;
    const s = this.shelf(ph);
    const n = ph.numbers;
    const dynt = `SH${compactDate(sim.today)}${String(rng.range(100, 999))}`;
    const lines = wants.map(([it, units]) => {
      s.stock.set(it.index, (s.stock.get(it.index) ?? 0) + units);
      newLot(s, it, sim.today, rng);
      const bchno = sim.dailyId(ph, 'CG');
      s.bought.set(it.index, bchno);
      return {
        med_list_codg: it.code,
        fixmedins_hilist_id: hilistId(it),
        fixmedins_hilist_name: it.name,
        dynt_no: dynt,
        fixmedins_bchno: bchno,
        spler_name: SUPPLIERS[hash32(ph.index) % SUPPLIERS.length],
        prdr_name: MAKERS[hash32(it.index) % MAKERS.length],
        aprvno: `国药准字${it.code.startsWith('Z') ? 'Z' : 'H'}${String(20000000 + (hash32(it.index, 7) % 9999999))}`,
        ...lotFields(s, it),
        finl_trns_pric: price(Math.max(100, Math.round((priceOf(ph, it) * 0.75) / 100) * 100), n),
        purc_retn_cnt: quantity(units, n),
        purc_retn_stoin_time: dt(sim.today, sec - 600),
        purc_invo_no: String(10000000 + (hash32(ph.index, sim.today, rng.uint32()) % 89999999)),
      };
    });
    sim.emit(ph, '3503', sec, { purcinfo: psiNode(ph, lines) });
    sim.stats.psiLines += lines.length;
  }

  /** 3504: a box of the last purchase sent back to the supplier (damaged in transit, near expiry). */
  returnToSupplier(sim: Sim, rng: Prng, ph: Institution, sec: number): void {
    const s = this.shelf(ph);
    const it = takeBox(s, rng, (i) => s.bought.has(i.index));
    if (!it) return;
    const n = ph.numbers;
    sim.emit(ph, '3504', sec, {
      purcinfo: psiNode(ph, [
        {
          med_list_codg: it.code,
          fixmedins_hilist_id: hilistId(it),
          fixmedins_hilist_name: it.name,
          dynt_no: `TH${compactDate(sim.today)}${String(rng.range(100, 999))}`,
          fixmedins_bchno: sim.dailyId(ph, 'TH'),
          medins_prod_purc_no: s.bought.get(it.index),
          spler_name: SUPPLIERS[hash32(ph.index) % SUPPLIERS.length],
          ...lotFields(s, it),
          finl_trns_pric: price(Math.max(100, Math.round((priceOf(ph, it) * 0.75) / 100) * 100), n),
          purc_retn_cnt: quantity(it.pac, n),
          purc_retn_stoin_time: dt(sim.today, sec - 600),
        },
      ]),
    });
    sim.stats.psiLines++;
  }

  /** Morning replenishment: everything under 40% of its target is brought back up. */
  replenish(sim: Sim, rng: Prng, ph: Institution, sec: number): void {
    const s = this.shelf(ph);
    const wants: [Item, number][] = [];
    for (const it of s.assortment) {
      const have = s.stock.get(it.index) ?? 0;
      const target = s.target.get(it.index) ?? 0;
      if (have < target * 0.4) wants.push([it, roundUp(target - have, it.pac)]);
    }
    this.purchase(sim, rng, ph, wants, sec);
  }

  /**
   * A sale (3505): for an insured buyer also 2201, the fee lines (2204, med_type 41) and the
   * settlement (2207) first, so the sale lines carry its setl_id. Stock is checked (an urgent
   * purchase fills a gap) unless a line says otherwise.
   */
  sell(sim: Sim, rng: Prng, ph: Institution, buyer: number | undefined, lines: readonly SaleLine[], sec: number, dx?: string): SaleResult {
    const s = this.shelf(ph);
    const pop = this.world.population;
    const n = ph.numbers;
    const demand = new Map<Item, number>();
    for (const l of lines) if (!l.unchecked) demand.set(l.item, (demand.get(l.item) ?? 0) + l.cnt);
    const urgent: [Item, number][] = [];
    for (const [it, need] of demand) {
      const have = s.stock.get(it.index) ?? 0;
      if (have < need) urgent.push([it, roundUp(Math.max(need - have, s.target.get(it.index) ?? need), it.pac)]);
    }
    if (urgent.length) this.purchase(sim, rng, ph, urgent, Math.max(60, sec - 1800));
    const pharmacist = (ph.depts[0] as Dept).doctors[0] as { code: string };
    const sold = lines.map((l) => {
      s.stock.set(l.item.index, (s.stock.get(l.item.index) ?? 0) - l.cnt);
      if (!s.lot.has(l.item.index)) newLot(s, l.item, sim.today - 30, rng);
      const trace = l.trace ?? (l.item.listType !== '102' && l.cnt === l.item.pac ? sim.traceCode(l.item) : undefined);
      return { line: l, bchno: sim.dailyId(ph, 'XS'), ...(trace ? { trace } : {}) };
    });
    let mdtrt: string | undefined;
    let setlId: string | undefined;
    const rx = lines.some((l) => RX.has(l.item.alias));
    const rxno = rx ? `WCF${compactDate(sim.today).slice(2)}${String(rng.range(10000, 99999))}` : undefined;
    if (buyer !== undefined) {
      const party: Party = { inst: ph, mdtrt: sim.dailyId(ph, 'YD'), person: buyer, psn: pop.psnNo(buyer), medType: '41', dx: dx ?? '' };
      mdtrt = party.mdtrt;
      const insuplc = pop.insuAdmdvs(buyer);
      sim.emitJson(
        ph,
        '2201',
        sec,
        `{"data":{"mdtrt_id":"${party.mdtrt}","psn_no":"${party.psn}","med_type":${json(codeValue('41', n))},"begntime":"${dt(sim.today, sec)}",` +
          `"insutype":${json(codeValue(pop.insutypeCode(buyer), n))}${dx ? `,"dise_codg":"${dx}"` : ''},"psn_name":"${pop.name(buyer)}","certno":"${pop.certno(buyer)}"}}`,
        'T0',
        insuplc,
      );
      sim.stats.visits++;
      const fees: Fee[] = sold.map((x) => {
        const bill = x.line.billAs ?? x.line.item;
        const cnt = x.line.billCnt ?? x.line.cnt;
        return sim.fee(party, bill, cnt, sec + 20, 'YF', pharmacist.code, {
          days: Math.max(1, Math.round(cnt / Math.max(bill.daily, 0.01))),
          ...(rxno ? { rxno } : {}),
          ...(x.trace ? { trace: x.trace } : {}),
        });
      });
      sim.uploadFees(ph, '2204', sec + 40, fees, insuplc, rng);
      setlId = sim.settle(party, 'pharmacy', sec + 60, totalsOf(fees));
    }
    const doctor = rx ? prescriber(ph, rng) : undefined;
    const receipt = `XP${compactDate(sim.today)}${String(rng.range(1000, 9999))}`;
    const who =
      buyer === undefined
        ? ''
        : `,"setl_id":"${setlId}","psn_no":"${pop.psnNo(buyer)}"${rxno ? `,"rxno":"${rxno}","prsc_dr_certno":"${doctor}"` : ''}`;
    const time = dt(sim.today, sec + 90);
    const items = sold.map((x) => {
      const it = x.line.item;
      const lot = s.lot.get(it.index);
      return (
        `{"med_list_codg":"${it.code}","fixmedins_hilist_id":"${hilistId(it)}","fixmedins_hilist_name":"${it.name}","fixmedins_bchno":"${x.bchno}"${who},` +
        `"rx_flag":"${RX.has(it.alias) ? '1' : '0'}","trdn_flag":"${x.line.split ? '1' : '0'}","finl_trns_pric":${json(price(priceOf(ph, it), n))},` +
        `"sel_retn_cnt":${json(quantity(x.line.cnt, n))},"sel_retn_time":"${time}"${psiTraceJson(ph, x.trace)},"rtal_docno":"${receipt}"` +
        `${lot ? `,"manu_lotnum":"${lotNumber(it, lot.lot)}","manu_date":"${dateStr(lot.manu)}","expy_end":"${dateStr(lot.expiry)}"` : ''}}`
      );
    });
    sim.emitJson(
      ph,
      '3505',
      sec + 120,
      `{"selinfo":${psiNodeJson(ph, items)}}`,
      'T0',
      buyer === undefined ? undefined : pop.insuAdmdvs(buyer),
    );
    sim.stats.psiLines += sold.length;
    return {
      ...(mdtrt ? { mdtrt } : {}),
      ...(setlId ? { setlId } : {}),
      lines: sold.map((x) => ({ bchno: x.bchno, item: x.line.item, ...(x.trace ? { trace: x.trace } : {}) })),
    };
  }

  /** 3506: a cash sale's line returned (same trace code), back into stock. */
  saleReturn(sim: Sim, ph: Institution, sold: { bchno: string; trace?: string; item: Item }, cnt: number, sec: number): void {
    const s = this.shelf(ph);
    s.stock.set(sold.item.index, (s.stock.get(sold.item.index) ?? 0) + cnt);
    const n = ph.numbers;
    sim.emit(ph, '3506', sec, {
      selinfo: psiNode(ph, [
        {
          med_list_codg: sold.item.code,
          fixmedins_hilist_id: hilistId(sold.item),
          fixmedins_hilist_name: sold.item.name,
          fixmedins_bchno: sim.dailyId(ph, 'XT'),
          medins_prod_sel_no: sold.bchno,
          rx_flag: RX.has(sold.item.alias) ? '1' : '0',
          trdn_flag: '0',
          finl_trns_pric: price(priceOf(ph, sold.item), n),
          sel_retn_cnt: quantity(cnt, n),
          sel_retn_time: dt(sim.today, sec - 60),
          ...psiTrace(ph, sold.trace),
          rtal_docno: `XT${compactDate(sim.today)}${String(sec % 10000).padStart(4, '0')}`,
        },
      ]),
    });
    sim.stats.psiLines++;
  }

  /** 3502: a box written off (damaged, 报损). */
  writeOff(sim: Sim, rng: Prng, ph: Institution, sec: number): void {
    const s = this.shelf(ph);
    const it = takeBox(s, rng);
    if (!it) return;
    const n = ph.numbers;
    sim.emit(ph, '3502', sec, {
      invinfo: psiNode(ph, [
        {
          med_list_codg: it.code,
          fixmedins_hilist_id: hilistId(it),
          fixmedins_hilist_name: it.name,
          fixmedins_bchno: sim.dailyId(ph, 'BG'),
          inv_chg_type: '104',
          pric: price(priceOf(ph, it), n),
          cnt: quantity(-it.pac, n),
          inv_chg_time: dt(sim.today, sec - 300),
          trdn_flag: '0',
          ...lotFields(s, it),
        },
      ]),
    });
    sim.stats.psiLines++;
  }
}

function roundUp(units: number, pac: number): number {
  return Math.max(pac, Math.ceil(units / pac) * pac);
}

function hilistId(it: Item): string {
  return `YD${String(it.index + 100000)}`;
}

function newLot(s: Shelf, it: Item, received: number, rng: Prng): void {
  const manu = received - rng.range(30, 300);
  s.lot.set(it.index, { lot: `${compactDate(manu).slice(2, 6)}${String(rng.range(100, 999))}`, manu, expiry: manu + rng.range(730, 1095) });
}

const lotNumber = (it: Item, lot: string) => `${it.code.startsWith('Z') ? 'Z' : 'A'}${lot}`;

function lotFields(s: Shelf, it: Item): Record<string, string> {
  const l = s.lot.get(it.index);
  return l ? { manu_lotnum: lotNumber(it, l.lot), manu_date: dateStr(l.manu), expy_end: dateStr(l.expiry) } : {};
}

/** 身份证号 of the doctor who wrote an outside prescription (personal data; made up). */
function prescriber(ph: Institution, rng: Prng): string {
  const year = 1965 + rng.int(30);
  const birth = `${year}${String(1 + rng.int(12)).padStart(2, '0')}${String(1 + rng.int(28)).padStart(2, '0')}`;
  return certno(ph.admdvs, birth, rng.int(500), rng.chance(0.5));
}

/**
 * Takes one whole box off the shelf, of an item (not 饮片, which is not boxed) with at least two
 * boxes in stock so the shelf never empties by it; undefined when there is none.
 */
function takeBox(s: Shelf, rng: Prng, also: (it: Item) => boolean = () => true): Item | undefined {
  const candidates = s.assortment.filter((it) => also(it) && (s.stock.get(it.index) ?? 0) >= it.pac * 2 && it.listType !== '102');
  if (candidates.length === 0) return undefined;
  const it = rng.pick(candidates);
  s.stock.set(it.index, (s.stock.get(it.index) ?? 0) - it.pac);
  return it;
}
