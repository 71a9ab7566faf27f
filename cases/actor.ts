import { FundwatchError } from '../core/errors.js';
import type { StageContext } from '../core/stage.js';

/** The refusal of a change that names no person (the audit log must say who). */
export const NO_ACTOR = '这一操作须写明操作人: --as <姓名或工号>, 或设置环境变量 FUNDWATCH_USER';

/** The person a change names, or a usage error: every change is audited with its actor. */
export function requireActor(ctx: StageContext): string {
  const actor = ctx.actor?.trim();
  if (!actor) throw new FundwatchError('usage', NO_ACTOR);
  return actor;
}
