import { lookalike } from '../inject.js';
import type { Institution } from '../institution-types.js';
import type { Ctx, Scenario } from '../scenario-types.js';

/**
 * Institutions legitimately far from their peers (同级对比异常?): the cancer hospital, whose stays
 * carry chemotherapy and cost several times a general hospital's, and the 门诊慢特病定点药店, whose
 * volume of long chronic-disease purchases dwarfs an ordinary pharmacy's.
 */

const instOf = (ctx: Ctx, index: number) => ctx.sim.world.institutions[index] as Institution;

export const specialistHospital: Scenario = (ctx, _rng, job) => {
  const inst = instOf(ctx, job.inst);
  lookalike(
    ctx,
    'peer-outlier',
    'institution',
    { fixmedins_code: inst.code },
    `${inst.name}为肿瘤专科医院, 化疗药品使用多, 次均费用远高于同级综合医院`,
  );
};

export const chronicPharmacy: Scenario = (ctx, _rng, job) => {
  const inst = instOf(ctx, job.inst);
  lookalike(
    ctx,
    'peer-outlier',
    'institution',
    { fixmedins_code: inst.code },
    `${inst.name}为门诊慢特病定点药店, 慢性病长期用药销售量远高于普通药店`,
  );
};
