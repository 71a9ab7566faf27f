import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverFileOf } from '../api/index.js';
import { groupCases, listCases } from '../cases/index.js';
import { PACKAGE_ROOT } from '../core/config.js';
import { writeHits } from '../score/index.js';
import { openStore } from '../store/index.js';
import { runCli } from './support/cli.js';
import { MESSAGES_DIR } from './support/fixtures.js';
import { hit } from './support/hits.js';
import { startServe } from './support/serve.js';
import { tempDir } from './support/temp.js';

const tmp = tempDir('serve');

/** A database file with two cases grouped from hits. */
async function dbWithCases(name: string): Promise<{ db: string; caseId: string }> {
  const db = path.join(tmp, name, 'fw.duckdb');
  const store = await openStore(db);
  const conn = await store.connect();
  try {
    await writeHits(conn, [
      hit({ jr_id: 's1', pattern: 'over-price' }),
      hit({ jr_id: 's2', pattern: 'phantom-bed', mdtrt_id: 'ZY2', vola_amt: 900 }),
    ]);
    await groupCases(conn, '2026-03-01 18:00:00');
    return { db, caseId: (await listCases(conn, { pattern: 'over-price' }))[0]?.case_id ?? '' };
  } finally {
    conn.closeSync();
    await store.close();
  }
}

describe('fundwatch serve and the CLI (real server process, real database file)', () => {
  it('the CLI goes through the server while it holds the database, and opens the file itself when none does; a stale --version is refused both ways', async () => {
    const { db, caseId } = await dbWithCases('both');
    const server = await startServe(db);
    try {
      expect(statSync(serverFileOf(db)).mode & 0o777).toBe(0o600);
      // The server holds the file: opening it directly would fail on DuckDB's lock; the CLI does not.
      const list = runCli(['--db', db, 'cases', 'list', '--json']);
      expect(list.code).toBe(0);
      expect(list.stdout.trim().split('\n')).toHaveLength(2);
      const moved = runCli(['--db', db, 'cases', 'transition', caseId, 'triaged', '--version', '1', '--as', '张三']);
      expect(moved).toMatchObject({ code: 0 });
      expect(moved.stdout).toContain('版本 2');
      const stale = runCli(['--db', db, 'cases', 'transition', caseId, 'reviewed', '--version', '1', '--as', '李四']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('当前版本 2, 你提交的是 --version 1');
      const illegal = runCli(['--db', db, 'cases', 'transition', caseId, 'closed', '--version', '2', '--as', '李四']);
      expect(illegal.code).toBe(1);
      expect(illegal.stderr).toContain('不能从 初审 (triaged) 转到 结案 (closed)');
      const anonymous = runCli(['--db', db, 'cases', 'assign', caseId, '王五', '--version', '2'], { env: { FUNDWATCH_USER: undefined } });
      expect(anonymous.code).toBe(2);
      expect(anonymous.stderr).toContain('FUNDWATCH_USER');
      // Without the token the API answers nothing.
      const res = await fetch(`${server.file.url}/v1/ops/cases.list`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(serverFileOf(db))).toBe(false);

    // No server now: the same commands open the file, with the same checks.
    const staleLocal = runCli(['--db', db, 'cases', 'transition', caseId, 'reviewed', '--version', '1', '--as', '李四']);
    expect(staleLocal.code).toBe(1);
    expect(staleLocal.stderr).toContain('当前版本 2, 你提交的是 --version 1');
    expect(runCli(['--db', db, 'cases', 'transition', caseId, 'reviewed', '--version', '2', '--as', '李四']).code).toBe(0);
    const shown = JSON.parse(runCli(['--db', db, 'cases', 'show', caseId, '--json']).stdout) as {
      audit: { actor: string; action: string }[];
    };
    expect(shown.audit.map((a) => [a.actor, a.action])).toEqual([
      ['system:detect', 'created'],
      ['张三', 'transition'],
      ['李四', 'transition'],
    ]);
  }, 180_000);

  it('jobs run nightly started twice against a running server runs once; the second call reports the run in progress', async () => {
    const db = path.join(tmp, 'jobs', 'fw.duckdb');
    expect(runCli(['--db', db, 'ingest', '--from', MESSAGES_DIR, '--quiet']).code).toBe(0);
    const server = await startServe(db);
    try {
      const first = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'fundwatch.js'), '--db', db, 'jobs', 'run', 'nightly'], {
        env: { ...process.env, FUNDWATCH_PII_KEY: 'test-key' },
      });
      let firstOut = '';
      first.stdout.on('data', (c: Buffer) => (firstOut += c.toString('utf8')));
      const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
      // Wait until the server reports the first run in progress, then start the second.
      const running = async () => {
        const r = await fetch(`${server.file.url}/v1/ops/jobs.list`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.file.token}` },
          body: JSON.stringify({ args: {} }),
        });
        const body = (await r.json()) as { result: { name: string; running: unknown }[] };
        return body.result.find((j) => j.name === 'nightly')?.running != null;
      };
      for (let waited = 0; !(await running()); waited += 50) {
        if (waited > 60_000 || first.exitCode !== null) throw new Error(`the first run never showed as running: ${firstOut}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const second = runCli(['--db', db, 'jobs', 'run', 'nightly']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/任务 nightly 正在运行 \(运行 #1, /);
      expect(await firstExit).toBe(0);
      expect(firstOut).toMatch(/任务 nightly 运行 #1 成功/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const list = JSON.parse(runCli(['--db', db, 'jobs', 'list', '--json']).stdout) as { name: string; last: { outcome: string }[] }[];
    expect(list.find((j) => j.name === 'nightly')?.last.map((r) => r.outcome)).toEqual(['ok']);
  }, 240_000);
});
