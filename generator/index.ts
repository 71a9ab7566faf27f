import path from 'node:path';
import type { Labels } from '../contract/labels.js';
import { PACKAGE_ROOT } from '../core/config.js';
import { FundwatchError } from '../core/errors.js';
import { formatIssue } from '../core/diagnostics/index.js';
import { loadKnowledge, type Knowledge } from '../rules/knowledge.js';
import { GeneratorConfig, type GeneratorConfigInput } from './config.js';
import { catalogCsv, inspectorsCsv, institutionsCsv, insuredCsv, practitionersCsv } from './reference.js';
import type { Job } from './scenario-types.js';
import { planJobs } from './schedule.js';
import type { Stats } from './sim.js';
import { HISTORY_DAYS, simulate } from './simulate.js';
import { buildSkeleton, buildWorld } from './world.js';
import type { GeneratorWriter } from './writer.js';

/**
 * The synthetic city generator (issue 3): a realistic insured city with known fraud injected and
 * known honest look-alikes, written as the contract's reference CSVs, NDJSON envelopes and
 * `labels.json`. Deterministic for a seed: the same configuration gives byte-identical output.
 */
export {
  GeneratorConfig,
  INJECTED_PATTERNS,
  LOOKALIKES,
  SCALES,
  SCALE_NAMES,
  daysOf,
  type GeneratorConfigInput,
  type ScaleName,
} from './config.js';
export { inspectorCount } from './reference.js';
export { dirWriter, memoryWriter, type GeneratorWriter, type MessageFolder } from './writer.js';
export type { Job } from './scenario-types.js';

/** The knowledge tables the rule engine uses (`rules/knowledge/`). */
export const DEFAULT_KNOWLEDGE_DIR = path.join(PACKAGE_ROOT, 'rules', 'knowledge');

export interface LoadedTables {
  readonly knowledge: Knowledge;
  readonly version: string;
}

/** Loads knowledge tables; a table with issues is a configuration error (every issue listed). */
export function knowledgeTables(dir: string = DEFAULT_KNOWLEDGE_DIR): LoadedTables {
  const r = loadKnowledge(dir);
  if (!r.ok) throw new FundwatchError('config', `知识库有误:\n${r.issues.map(formatIssue).join('\n')}`);
  return { knowledge: r.knowledge, version: r.version };
}

export interface GenerateProgress {
  /** Date of the file being written. */
  readonly date: string;
  readonly feeLines: number;
  readonly messages: number;
}

export interface GenerateSummary {
  readonly config: GeneratorConfig;
  readonly knowledgeVersion: string;
  readonly startDate: string;
  readonly days: number;
  readonly historyDays: number;
  readonly institutions: number;
  /**
   * The institutions sending the real-sender forms of contract §8 (`senders.ts`: no upload_mode,
   * T1 re-uploads under `messages/T1/`, integer ids, trace lists, one-object nodes), in code order.
   */
  readonly realSenders: readonly string[];
  /** The hospitals sending service codes with the local price-item suffix (`senders.localCodes`), in code order. */
  readonly localCoders: readonly string[];
  readonly persons: number;
  readonly stats: Stats;
  readonly labels: { readonly frauds: Record<string, number>; readonly honest: Record<string, number>; readonly malformed: number };
  readonly files: readonly string[];
  readonly messageBytes: number;
}

function countBy(list: readonly { pattern: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of list) out[l.pattern] = (out[l.pattern] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The injections and look-alikes a configuration schedules (cheap: no population, no messages). */
export function planSchedule(configInput: GeneratorConfigInput, tables: LoadedTables = knowledgeTables()): readonly Job[] {
  const config = GeneratorConfig.parse(configInput);
  return planJobs(buildSkeleton(config, tables.knowledge, tables.version));
}

/**
 * The inspection registries of a configuration, institutions.csv and inspectors.csv as lines
 * (cheap: no population), the same as `generate` writes.
 */
export function inspectionRegistries(
  configInput: GeneratorConfigInput,
  tables: LoadedTables = knowledgeTables(),
): { readonly institutions: string[]; readonly inspectors: string[] } {
  const skeleton = buildSkeleton(GeneratorConfig.parse(configInput), tables.knowledge, tables.version);
  return { institutions: institutionsCsv(skeleton), inspectors: inspectorsCsv(skeleton) };
}

/**
 * Generates a city into `writer`: reference files, one NDJSON file per day (plus the history days
 * of stays in progress at the start, and the T1 uploads after the last day), `labels.json` and a
 * `manifest.json` of counts. Memory stays bounded: messages are produced a few thousand at a time
 * and each batch is awaited by the writer before the next is made.
 */
export async function generate(
  configInput: GeneratorConfigInput,
  writer: GeneratorWriter,
  options: { tables?: LoadedTables; onProgress?: (p: GenerateProgress) => void } = {},
): Promise<GenerateSummary> {
  const config = GeneratorConfig.parse(configInput);
  const tables = options.tables ?? knowledgeTables();
  const skeleton = buildSkeleton(config, tables.knowledge, tables.version);
  const jobs = planJobs(skeleton);
  const world = buildWorld(skeleton);

  await writer.reference('institutions.csv', institutionsCsv(world));
  await writer.reference('practitioners.csv', practitionersCsv(world));
  await writer.reference('catalog.csv', catalogCsv(world));
  await writer.reference('inspectors.csv', inspectorsCsv(world));
  for (const slice of insuredCsv(world)) await writer.reference('insured.csv', slice);

  const run = simulate(world, jobs);
  let step = run.next();
  while (!step.done) {
    const chunk = step.value;
    if (chunk.lines.length) await writer.messages(chunk.date, chunk.lines);
    if (chunk.t1Lines.length) await writer.messages(chunk.date, chunk.t1Lines, 'T1');
    options.onProgress?.({ date: chunk.date, feeLines: chunk.feeLines, messages: chunk.messages });
    step = run.next();
  }
  const { stats, labels } = step.value;
  await writer.document('labels.json', `${JSON.stringify(labels, null, 1)}\n`);
  const summary = {
    config,
    knowledgeVersion: tables.version,
    startDate: config.start,
    days: world.days,
    historyDays: HISTORY_DAYS,
    institutions: world.institutions.length,
    realSenders: world.institutions.filter((i) => i.realForms).map((i) => i.code),
    localCoders: world.institutions.filter((i) => i.localCodes).map((i) => i.code),
    persons: world.persons,
    stats,
    labels: {
      frauds: countBy(labels.frauds),
      honest: countBy(labels.honest.map((h) => ({ pattern: h.looks_like }))),
      malformed: labels.malformed.length,
    },
  };
  await writer.document('manifest.json', `${JSON.stringify(summary, null, 1)}\n`);
  const closed = await writer.close();
  return { ...summary, files: closed.files, messageBytes: closed.messageBytes };
}

export type { Labels };
