import type { CHRGITM_LV, LIST_TYPE } from '../contract/codes.js';
import { CONSUMABLES, DRUGS, SERVICES } from './catalogue-data.js';

/** One catalogue item, prices in micro-yuan (1e-6) so that every sum is exact integer arithmetic. */
export interface Item {
  readonly index: number;
  readonly alias: string;
  readonly code: string;
  readonly name: string;
  readonly listType: keyof typeof LIST_TYPE;
  readonly chrg: string;
  readonly lv: keyof typeof CHRGITM_LV;
  /** pric_uplmt_amt × 1e6. */
  readonly ceilingMicro: number;
  readonly spec: string;
  readonly pac: number;
  readonly form: string;
  readonly isDrug: boolean;
  readonly isService: boolean;
  /** Typical units a day (drugs); 1 for others. */
  readonly daily: number;
  readonly dose: string;
  readonly freq: string;
  readonly route: string;
  /** 院内编码 stem (YP drugs, XM services, HC consumables). */
  readonly hilist: string;
  /**
   * The code as a hospital with local price-item codes sends it: a service's national code with its
   * 9-digit 价格项目 number as suffix (`001102000010000-110200001`); other items their code.
   */
  readonly localCode: string;
  /** 7-digit 药品标识码 that starts each 20-digit trace code of the item (drugs only). */
  readonly traceProduct: string;
}

export interface Catalogue {
  readonly items: readonly Item[];
  /** The item of an alias; throws on an unknown alias (a bug in the generator's own tables). */
  get(alias: string): Item;
  has(alias: string): boolean;
  byCode(code: string): Item | undefined;
}

const toMicro = (yuan: number) => Math.round(yuan * 1e6);

/** Builds the catalogue from catalogue-data.ts. */
export function buildCatalogue(): Catalogue {
  const items: Item[] = [];
  for (const [alias, code, name, spec, pac, form, price, lv, chrg, daily, dose, freq, route] of DRUGS) {
    const index = items.length;
    items.push({
      index,
      alias,
      code,
      name,
      listType: chrg === '10' ? '102' : '101',
      chrg,
      lv,
      ceilingMicro: toMicro(price),
      spec,
      pac,
      form,
      isDrug: true,
      isService: false,
      daily,
      dose,
      freq,
      route,
      hilist: `YP${String(10001 + index)}`,
      localCode: code,
      traceProduct: `8${String(100003 + index * 7919).slice(-6)}`,
    });
  }
  for (const [alias, code, name, chrg, price, unit, lv] of SERVICES) {
    const index = items.length;
    items.push({
      index,
      alias,
      code,
      name,
      listType: '201',
      chrg,
      lv,
      ceilingMicro: toMicro(price),
      spec: unit,
      pac: 1,
      form: '',
      isDrug: false,
      isService: true,
      daily: 1,
      dose: '',
      freq: '',
      route: '',
      hilist: code.slice(2, 11),
      localCode: `${code}-${code.slice(2, 11)}`,
      traceProduct: '',
    });
  }
  for (const [alias, code, name, spec, price, lv] of CONSUMABLES) {
    const index = items.length;
    items.push({
      index,
      alias,
      code,
      name,
      listType: '301',
      chrg: '08',
      lv,
      ceilingMicro: toMicro(price),
      spec,
      pac: 1,
      form: '',
      isDrug: false,
      isService: false,
      daily: 1,
      dose: '',
      freq: '',
      route: '',
      hilist: `HC${String(30001 + index)}`,
      localCode: code,
      traceProduct: '',
    });
  }
  const byAlias = new Map(items.map((i) => [i.alias, i]));
  const byCode = new Map(items.map((i) => [i.code, i]));
  return {
    items,
    get(alias) {
      const item = byAlias.get(alias);
      if (!item) throw new Error(`generator: unknown catalogue alias ${alias}`);
      return item;
    },
    has: (alias) => byAlias.has(alias),
    byCode: (code) => byCode.get(code),
  };
}
