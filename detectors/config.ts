import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../core/config.js';
import { parseYaml, type Issue } from '../core/diagnostics/index.js';
import { readText } from '../rules/run/library.js';
import type { Detector } from './detector.js';

/**
 * Detector config files (`detectors/config/<id>.yaml`): the detector's id, version, title, status,
 * policy references and its parameters, each optional with the default the detector documents. A
 * bad value is reported at file:line:col through the shared diagnostics, and the config file is in
 * the rule lock (`fundwatch rules lock`), versioned like a rule.
 */

export const CONFIG_DIR = path.join(PACKAGE_ROOT, 'detectors', 'config');

const header = {
  detector: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.int().positive(),
  title: z.string().min(1),
  status: z.enum(['experimental', 'test', 'stable', 'deprecated']),
  references: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
};

export interface LoadedDetector {
  readonly file: string;
  readonly text: string;
  readonly detector: Detector;
  readonly version: number;
  readonly title: string;
  readonly status: 'experimental' | 'test' | 'stable' | 'deprecated';
  readonly references: readonly string[];
  readonly params: Record<string, unknown>;
}

export type ConfigRead = { readonly ok: true; readonly loaded: LoadedDetector } | { readonly ok: false; readonly issues: Issue[] };

/** Validates one config text against the detector it names (unknown ids are an issue too). */
export function readConfig(text: string, file: string, detectors: readonly Detector[]): ConfigRead {
  const id = /^detector:\s*([\w-]+)/m.exec(text)?.[1];
  const detector = detectors.find((d) => d.id === id);
  const schema = z.strictObject({
    ...header,
    detector: detector ? z.literal(detector.id) : z.enum(detectors.map((d) => d.id) as [string, ...string[]]),
    params: (detector?.params ?? z.strictObject({})).prefault({}),
  });
  const r = parseYaml(text, file, schema);
  if (!r.ok) return { ok: false, issues: r.issues };
  if (!detector) return { ok: false, issues: [] };
  const v = r.value;
  return {
    ok: true,
    loaded: {
      file,
      text,
      detector,
      version: v.version,
      title: v.title,
      status: v.status,
      references: v.references,
      params: v.params,
    },
  };
}

/** The config files of a directory, in name order. */
export function configFiles(dir: string = CONFIG_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads every config of `dir`: the detectors that load, and every issue of those that do not. */
export function loadConfigs(detectors: readonly Detector[], dir: string = CONFIG_DIR): { loaded: LoadedDetector[]; issues: Issue[] } {
  const loaded: LoadedDetector[] = [];
  const issues: Issue[] = [];
  for (const file of configFiles(dir)) {
    const r = readConfig(readText(file), path.relative(process.cwd(), file) || file, detectors);
    if (r.ok) loaded.push(r.loaded);
    else issues.push(...r.issues);
  }
  return { loaded, issues };
}
