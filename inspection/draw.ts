import { createHash } from 'node:crypto';
import { FundwatchError } from '../core/errors.js';
import { canonical } from './canonical.js';
import { hashedPlan, type HashedPlan, type Plan } from './plan.js';

/**
 * The random part of a 双随机 draw, algorithm `fundwatch-draw-1` (contract §9), step by step and
 * nothing else: pure, node:crypto only, so that what it computes depends on the plan, the frames
 * and the public seed alone. The step numbers in the comments are the contract's.
 */

export const ALGORITHM = 'fundwatch-draw-1';

/** One inspector as the frame holds it: the institutions they must not inspect (回避), sorted. */
export interface InspectorEntry {
  readonly conflicts: readonly string[];
  readonly inspector_id: string;
}

/** The frames at draw time: per stratum the codes that may be drawn (sorted), and the inspectors (sorted by id). */
export interface Frames {
  readonly targets: Readonly<Record<string, readonly string[]>>;
  readonly inspectors: readonly InspectorEntry[];
}

/** One target of the random part, in selection order. */
export interface RandomTarget {
  readonly stratum: string;
  readonly fixmedins_code: string;
  readonly inspectors: readonly string[];
  readonly unstaffed: boolean;
}

/** The random part of the §9 audit document (the directed part is added by whoever records the draw). */
export interface ComputedDraw {
  readonly algorithm: typeof ALGORITHM;
  readonly plan: HashedPlan;
  readonly plan_hash: string;
  readonly public_seed: string;
  readonly frames: Frames;
  readonly targets_hash: string;
  readonly inspectors_hash: string;
  readonly seed: string;
  readonly draw_id: string;
  readonly random: readonly RandomTarget[];
}

const sha256 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
  return h.digest();
};

/** Step 1: the three commitments, published before the seed is known. */
export function hashesOf(plan: Plan | HashedPlan, frames: Frames): { plan_hash: string; targets_hash: string; inspectors_hash: string } {
  return {
    plan_hash: sha256(canonical(hashedPlan(plan))).toString('hex'),
    targets_hash: sha256(canonical(frames.targets)).toString('hex'),
    inspectors_hash: sha256(canonical(frames.inspectors)).toString('hex'),
  };
}

/** Step 3: the seed (32 bytes) and the draw id. */
export function seedOf(
  h: { plan_hash: string; targets_hash: string; inspectors_hash: string },
  publicSeed: string,
): { seed: Buffer; draw_id: string } {
  const seed = sha256(`${ALGORITHM}|${h.plan_hash}|${h.targets_hash}|${h.inspectors_hash}|${publicSeed}`);
  return { seed, draw_id: sha256(seed, 'id').toString('hex').slice(0, 16) };
}

const TWO_64 = 1n << 64n;

/** Step 4: the stream named `label`, read as consecutive unsigned 64-bit big-endian integers. */
export class Stream {
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(
    private readonly seed: Buffer,
    readonly label: string,
  ) {}

  next(): bigint {
    if (this.offset >= this.block.length) {
      const n = Buffer.alloc(4);
      n.writeUInt32BE(this.counter++);
      this.block = sha256(this.seed, this.label, n);
      this.offset = 0;
    }
    const x = this.block.readBigUInt64BE(this.offset);
    this.offset += 8;
    return x;
  }

  /** Step 5: uniform on 0 … n−1 by rejection sampling, so that no value is favoured. */
  uniform(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new FundwatchError('invariant', `uniform(${n}): n must be an integer ≥ 1`);
    const big = BigInt(n);
    const limit = TWO_64 - (TWO_64 % big);
    for (;;) {
      const x = this.next();
      if (x < limit) return Number(x % big);
    }
  }
}

/** Steps 6 and 7: the first k of a partial Fisher–Yates shuffle of a copy of `items`, in pick order. */
export function pick<T>(items: readonly T[], k: number, stream: Stream): T[] {
  const e = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + stream.uniform(e.length - i);
    [e[i], e[j]] = [e[j] as T, e[i] as T];
  }
  return e.slice(0, k);
}

/** Step 6's k: ceil(ratio_pct × |E| / 100) in integer arithmetic, or min(count, |E|). */
export function sampleSize(stratum: { ratio_pct?: number | undefined; count?: number | undefined }, frameSize: number): number {
  if (stratum.ratio_pct !== undefined) return Math.floor((stratum.ratio_pct * frameSize + 99) / 100);
  if (stratum.count !== undefined) return Math.min(stratum.count, frameSize);
  throw new FundwatchError('invariant', 'a stratum has neither ratio_pct nor count');
}

/**
 * The whole random part of a draw (contract §9 steps 1, 3–7) from the plan, the frames and the
 * public seed: the same inputs give the same document, in any implementation. Throws `invariant`
 * when the frames do not fit the plan (a stratum without its frame).
 */
export function computeDraw(plan: Plan | HashedPlan, frames: Frames, publicSeed: string): ComputedDraw {
  const hashed = hashedPlan(plan);
  const hashes = hashesOf(hashed, frames);
  const { seed, draw_id } = seedOf(hashes, publicSeed);

  // Step 6: targets, stratum by stratum in plan order.
  const selected: { stratum: string; code: string }[] = [];
  for (const s of hashed.strata) {
    const frame = Object.hasOwn(frames.targets, s.name) ? frames.targets[s.name] : undefined;
    if (!frame) throw new FundwatchError('invariant', `the target frame has no stratum ${s.name}`);
    const k = sampleSize(s, frame.length);
    for (const code of pick(frame, k, new Stream(seed, `target|${s.name}`))) selected.push({ stratum: s.name, code });
  }

  // Step 7: inspectors per selected target, in selection order; conflicts and the cap never relaxed.
  const per = hashed.inspectors_per_target;
  const cap = hashed.max_targets_per_inspector;
  const assigned = new Map<string, number>();
  const random = selected.map(({ stratum, code }): RandomTarget => {
    const eligible = frames.inspectors.filter(
      (i) => !i.conflicts.includes(code) && (cap === undefined || (assigned.get(i.inspector_id) ?? 0) < cap),
    );
    if (eligible.length < per) return { stratum, fixmedins_code: code, inspectors: [], unstaffed: true };
    const team = pick(eligible, per, new Stream(seed, `inspector|${code}`)).map((i) => i.inspector_id);
    for (const id of team) assigned.set(id, (assigned.get(id) ?? 0) + 1);
    return { stratum, fixmedins_code: code, inspectors: team, unstaffed: false };
  });

  return {
    algorithm: ALGORITHM,
    plan: hashed,
    plan_hash: hashes.plan_hash,
    public_seed: publicSeed,
    frames,
    targets_hash: hashes.targets_hash,
    inspectors_hash: hashes.inspectors_hash,
    seed: seed.toString('hex'),
    draw_id,
    random,
  };
}
