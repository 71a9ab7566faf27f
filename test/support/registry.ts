import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadReference } from '../../reference/index.js';
import { PII_KEY } from './fixtures.js';
import { prng } from './random.js';

/** A target of the registry a test builds (institutions.csv, contract §3, plus the optional last_inspected). */
export interface TestInstitution {
  readonly code: string;
  readonly type: '1' | '2';
  readonly lv: '1' | '2' | '3' | '9';
  readonly admdvs?: string;
  readonly last?: string;
}

/** An inspector of the registry (inspectors.csv). */
export interface TestInspector {
  readonly id: string;
  /** Default 检查员<id>. */
  readonly name?: string;
  /** Default 雅安市医疗保障局. */
  readonly org?: string;
  readonly role?: string;
  readonly conflicts?: readonly string[];
}

let dirs = 0;

/** Writes institutions.csv and inspectors.csv under `root` and loads them with the project's reference loader. */
export async function loadRegistry(
  conn: DuckDBConnection,
  root: string,
  institutions: readonly TestInstitution[],
  inspectors: readonly TestInspector[],
): Promise<void> {
  const dir = path.join(root, `registry-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'institutions.csv'),
    [
      'fixmedins_code,fixmedins_name,fixmedins_type,hosp_lv,admdvs,beds,specialty,last_inspected',
      ...institutions.map((i) => `${i.code},机构${i.code},${i.type},${i.lv},${i.admdvs ?? '511802'},,,${i.last ?? ''}`),
    ].join('\n') + '\n',
  );
  writeFileSync(
    path.join(dir, 'inspectors.csv'),
    [
      'inspector_id,name,org,admdvs,role,conflicts',
      ...inspectors.map(
        (i) =>
          `${i.id},${i.name ?? `检查员${i.id}`},${i.org ?? '雅安市医疗保障局'},511800,${i.role ?? '稽核'},${(i.conflicts ?? []).join(';')}`,
      ),
    ].join('\n') + '\n',
  );
  const loads = await loadReference(conn, dir, { piiKey: PII_KEY });
  // `unchanged`: the same file as the latest load (a test changing only the other registry).
  for (const l of loads.filter((x) => x.status !== 'missing'))
    if ((l.status !== 'loaded' && l.status !== 'unchanged') || l.rowsRejected)
      throw new Error(`registry ${l.file} did not load cleanly: ${JSON.stringify(l.rejected)}`);
}

/** The registry of draw-vectors.json case 1: 37 pharmacies, 3 level-2 hospitals (plus targets no stratum takes), 8 inspectors. */
export function vectorRegistry(): { institutions: TestInstitution[]; inspectors: TestInspector[] } {
  return {
    institutions: [
      ...Array.from({ length: 37 }, (_, i) => ({ code: `P51180250${String(i).padStart(3, '0')}`, type: '2' as const, lv: '9' as const })),
      ...[1, 2, 3].map((i) => ({ code: `H5118022000${i}`, type: '1' as const, lv: '2' as const })),
      { code: 'H51180230001', type: '1', lv: '3' },
      { code: 'H51180210001', type: '1', lv: '1' },
    ],
    inspectors: Array.from({ length: 8 }, (_, i) => ({
      id: `I00${i}`,
      ...(i === 1 ? { conflicts: ['P51180250003'] } : {}),
    })),
  };
}

export const ROLES = ['稽核', '执法', '财务'] as const;

/** A random registry from a seed: 1–60 targets of every type and level, 1–14 inspectors (a reference file needs a row) with conflicts and roles. */
export function randomRegistry(seed: number): { institutions: TestInstitution[]; inspectors: TestInspector[] } {
  const r = prng(seed);
  const institutions: TestInstitution[] = Array.from({ length: 1 + r.int(60) }, (_, i) => {
    const type = r.next() < 0.5 ? '2' : '1';
    return {
      code: `${type === '2' ? 'P' : 'H'}${String(seed).padStart(5, '0')}${String(i).padStart(3, '0')}`,
      type,
      lv: type === '2' ? '9' : r.pick(['1', '2', '3', '9'] as const),
      admdvs: r.pick(['511802', '511803']),
      ...(r.next() < 0.2 ? { last: `2026-0${1 + r.int(9)}-1${r.int(10)}` } : {}),
    };
  });
  const inspectors: TestInspector[] = Array.from({ length: 1 + r.int(14) }, (_, i) => ({
    id: `X${String(i).padStart(2, '0')}`,
    role: r.pick(ROLES),
    conflicts:
      institutions.length && r.next() < 0.6 ? [...new Set(Array.from({ length: 1 + r.int(5) }, () => r.pick(institutions).code))] : [],
  }));
  return { institutions, inspectors };
}
