import { z } from 'zod';
import { CHRGITM_LV, codesOf, FIXMEDINS_TYPE, GEND, HOSP_LV, LIST_TYPE, MED_CHRGITM_TYPE, PRAC_TYPE } from './codes.js';
import { code, date, integer, oneOf, price, quantity, text } from './scalars.js';

/** Reference files of contract §3: one schema per CSV row, and the key of each file. */

export const Institution = z.looseObject({
  fixmedins_code: text(30),
  fixmedins_name: text(200),
  fixmedins_type: oneOf(codesOf(FIXMEDINS_TYPE)),
  hosp_lv: oneOf(codesOf(HOSP_LV)),
  admdvs: text(6),
  beds: integer(false),
  specialty: text(100, false),
});

export const Practitioner = z.looseObject({
  dr_codg: text(30),
  dr_name: text(50),
  fixmedins_code: text(30),
  dept_codg: text(30, false),
  prac_type: oneOf(codesOf(PRAC_TYPE)),
});

export const CatalogItem = z.looseObject({
  med_list_codg: text(50),
  name: text(200),
  list_type: oneOf(codesOf(LIST_TYPE)),
  med_chrgitm_type: oneOf(codesOf(MED_CHRGITM_TYPE)),
  chrgitm_lv: oneOf(codesOf(CHRGITM_LV), false),
  pric_uplmt_amt: price(false),
  spec: text(100, false),
  pac_cnt: quantity(false),
  dosform: text(50, false),
});

export const Insured = z.looseObject({
  psn_no: text(30),
  gend: oneOf(codesOf(GEND)),
  brdy: date(),
  insutype: code(6),
  insu_admdvs: text(6, false),
  certno: text(50, false),
});

export const Inspector = z.looseObject({
  inspector_id: text(30),
  name: text(50),
  org: text(200),
  admdvs: text(6),
  role: text(50, false),
  conflicts: text(2000, false),
});

export interface ReferenceFile {
  readonly file: string;
  /** Table holding every loaded version; a view of the same name without `_version` shows the latest load. */
  readonly table: string;
  readonly key: string;
  readonly schema: z.ZodObject;
}

export const REFERENCE_FILES: readonly ReferenceFile[] = [
  { file: 'institutions.csv', table: 'institution', key: 'fixmedins_code', schema: Institution },
  { file: 'practitioners.csv', table: 'practitioner', key: 'dr_codg', schema: Practitioner },
  { file: 'catalog.csv', table: 'catalog', key: 'med_list_codg', schema: CatalogItem },
  { file: 'insured.csv', table: 'insured', key: 'psn_no', schema: Insured },
  { file: 'inspectors.csv', table: 'inspector', key: 'inspector_id', schema: Inspector },
];
