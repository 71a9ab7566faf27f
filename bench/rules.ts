/**
 * bench/rules: the whole rule library over a generated city (≥ 10 million fee lines), set-based in
 * DuckDB, with detect's shared scans: seconds per rule, the ten slowest, the total, peak RSS. In the
 * same run, two baselines: each rule run alone (its own lists and scans) summed, which shows what
 * running the library together saves, with a check that every rule finds the same hits both ways;
 * and the row-level rules (限性别, 限年龄, 超标准收费) evaluated record by record in plain JS
 * functions over a sample of fee lines already in memory, in line-rule checks per second.
 *
 *   npm run bench:rules [-- --sample 1000000] [-- --seed 1]
 *
 * The city is generated, reference-loaded and ingested once into bench/out/ (git-ignored) and reused
 * (generating takes minutes); the bench clears the hit tables of that database before it runs.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { codesOf, MED_TYPE } from '../contract/codes.js';
import { detect, detectableRules, knowledgeOrThrow, type ScanRun } from '../rules/index.js';
import { openStore } from '../store/index.js';
import { CITY_DB, prepareCity } from './city.js';

const { values } = parseArgs({ options: { sample: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } } });
const SAMPLE = Number(values.sample);
const db = CITY_DB;
prepareCity(values.seed);

const nf = (n: number) => Math.round(n).toLocaleString('en-US');
const store = await openStore(db);
const conn = await store.connect();
const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
const feeLines = await count('SELECT count(*) FROM fee_line');
const knowledge = knowledgeOrThrow();
const rules = detectableRules();
const clear = async () => {
  await conn.run('DELETE FROM hit_detail');
  await conn.run('DELETE FROM hit');
};
// ---- Baseline 1, run first: each rule alone (its own lists and scans, no sharing), summed; the library
// runs last, so the database keeps its hits for `fundwatch score` ----
let alone = 0;
const aloneHits = new Map<string, number>();
for (const rule of rules) {
  await clear();
  const t = performance.now();
  const [run] = await detect(conn, [rule], knowledge);
  alone += (performance.now() - t) / 1000;
  aloneHits.set(rule.rule.id, run?.hits ?? 0);
}

await clear();
let scan: ScanRun | undefined;
const t0 = performance.now();
const runs = await detect(conn, rules, knowledge, {}, undefined, { onScan: (s) => (scan = s) });
const total = (performance.now() - t0) / 1000;

console.log(
  `bench/rules  city: ${nf(feeLines)} fee lines, ${rules.length} rules, ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (shared: figures are noisy)`,
);
console.log('  rule                          hits      seconds');
for (const r of runs) console.log(`  ${r.rule_id.padEnd(28)}  ${nf(r.hits).padStart(8)}  ${r.seconds.toFixed(2).padStart(7)}`);
if (scan)
  console.log(`  shared scan: ${scan.rules.length} rules read ${nf(scan.rows)} listed fee lines once, ${scan.seconds.toFixed(2)} s`);
console.log(
  `  total (detect: lists, shared scan, evaluate + merge into hit/hit_detail, one transaction): ${total.toFixed(1)} s; target ≤ 30 s`,
);
console.log('  ten slowest:');
for (const r of [...runs].sort((x, y) => y.seconds - x.seconds).slice(0, 10))
  console.log(
    `    ${r.rule_id.padEnd(28)}  ${r.seconds.toFixed(2).padStart(7)} s  ${((100 * r.seconds) / total).toFixed(0).padStart(3)} %`,
  );

const differ = runs.filter((r) => aloneHits.get(r.rule_id) !== r.hits).map((r) => r.rule_id);
console.log(
  `\n  baseline: each rule run alone, summed: ${alone.toFixed(1)} s → the library together ${total.toFixed(1)} s, ratio ${(alone / total).toFixed(2)}×`,
);
console.log(`    hits per rule identical alone and together: ${differ.length === 0 ? 'yes' : `NO (${differ.join(', ')})`}`);
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`  peak RSS of this process: ${nf(rss)} MB (limit 4,096 MB)`);

// ---- Baseline: the three row-level rules record by record in plain JS, over a sample in memory ----
const ROW_RULES = ['gender-restricted-item', 'age-restricted-item', 'over-price'];
const sqlSeconds = runs.filter((r) => ROW_RULES.includes(r.rule_id)).reduce((s, r) => s + r.seconds, 0);
const tRead = performance.now();
const sample = (
  await conn.runAndReadAll(
    `SELECT f.med_list_codg, CAST(f.cnt AS DOUBLE), CAST(f.pric AS DOUBLE), f.med_type_class, i.gend, CAST(i.brdy AS VARCHAR),
            CAST(f.fee_ocur_time AS VARCHAR), CAST(c.pric_uplmt_amt AS DOUBLE)
     FROM (SELECT * FROM fee_line LIMIT $n) f LEFT JOIN insured i USING (psn_no) LEFT JOIN catalog c USING (med_list_codg)`,
    { n: SAMPLE },
  )
).getRows() as [string, number, number, string | null, string | null, string | null, string, number | null][];
const readSeconds = (performance.now() - tRead) / 1000;

const gender = new Map(knowledge['gender-restricted'].entries.map((e) => [e.med_list_codg, e.gend]));
const ages = new Map(knowledge['age-restricted'].entries.map((e) => [e.med_list_codg, e]));
// The rule's settings (inpatient, outpatient, pharmacy) together cover every national med_type class.
const settings = new Set<string>(codesOf(MED_TYPE));
function ageOn(brdy: string, day: string, unit: 'year' | 'day'): number {
  const b = new Date(`${brdy}T00:00:00Z`);
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (unit === 'day') return Math.round((d.getTime() - b.getTime()) / 86_400_000);
  let y = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())) y--;
  return y;
}
const tJs = performance.now();
let found = 0;
for (const [item, , pric, cls, gend, brdy, time, ceiling] of sample) {
  const g = gender.get(item);
  if (g !== undefined && cls !== null && settings.has(cls) && (gend === '1' || gend === '2') && gend !== g) found++;
  const a = ages.get(item);
  if (a && brdy) {
    const age = ageOn(brdy, time, a.unit);
    if ((a.min_age !== undefined && age < a.min_age) || (a.max_age !== undefined && age >= a.max_age)) found++;
  }
  if (ceiling !== null && pric > ceiling) found++;
}
const jsSeconds = (performance.now() - tJs) / 1000;
const sqlRate = (feeLines * ROW_RULES.length) / sqlSeconds;
const jsRate = (sample.length * ROW_RULES.length) / jsSeconds;
console.log(`\n  baseline: ${ROW_RULES.join(', ')} as plain JS functions, record by record`);
console.log(
  `    JS   : ${nf(sample.length)} sampled lines in memory (reading them took ${readSeconds.toFixed(1)} s, not counted), ${jsSeconds.toFixed(2)} s → ${nf(jsRate)} line-rule checks/s (${nf(found)} violating lines)`,
);
console.log(
  `    SQL  : ${nf(feeLines)} lines, the same 3 rules in ${sqlSeconds.toFixed(2)} s, hits written → ${nf(sqlRate)} line-rule checks/s`,
);
console.log(
  `    ratio SQL / JS: ${(sqlRate / jsRate).toFixed(2)}× (JS gets its rows for free here; with reading them it would be ${nf((sample.length * ROW_RULES.length) / (jsSeconds + readSeconds))}/s)`,
);

conn.closeSync();
await store.close();
