import type { HOSP_LV } from '../contract/codes.js';
import type { InstKind } from './institution-types.js';

/**
 * The kinds of hospitals and clinics of a prefecture city: level, departments (national 科室代码),
 * doctors per department, and relative attractiveness for outpatient, emergency, chronic-disease
 * and inpatient care; and the words made-up names are built from.
 */
export const DEPT_NAMES: Readonly<Record<string, string>> = {
  A02: '全科医疗科',
  'A03.01': '呼吸内科',
  'A03.02': '消化内科',
  'A03.03': '神经内科',
  'A03.04': '心血管内科',
  'A03.06': '肾病学专业',
  'A03.07': '内分泌专业',
  'A04.01': '普通外科',
  'A04.03': '骨科',
  'A04.04': '泌尿外科',
  'A05.01': '妇科',
  'A05.02': '产科',
  A07: '儿科',
  A10: '眼科',
  A11: '耳鼻咽喉科',
  A19: '肿瘤科',
  A20: '急诊医学科',
  A50: '中医科',
  YF: '药房',
};

const FULL = [
  'A03.01',
  'A03.02',
  'A03.03',
  'A03.04',
  'A03.06',
  'A03.07',
  'A04.01',
  'A04.03',
  'A04.04',
  'A05.01',
  'A05.02',
  'A07',
  'A10',
  'A11',
  'A19',
  'A20',
  'A50',
];

export interface KindSpec {
  readonly level: keyof typeof HOSP_LV;
  readonly depts: readonly string[];
  readonly doctors: readonly [number, number];
  readonly op: number;
  readonly er: number;
  readonly chronic: number;
  readonly adm: number;
  readonly specialty: string;
}

export const KINDS: Readonly<Record<Exclude<InstKind, 'pharmacy' | 'chronic-pharmacy'>, KindSpec>> = {
  general: { level: '3', depts: FULL, doctors: [8, 14], op: 30, er: 10, chronic: 5, adm: 30, specialty: '综合' },
  tcm: {
    level: '3',
    depts: ['A50', 'A03.01', 'A03.04', 'A03.07', 'A04.03', 'A07', 'A20'],
    doctors: [6, 10],
    op: 15,
    er: 2,
    chronic: 2,
    adm: 8,
    specialty: '中医',
  },
  oncology: { level: '3', depts: ['A19', 'A04.01', 'A03.01'], doctors: [10, 14], op: 4, er: 0, chronic: 1, adm: 10, specialty: '肿瘤' },
  maternity: { level: '2', depts: ['A05.01', 'A05.02', 'A07'], doctors: [5, 8], op: 6, er: 1, chronic: 0, adm: 5, specialty: '妇产;儿科' },
  county: {
    level: '2',
    depts: ['A03.01', 'A03.02', 'A03.04', 'A03.07', 'A04.01', 'A04.03', 'A04.04', 'A05.01', 'A05.02', 'A07', 'A20', 'A50'],
    doctors: [4, 6],
    op: 10,
    er: 5,
    chronic: 3,
    adm: 12,
    specialty: '综合',
  },
  'county-tcm': {
    level: '2',
    depts: ['A50', 'A03.01', 'A04.03', 'A20'],
    doctors: [3, 5],
    op: 5,
    er: 1,
    chronic: 2,
    adm: 4,
    specialty: '中医',
  },
  township: {
    level: '1',
    depts: ['A02', 'A03.01', 'A04.01', 'A07'],
    doctors: [1, 3],
    op: 2,
    er: 0,
    chronic: 2,
    adm: 1.5,
    specialty: '综合',
  },
  community: { level: '1', depts: ['A02'], doctors: [3, 6], op: 1.5, er: 0, chronic: 3, adm: 0, specialty: '全科' },
};

export const TOWN_A = '东西南北新安清云石柳桃杏竹松梅龙凤金银青白玉';
export const TOWN_B = '坪坝溪桥山口场岭湾河林岗';
export const STREETS = [
  '人民路',
  '解放路',
  '建设路',
  '新华街',
  '滨江路',
  '文化路',
  '兴业路',
  '城东路',
  '城西路',
  '育才路',
  '学府路',
  '光明路',
];
