import type { InpatientProfile } from '../clinical-inpatient.js';
import { lineCents } from '../format.js';
import { daytime, findPerson, lookalike, stayProfileFor, visitKey, yuan } from '../inject.js';
import { admit } from '../inpatient.js';
import type { Institution } from '../institution-types.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Legitimate stays a naive detector would flag: day surgery under 24 hours (虚假住院?), planned
 * chemotherapy cycles readmitted within 15 days (分解住院?), transfers to a higher-level hospital
 * (分解住院?), a single waiting day with only bed and nursing charges (挂床?), and a T0 price typo
 * the next day's T1 corrects (超标准收费?).
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;

// prettier-ignore
const DAY_CATARACT: InpatientProfile = {
  key: 'day-cataract', icd: 'H25.900', dx: '老年性白内障', depts: ['A10'], w: [0, 0, 1], minAge: 55, los: [0, 0], minLevel: 2, medType: '21',
  nursing: 'nurse2', admit: ['cbc5', 'coagPanel', 'ecg'], daily: [],
  surgery: { day: 0, items: [['cataract', 1], ['iol', 1], ['anesthesiaLocal', 1]] },
};

// prettier-ignore
const DAY_HERNIA: InpatientProfile = {
  key: 'day-hernia', icd: 'K40.900', dx: '单侧腹股沟疝', depts: ['A04.01'], w: [0, 1, 1], minAge: 18, los: [0, 0], minLevel: 2, medType: '21',
  nursing: 'nurse2', admit: ['cbc5', 'coagPanel', 'ecg'], daily: [],
  surgery: { day: 0, items: [['hernia', 1], ['herniaMesh', 1], ['anesthesiaLocal', 1]] },
};

export const daySurgery: Scenario = (ctx, rng, job) => {
  const inst = instOf(ctx, job.inst);
  const eye = inst.depts.some((d) => d.code === 'A10') && (!inst.depts.some((d) => d.code === 'A04.01') || rng.chance(0.6));
  const profile = eye ? DAY_CATARACT : DAY_HERNIA;
  const person = findPerson(ctx, rng, inst, eye ? { minAge: 60, maxAge: 85 } : { minAge: 30, maxAge: 75 });
  const stay = admit(ctx.sim, rng, inst, {
    person,
    profile,
    medType: '28',
    admitSec: rng.range(7 * 3600, 8 * 3600 + 1800),
    dischargeSec: rng.range(17 * 3600, 18 * 3600 + 1800),
    los: 0,
  });
  lookalike(ctx, 'phantom-admission', 'visit', visitKey(stay), `日间手术(${profile.dx}), 当日入院当日出院, 住院不足24小时`);
};

const CANCERS = [
  {
    icd: 'C18.900',
    name: '结肠恶性肿瘤',
    drugs: [
      ['oxaliplatin', 3],
      ['fluorouracil', 12],
      ['bevacizumab', 4],
    ] as const,
    sex: undefined,
  },
  {
    icd: 'C50.900',
    name: '乳腺恶性肿瘤',
    drugs: [
      ['nabPaclitaxel', 3],
      ['trastuzumab', 3],
    ] as const,
    sex: 2 as const,
  },
  {
    icd: 'C34.900',
    name: '肺恶性肿瘤',
    drugs: [
      ['nabPaclitaxel', 3],
      ['tislelizumab', 2],
    ] as const,
    sex: undefined,
  },
];

export const chemoCycle: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = instOf(ctx, job.inst);
  const cancer = rng.pick(CANCERS);
  const room = sim.world.days - 1 - sim.dayIndex;
  // Two-weekly regimens (FOLFOX, dose-dense) when the window allows, else weekly albumin-bound paclitaxel.
  const cycle = room >= 14 ? 14 : 7;
  const drugs = cycle === 7 ? ([['nabPaclitaxel', 2]] as const) : cancer.drugs;
  const profile: InpatientProfile = {
    key: 'chemo',
    icd: 'Z51.100',
    dx: '肿瘤化学治疗疗程',
    depts: ['A19'],
    w: [0, 1, 1],
    los: [1, 1],
    minLevel: 2,
    medType: '21',
    nursing: 'nurse2',
    admit: ['cbc5', 'liverPanel', 'kidneyPanel'],
    daily: [
      ['saline', 1],
      ['infusion', 1],
      ['infusionSet', 1],
    ],
    surgery: { day: 0, items: [...drugs, ['ondansetron', 2]] },
  };
  const person = findPerson(ctx, rng, inst, { minAge: 35, maxAge: 75, ...(cancer.sex ? { gend: cancer.sex } : {}) });
  const cycleStay = (first: boolean) => (r: typeof rng) => {
    const stay = admit(sim, r, inst, {
      person,
      profile,
      dx: 'Z51.100',
      mainDx: 'Z51.100',
      otherDx: [cancer.icd],
      admitSec: r.range(8 * 3600, 10 * 3600),
      los: 1,
    });
    if (!first)
      lookalike(
        ctx,
        'split-admission',
        'visit',
        visitKey(stay),
        `${cancer.name}计划性化疗第2周期(每${cycle}天一周期), 主诊断 Z51.1, 出院 ${cycle - 1} 天后再次入院`,
      );
  };
  cycleStay(true)(rng);
  sim.defer(sim.today + cycle, inst, (_s, r) => cycleStay(false)(r));
};

export const transfer: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const from = instOf(ctx, job.inst);
  const to = rng.pick(sim.world.hospitals.filter((h) => h.kind === 'general' && h !== from));
  const person = findPerson(ctx, rng, from, { minAge: 50, maxAge: 85 });
  const keys = ['stroke', 'heart-failure', 'pneumonia', 'copd-exacerbation'];
  const profile = stayProfileFor(ctx, rng, from, person, (p) => keys.includes(p.key));
  const room = sim.world.days - 1 - sim.dayIndex;
  const dischargeSec = rng.range(9 * 3600, 12 * 3600);
  admit(sim, rng, from, {
    person,
    profile,
    admitSec: daytime(rng),
    los: rng.range(2, Math.max(2, Math.min(3, room))),
    dscgWay: '2',
    dischargeSec,
    onDischarge: (_stay, r) => {
      const hours = r.range(1, 4);
      const stay = admit(sim, r, to, { person, profile, admitSec: dischargeSec + hours * 3600, los: r.range(5, 9) });
      lookalike(ctx, 'split-admission', 'visit', visitKey(stay), `由${from.name}医嘱转院(离院方式2), ${hours} 小时内入院, 同一诊断`);
    },
  });
};

export const bedOnlyDay: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, { minAge: 30, maxAge: 85 });
  const los = rng.range(4, 7);
  const room = sim.world.days - 1 - sim.dayIndex;
  const k = rng.range(1, Math.min(los - 1, room));
  const stay = admit(sim, rng, inst, {
    person,
    profile: stayProfileFor(ctx, rng, inst, person),
    admitSec: daytime(rng),
    los,
    bedOnly: new Set([sim.today + k]),
  });
  lookalike(ctx, 'phantom-bed', 'visit', visitKey(stay), `住院第 ${k + 1} 日(等待检查)仅有床位费与护理费, 其余各日均有正常诊疗`);
};

export const t1PriceFix: Scenario = (ctx, rng, job) => {
  const { sim } = ctx;
  const inst = instOf(ctx, job.inst);
  const person = findPerson(ctx, rng, inst, { minAge: 30, maxAge: 85 });
  let note = '';
  const stay = admit(sim, rng, inst, {
    person,
    profile: stayProfileFor(ctx, rng, inst, person),
    admitSec: daytime(rng),
    los: rng.range(3, 7),
    extra: (s, day, fees) => {
      if (day !== s.admitDay) return;
      const f = fees.find((x) => x.item.alias === 'consultIP') ?? fees.find((x) => x.item.isService);
      if (!f) return;
      // A misplaced decimal point at the ward desk: ten times the price, fixed by the next T1 upload.
      const wrong = f.priceMicro * 10;
      f.t0 = { cnt: f.cnt, priceMicro: wrong, cents: lineCents(f.cnt, wrong) };
      note = `T0 上传${f.item.name}单价误录为 ${yuan(wrong)} 元(限价 ${yuan(f.item.ceilingMicro)} 元), T1 对账更正为 ${yuan(f.priceMicro)} 元`;
    },
  });
  lookalike(ctx, 'over-price', 'visit', visitKey(stay), note);
};
