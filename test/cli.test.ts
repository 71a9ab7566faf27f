import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { formatLocation, Issue } from '../core/diagnostics/index.js';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtureLines = (file: string) =>
  readFileSync(path.join(PACKAGE_ROOT, 'fixtures', 'messages', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim());

describe('fundwatch CLI', () => {
  it('prints help for the program and every command, exit 0', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['demo', 'generate', 'ingest', 'produce', 'reference', 'score', 'status', 'rejected']) expect(top.stdout).toContain(c);
    for (const args of [
      ['ingest', '--help'],
      ['produce', '--help'],
      ['reference', 'load', '--help'],
      ['status', '--help'],
      ['rejected', 'list', '--help'],
      ['demo', '--help'],
      ['detect', '--help'],
      ['detectors', 'list', '--help'],
      ['detectors', 'lint', '--help'],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: fundwatch/);
    }
  });

  it('exits 2 on usage errors: unknown option, missing --from', () => {
    expect(runCli(['ingest', '--nope']).code).toBe(2);
    const missing = runCli(['ingest', '--db', path.join(dir, 'u.duckdb')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--from');
  });

  it('exits 2 on contradictory or malformed Kafka options, before connecting to anything', () => {
    const both = runCli(['ingest', '--kafka', '--from', 'x.ndjson', '--db', path.join(dir, 'k.duckdb')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('只能选一个');
    const broker = runCli(['ingest', '--kafka', '--brokers', 'no port here', '--db', path.join(dir, 'k.duckdb')]);
    expect(broker.code).toBe(2);
    expect(broker.stderr).toContain('host:port');
    expect(runCli(['ingest', '--kafka', '--until-idle', 'soon']).code).toBe(2);
  });

  it('exits 3 with a clear message when the input does not exist', () => {
    const r = runCli(['ingest', '--from', path.join(dir, 'no-such.ndjson'), '--db', path.join(dir, 'e.duckdb')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('找不到输入');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('ingests a file with one malformed line among valid ones: exit 0, 1 rejected, the rest landed', () => {
    const valid = fixtureLines('02-fees.ndjson');
    const file = path.join(dir, 'one-bad.ndjson');
    writeFileSync(file, [...valid.slice(0, 3), '{"infno":"2204", "msgid": "broken', ...valid.slice(3)].join('\n') + '\n');
    const expectedRows = valid.reduce((s, l) => s + (JSON.parse(l) as { input: { feedetail: unknown[] } }).input.feedetail.length, 0);
    // --db after the subcommand is the global option.
    const r = runCli(['ingest', '--from', file, '--db', path.join(dir, 'one-bad.duckdb'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      messagesRead: number;
      accepted: number;
      rejected: number;
      rowsLanded: number;
      rejectedMessages: { line: number; code: string }[];
    };
    expect(s.messagesRead).toBe(valid.length + 1);
    expect(s.accepted).toBe(valid.length);
    expect(s.rejected).toBe(1);
    expect(s.rowsLanded).toBe(expectedRows);
    expect(s.rejectedMessages).toEqual([expect.objectContaining({ line: 4, code: 'invalid-json' })]);

    // The human summary says the same, in Chinese; --db before the subcommand works too.
    const again = runCli(['--db', path.join(dir, 'one-bad-2.duckdb'), 'ingest', '--from', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/拒收\s+1/);
    expect(again.stdout).toContain('one-bad.ndjson:4');
  });

  it('warns loudly when FUNDWATCH_PII_KEY is unset', () => {
    const file = path.join(dir, 'visits.ndjson');
    writeFileSync(file, fixtureLines('01-visits.ndjson').join('\n'));
    const r = runCli(['ingest', '--from', file, '--db', path.join(dir, 'w.duckdb')], { env: { FUNDWATCH_PII_KEY: undefined } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('FUNDWATCH_PII_KEY');
  });

  it('status reports the counts of what landed', () => {
    const db = path.join(dir, 'status.duckdb');
    expect(runCli(['ingest', '--from', path.join(PACKAGE_ROOT, 'fixtures', 'messages'), '--db', db, '-q']).code).toBe(0);
    const r = runCli(['status', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const expected = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'fixtures', 'expected.json'), 'utf8')) as {
      current: Record<string, { count: number }>;
      messages: { accepted: number; rejected: number };
    };
    const s = JSON.parse(r.stdout) as { counts: { table: string; current: number }[]; messages: number; rejected: number };
    for (const t of ['visit', 'discharge', 'fee_line', 'settlement', 'psi_line'])
      expect(s.counts.find((c) => c.table === t)?.current, t).toBe(expected.current[t]?.count);
    expect(s.messages).toBe(expected.messages.accepted);
    expect(s.rejected).toBe(expected.messages.rejected);
    // One issue per line, located at the message's file and line; every rejected message has at least one.
    const rejected = runCli(['rejected', 'list', '--db', db, '--json']);
    const issues = rejected.stdout
      .trim()
      .split('\n')
      .map((l) => Issue.parse(JSON.parse(l)));
    expect(new Set(issues.map((i) => formatLocation(i.at))).size).toBe(expected.messages.rejected);
    expect(issues.every((i) => i.at.file?.endsWith('06-invalid.ndjson') && (i.at.line ?? 0) > 0)).toBe(true);
    // Any of those locations shows the message, personal data replaced.
    const first = issues.find((i) => i.code === 'missing-field' && i.at.path === 'input.setlinfo.setl_id') as Issue;
    const shown = runCli(['rejected', 'show', formatLocation(first.at), '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('[missing-field] input.setlinfo.setl_id: 必填字段缺失');
    expect(shown.stdout).toContain('"infno":"2207"');
    expect(shown.stdout).not.toContain('51180220160618005X');
    expect(shown.stdout).not.toContain('刘洋');
    expect(runCli(['rejected', 'show', 'no-such.ndjson:1', '--db', db]).code).toBe(2);
  });

  it('runs the demo from any working directory on a fresh database', () => {
    const cwd = mkdtempSync(path.join(dir, 'elsewhere-'));
    const r = runCli(['demo'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fundwatch 演示');
    expect(r.stdout).toMatch(/fee_line\s+\d+/);
    // The shipped rules run over the generated city and find some of its injected fraud.
    expect(r.stdout).toMatch(/智能监控规则 \(rules\/library, \d+ 条\): 命中 [1-9]/);
    // And the statistical detectors (the ledger finds the substituted drugs even in seven days).
    expect(r.stdout).toMatch(/统计检测器 \(detectors\/config, \d+ 个\): 命中 [1-9]/);
    expect(r.stdout).toMatch(/ledger-billed\s+1\s+[1-9]/);
    // And groups the hits into the case queue.
    expect(r.stdout).toMatch(/8\) 线索队列 .*新建 [1-9]\d* 条/);
    // And ends with the morning report it wrote from the generated data, a verified draw and an evidence bundle.
    const html = /\n晨报: (\S+\.html)\n/.exec(r.stdout)?.[1] ?? '';
    expect(readFileSync(html, 'utf8')).toMatch(/data-case-count="[1-9]\d*"/);
    expect(existsSync(html.replace(/\.html$/, '.xlsx'))).toBe(true);
    expect(r.stdout).toMatch(/\n抽取: [0-9a-f]{16} \(核验通过\), 公开记录 \S+\.html\n/);
    const zip = /\n证据包: (\S+\.zip)\n*$/.exec(r.stdout)?.[1] ?? '';
    const verified = runCli(['--db', path.join(cwd, 'data', 'demo-city.duckdb'), 'bundle', 'verify', zip]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('证据包核对通过');
    // A second run rebuilds the sample database rather than piling up (the city part is left out: it is the slow half).
    const again = runCli(['demo', '--no-city'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout.match(/fee_line\s+(\d+)\s+(\d+)/)?.slice(1)).toEqual(r.stdout.match(/fee_line\s+(\d+)\s+(\d+)/)?.slice(1));
    // A whole demo takes about 30 s on a quiet 2-core machine, more under load: not a timing check, room to finish.
  }, 240_000);

  it('refuses to overwrite an explicit --db with demo unless --force', () => {
    const db = path.join(dir, 'precious.duckdb');
    writeFileSync(db, 'not a demo');
    const r = runCli(['demo', '--db', db]);
    expect(r.code).toBe(2);
    expect(readFileSync(db, 'utf8')).toBe('not a demo');
  });
});
