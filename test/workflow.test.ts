import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assignCase,
  commentCase,
  detachHit,
  groupCases,
  listCases,
  mergeCases,
  showCase,
  transitionCase,
  transitionProblem,
} from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { writeHits } from '../score/index.js';
import { migrate } from '../store/migrate.js';
import { refusalOf } from './support/errors.js';
import { hit } from './support/hits.js';
import { openTestDb, type TestDb } from './support/store.js';

const rows = async (db: TestDb, sql: string) =>
  (await db.conn.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? null : String(v))));

const refusal = refusalOf;

describe('the transition check (cases/workflow.ts)', () => {
  it('allows the workflow moves and explains the ones it refuses', () => {
    expect(transitionProblem('new', { to: 'triaged' }, { recover_amt: null })).toBeNull();
    expect(transitionProblem('new', { to: 'confirmed' }, { recover_amt: null })).toBe(
      '不能从 待初审 (new) 转到 确认 (confirmed): 只能转到 初审 (triaged)、驳回 (dismissed)',
    );
    expect(transitionProblem('closed', { to: 'new' }, { recover_amt: null })).toMatch(/不能再转换状态/);
    expect(transitionProblem('triaged', { to: 'dismissed' }, { recover_amt: null })).toMatch(/^驳回须给出理由 --reason/);
    expect(transitionProblem('triaged', { to: 'dismissed', reason: 'other' }, { recover_amt: null })).toMatch(/--note/);
    expect(transitionProblem('triaged', { to: 'dismissed', reason: 'duplicate' }, { recover_amt: null })).toBeNull();
    expect(transitionProblem('confirmed', { to: 'rectifying' }, { recover_amt: null })).toMatch(/追回金额 --recover/);
    expect(transitionProblem('confirmed', { to: 'rectifying', recover_amt: 1.234 }, { recover_amt: null })).toMatch(/两位小数/);
    expect(transitionProblem('rectifying', { to: 'closed', recovered_amt: 90 }, { recover_amt: 80 })).toMatch(/超过应追回金额/);
    expect(transitionProblem('new', { to: 'triaged', penalty_amt: 5 }, { recover_amt: null })).toMatch(/只在转入整改或结案时填写/);
  });
});

describe('the case workflow (cases/change.ts, cases/merge.ts, real DuckDB)', () => {
  let db: TestDb;
  let caseId: string;
  beforeEach(async () => {
    db = await openTestDb('memory');
    await writeHits(
      db.conn,
      [
        hit({ jr_id: 'p1', pattern: 'over-price', vola_amt: 40 }),
        hit({ jr_id: 'p2', pattern: 'over-price', vola_amt: 60, psn_no: 'PSN2', mdtrt_id: 'MZ2' }),
      ],
      '2026-09-28 18:00:00',
    );
    await groupCases(db.conn, '2026-09-28 18:30:00');
    caseId = (await listCases(db.conn))[0]?.case_id ?? '';
  });
  afterEach(async () => {
    await db.close();
  });

  it('walks a case from 待初审 to 结案, every step audited with its actor, due dates in working days', async () => {
    // 2026-09-30 10:00 in China; 初审 has five working days: the National Day holiday (10-01 to 10-07) does
    // not count and Saturday 10-10, a 调休 working day, does: 10-08, 10-09, 10-10, 10-12, 10-13.
    let v = await transitionCase(db.conn, { case_id: caseId, version: 1, to: 'triaged' }, { now: '2026-09-30 02:00:00', actor: '张三' });
    expect(v).toEqual({ case_id: caseId, version: 2, state: 'triaged' });
    expect(await rows(db, `SELECT strftime(due_on, '%Y-%m-%d') FROM case_file WHERE case_id = '${caseId}'`)).toEqual([['2026-10-13']]);
    v = await assignCase(db.conn, { case_id: caseId, version: v.version, assignee: '李四' }, { now: '2026-09-30 02:05:00', actor: '张三' });
    v = await transitionCase(
      db.conn,
      { case_id: caseId, version: v.version, to: 'reviewed' },
      { now: '2026-10-08 02:00:00', actor: '李四' },
    );
    v = await transitionCase(
      db.conn,
      { case_id: caseId, version: v.version, to: 'confirmed' },
      { now: '2026-10-09 02:00:00', actor: '王五' },
    );
    v = await transitionCase(
      db.conn,
      { case_id: caseId, version: v.version, to: 'rectifying', recover_amt: 100, penalty_amt: 200 },
      { now: '2026-10-09 03:00:00', actor: '王五' },
    );
    await commentCase(db.conn, { case_id: caseId, body: '机构已承诺退回' }, { now: '2026-10-10 01:00:00', actor: '李四' });
    v = await transitionCase(
      db.conn,
      { case_id: caseId, version: v.version, to: 'closed', recovered_amt: 100 },
      { now: '2026-11-02 02:00:00', actor: '王五' },
    );
    expect(v.state).toBe('closed');
    expect(
      await rows(
        db,
        `SELECT state, assignee, due_on, CAST(recover_amt AS VARCHAR), CAST(recovered_amt AS VARCHAR), CAST(penalty_amt AS VARCHAR),
                strftime(confirmed_at, '%Y-%m-%d'), strftime(closed_at, '%Y-%m-%d'), version FROM case_file WHERE case_id = '${caseId}'`,
      ),
    ).toEqual([['closed', '李四', null, '100.00', '100.00', '200.00', '2026-10-09', '2026-11-02', '7']]);
    const audit = await rows(
      db,
      `SELECT actor, action, before->>'state', after->>'state', after->>'assignee' FROM case_audit WHERE case_id = '${caseId}' ORDER BY seq`,
    );
    expect(audit).toEqual([
      ['system:detect', 'created', null, null, null],
      ['张三', 'transition', 'new', 'triaged', null],
      ['张三', 'assign', null, null, '李四'],
      ['李四', 'transition', 'triaged', 'reviewed', null],
      ['王五', 'transition', 'reviewed', 'confirmed', null],
      ['王五', 'transition', 'confirmed', 'rectifying', null],
      ['李四', 'comment', null, null, null],
      ['王五', 'transition', 'rectifying', 'closed', null],
    ]);
    expect(await rows(db, `SELECT actor, body FROM case_comment`)).toEqual([['李四', '机构已承诺退回']]);
  });

  it('refuses an illegal transition, a stale version and a change without an actor, changing nothing', async () => {
    const before = await rows(db, 'SELECT * FROM case_file');
    const auditBefore = await rows(db, 'SELECT count(*) FROM case_audit');
    expect(
      await refusal(
        transitionCase(db.conn, { case_id: caseId, version: 1, to: 'confirmed' }, { now: '2026-09-30 02:00:00', actor: '张三' }),
      ),
    ).toMatchObject({
      code: 'refused',
      message: `线索 ${caseId}: 不能从 待初审 (new) 转到 确认 (confirmed): 只能转到 初审 (triaged)、驳回 (dismissed)`,
    });
    const stale = await refusal(
      transitionCase(db.conn, { case_id: caseId, version: 0, to: 'triaged' }, { now: '2026-09-30 02:00:00', actor: '张三' }),
    );
    expect(stale.code).toBe('refused');
    expect(stale.message).toContain('当前版本 1, 你提交的是 --version 0');
    expect(
      await refusal(assignCase(db.conn, { case_id: caseId, version: 1, assignee: 'x' }, { now: '2026-09-30 02:00:00' })),
    ).toMatchObject({
      code: 'usage',
      message: expect.stringContaining('FUNDWATCH_USER') as string,
    });
    expect(
      await refusal(
        transitionCase(db.conn, { case_id: 'C0000', version: 1, to: 'triaged' }, { now: '2026-09-30 02:00:00', actor: '张三' }),
      ),
    ).toMatchObject({
      code: 'usage',
      message: expect.stringContaining('没有线索 C0000') as string,
    });
    expect(await rows(db, 'SELECT * FROM case_file')).toEqual(before);
    expect(await rows(db, 'SELECT count(*) FROM case_audit')).toEqual(auditBefore);
  });

  it('detects two edits racing on one version through two connections: one lands, the other is refused', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/fundwatch-race-'));
    const instance = await DuckDBInstance.create(`${dir}/race.duckdb`);
    const a = await instance.connect();
    const b = await instance.connect();
    try {
      await migrate(a);
      await writeHits(a, [hit({ jr_id: 'r1', pattern: 'over-price' })], '2026-09-28 18:00:00');
      await groupCases(a, '2026-09-28 18:30:00');
      const id = (await listCases(a))[0]?.case_id ?? '';
      const results = await Promise.allSettled([
        transitionCase(a, { case_id: id, version: 1, to: 'triaged' }, { now: '2026-09-30 02:00:00', actor: '张三' }),
        assignCase(b, { case_id: id, version: 1, assignee: '李四' }, { now: '2026-09-30 02:00:00', actor: '王五' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected');
      expect(failed?.reason).toBeInstanceOf(FundwatchError);
      expect((failed?.reason as FundwatchError).code).toBe('refused');
      const [c] = await listCases(a);
      expect(c?.version).toBe(2);
      expect((await a.runAndReadAll(`SELECT count(*) FROM case_audit WHERE action IN ('transition', 'assign')`)).getRows()).toEqual([[1n]]);
    } finally {
      a.closeSync();
      b.closeSync();
      instance.closeSync();
    }
  });

  it('merges cases (hits moved, later hits on the merged key follow) and detaches a hit into a case of its own', async () => {
    await writeHits(db.conn, [hit({ jr_id: 'q1', pattern: 'unbundled-charge', vola_amt: 30 })], '2026-09-28 18:00:00');
    await groupCases(db.conn, '2026-09-28 18:40:00');
    const other = (await listCases(db.conn, { pattern: 'unbundled-charge' }))[0]?.case_id ?? '';
    const merged = await mergeCases(
      db.conn,
      { into: caseId, version: 1, from: [{ case_id: other, version: 1 }] },
      { now: '2026-09-30 02:00:00', actor: '张三' },
    );
    expect(merged.case_id).toBe(caseId);
    expect((await listCases(db.conn)).map((c) => [c.case_id, c.hit_count, c.amount])).toEqual([[caseId, 3, 130]]);
    expect(await rows(db, `SELECT merged_into FROM case_file WHERE case_id = '${other}'`)).toEqual([[caseId]]);
    // A later hit with the merged case's key joins the case it was merged into.
    await writeHits(db.conn, [hit({ jr_id: 'q2', pattern: 'unbundled-charge', vola_amt: 5, mdtrt_id: 'MZ5' })], '2026-09-30 18:00:00');
    await groupCases(db.conn, '2026-09-30 18:30:00');
    expect((await listCases(db.conn)).map((c) => [c.case_id, c.hit_count])).toEqual([[caseId, 4]]);
    // A stale merge is refused.
    expect(
      (
        await refusal(
          mergeCases(
            db.conn,
            { into: caseId, version: 1, from: [{ case_id: other, version: 2 }] },
            { now: '2026-09-30 03:00:00', actor: '张三' },
          ),
        )
      ).code,
    ).toBe('refused');

    const version = (await listCases(db.conn))[0]?.version ?? 0;
    const detached = await detachHit(db.conn, { jr_id: 'p2', version }, { now: '2026-10-08 02:00:00', actor: '李四' });
    const detail = await showCase(db.conn, detached.case_id);
    expect(detail?.case).toMatchObject({ state: 'new', hit_count: 1, amount: 60 });
    expect(detail?.hits.map((h) => h.jr_id)).toEqual(['p2']);
    expect((await showCase(db.conn, caseId))?.case).toMatchObject({ hit_count: 3, amount: 75 });
    // Grouping again leaves both as they are: the detached hit stays detached.
    expect(await groupCases(db.conn, '2026-10-09 02:00:00')).toMatchObject({ attached: 0, created: 0, updated: 0 });
    const actions = await rows(
      db,
      `SELECT case_id = '${caseId}', action, actor FROM case_audit WHERE action IN ('merge', 'detach') ORDER BY seq`,
    );
    expect(actions).toEqual([
      ['true', 'merge', '张三'],
      ['false', 'merge', '张三'],
      ['true', 'detach', '李四'],
      ['false', 'detach', '李四'],
    ]);
  });
});
