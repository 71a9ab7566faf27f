import type { FIXMEDINS_TYPE, HOSP_LV, PRAC_TYPE } from '../contract/codes.js';

/**
 * What an institution of the generated city is: its kind, departments, practitioners, level and
 * expected volumes. Types only, shared by every part of the generator (built by `institutions.ts`,
 * whose kinds table `institution-kinds.ts` needs `InstKind`), so that no part imports another's
 * implementation for them.
 */

export type InstKind =
  'general' | 'tcm' | 'oncology' | 'maternity' | 'county' | 'county-tcm' | 'township' | 'community' | 'pharmacy' | 'chronic-pharmacy';

export interface Doctor {
  readonly code: string;
  readonly name: string;
  /** 0 医师/主治, 1 副主任医师, 2 主任医师. */
  readonly title: 0 | 1 | 2;
}

export interface Dept {
  readonly code: string;
  readonly name: string;
  readonly doctors: readonly Doctor[];
}

export interface Practitioner {
  readonly dr_codg: string;
  readonly dr_name: string;
  readonly fixmedins_code: string;
  readonly dept_codg: string;
  readonly prac_type: keyof typeof PRAC_TYPE;
}

export interface Institution {
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly type: keyof typeof FIXMEDINS_TYPE;
  readonly level: keyof typeof HOSP_LV;
  readonly kind: InstKind;
  readonly districtIndex: number;
  readonly admdvs: string;
  readonly beds: number;
  readonly specialty: string;
  readonly depts: readonly Dept[];
  readonly practitioners: readonly Practitioner[];
  /** Expected weekday-average volumes per day. */
  readonly opPerDay: number;
  readonly erPerDay: number;
  readonly chronicPerDay: number;
  readonly admPerDay: number;
  readonly salesPerDay: number;
  /** Sender habits: decimals and codes as JSON numbers; provincial med_type sub-codes. */
  readonly numbers: boolean;
  readonly subcodes: boolean;
  /** Sends the real-sender forms of contract §8 (`senders.ts`): no upload_mode, integer ids, trace lists, one-object nodes. */
  readonly realForms: boolean;
  /** Sends service codes with the local price-item suffix (`senders.ts`, `Item.localCode`). */
  readonly localCodes: boolean;
}
