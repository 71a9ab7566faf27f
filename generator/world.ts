import type { Knowledge } from '../rules/knowledge.js';
import { parseDate } from './calendar.js';
import { buildCatalogue, type Catalogue } from './catalogue.js';
import { daysOf, personsOf, SCALES, type GeneratorConfig } from './config.js';
import { DISTRICTS, type District } from './geography.js';
import type { Institution } from './institution-types.js';
import { buildInstitutions, isHospital, isPharmacy } from './institutions.js';
import { indexRules, type Rules } from './knowledge-index.js';
import { buildPopulation, type Population } from './population.js';
import { Prng } from './prng.js';
import { chooseLocalCoders, chooseRealSenders } from './senders.js';

/**
 * The static city a run simulates: its districts, institutions, catalogue, the knowledge tables
 * indexed for generation, and (unless only the skeleton is needed) its population.
 */
export interface Skeleton {
  readonly config: GeneratorConfig;
  readonly rng: Prng;
  readonly startDay: number;
  readonly days: number;
  readonly persons: number;
  readonly districts: readonly District[];
  readonly catalogue: Catalogue;
  readonly rules: Rules;
  readonly institutions: readonly Institution[];
  readonly hospitals: readonly Institution[];
  readonly pharmacies: readonly Institution[];
}

export interface World extends Skeleton {
  readonly population: Population;
}

/** Everything but the population: cheap, enough to plan which frauds a configuration injects. */
export function buildSkeleton(config: GeneratorConfig, knowledge: Knowledge, knowledgeVersion: string): Skeleton {
  const rng = new Prng(`fundwatch-generator:${config.seed}`);
  const spec = SCALES[config.scale];
  const startDay = parseDate(config.start);
  if (startDay === undefined) throw new Error(`generator: invalid start ${config.start}`);
  const districts = DISTRICTS.slice(0, spec.districts);
  const persons = personsOf(config);
  const catalogue = buildCatalogue();
  const rules = indexRules(knowledge, catalogue, knowledgeVersion);
  const built = buildInstitutions(rng.fork('institutions'), spec, districts, persons, {
    numbers: config.noise.numbers,
    subcodes: config.noise.subcodes,
  });
  const senders = chooseRealSenders(rng.fork('senders'), built, config.senders.realForms);
  const institutions = chooseLocalCoders(rng.fork('local-codes'), senders, config.senders.localCodes);
  return {
    config,
    rng,
    startDay,
    days: daysOf(config),
    persons,
    districts,
    catalogue,
    rules,
    institutions,
    hospitals: institutions.filter(isHospital),
    pharmacies: institutions.filter(isPharmacy),
  };
}

export function buildWorld(skeleton: Skeleton): World {
  const population = buildPopulation(skeleton.rng.fork('population'), skeleton.persons, skeleton.districts, skeleton.startDay);
  return { ...skeleton, population };
}
