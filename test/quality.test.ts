import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVELOPE, FEE_LINE, messageText } from './support/messages.js';
import { realSenderMessages } from './support/real-senders.js';
import { runCli } from './support/cli.js';
import { rows } from './support/store.js';
import { tempDir } from './support/temp.js';
import { openStore } from '../store/open.js';

/**
 * The data-quality notes on the command line: `fundwatch quality` over the real-sender fixtures,
 * by sender and by field; the line in `status`; and the upload mode of messages that do not say,
 * from the source (a `T1` directory, `--upload-mode`).
 */

const dir = tempDir('quality');

async function query(db: string, sql: string) {
  const store = await openStore(db);
  try {
    const conn = await store.connect();
    const out = await rows(conn, sql);
    conn.closeSync();
    return out;
  } finally {
    await store.close();
  }
}

describe('fundwatch quality', () => {
  const db = path.join(dir, 'real.duckdb');
  const file = path.join(dir, 'real-senders.ndjson');
  writeFileSync(
    file,
    `${realSenderMessages()
      .map((m) => m.text)
      .join('\n')}\n`,
  );
  const ingest = runCli(['ingest', '--from', file, '--db', db, '-q']);

  it('lists the notes of the real-sender fixtures by sender, with counts and the codes seen', () => {
    expect(ingest.code).toBe(0);
    const r = runCli(['quality', '--by', 'sender', '--json', '--db', db]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sender: string; notes: number; messages: number; detail: string[] });
    // The Shenzhen test page (H44030000001): its 3501, 3502, 3503, 3505 and 3506 send one object for the list
    // (5 messages; the 3504 is refused), and the 3506 a bare date in sel_retn_time: 6 notes.
    expect(rows.find((x) => x.sender === 'H44030000001')).toMatchObject({
      notes: 6,
      messages: 5,
      detail: ['one-object-node', 'bare-date'],
    });
    expect(rows.find((x) => x.sender === 'P37020304446')).toBeUndefined();
    const text = runCli(['quality', '--db', db]).stdout;
    expect(text).toContain('H44030000001');
    expect(text).toMatch(/机构\s+备注\s+消息/);
  });

  it('lists them by field, the line positions folded, with an example value where one was kept', () => {
    const rows = runCli(['quality', '--by', 'field', '--json', '--db', db])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { field: string; notes: number; detail: string[] });
    expect(rows.find((x) => x.field === 'input.selinfo[].sel_retn_time')).toMatchObject({ notes: 2, detail: ['bare-date'] });
    expect(rows.find((x) => x.field === 'input.invinfo')).toMatchObject({ detail: ['one-object-node'] });
    expect(runCli(['quality', '--by', 'code', '--db', db]).stdout).toContain('one-object-node (明细节点是单个对象: 按一条明细入库)');
    expect(runCli(['quality', '--by', 'doctor', '--db', db]).code).toBe(2);
  });

  it('status counts the notes and the trace codes', () => {
    const s = runCli(['status', '--db', db]).stdout;
    expect(s).toMatch(/数据质量备注 \d+ 条, 涉及 \d+ 条消息/);
    expect(s).toContain('药品追溯码 2 个');
  });
});

describe('the upload mode of messages that do not say it', () => {
  const { upload_mode: _m, ...noMode } = ENVELOPE;
  const line = (msgid: string, cnt: number) =>
    messageText(
      '2204',
      { feedetail: [{ ...FEE_LINE, cnt, det_item_fee_sumamt: `${cnt * 10}.00` }] },
      { ...noMode, upload_mode: undefined, msgid },
    );

  it('is T1 for a file under a directory named T1 (T1 wins), T0 for the others, and --upload-mode sets it', async () => {
    const messages = path.join(dir, 'messages');
    mkdirSync(path.join(messages, 'T1'), { recursive: true });
    writeFileSync(path.join(messages, '2026-03-02.ndjson'), `${line('T0-1', 1)}\n`);
    writeFileSync(path.join(messages, 'T1', '2026-03-02.ndjson'), `${line('T1-1', 3)}\n`);
    const db = path.join(dir, 'modes.duckdb');
    expect(runCli(['ingest', '--from', messages, '--db', db, '-q']).code).toBe(0);
    expect(await query(db, 'SELECT msgid, upload_mode, upload_mode_source FROM message ORDER BY msgid')).toEqual([
      { msgid: 'T0-1', upload_mode: 'T0', upload_mode_source: 'source' },
      { msgid: 'T1-1', upload_mode: 'T1', upload_mode_source: 'source' },
    ]);
    expect(await query(db, 'SELECT upload_mode, CAST(cnt AS INTEGER) AS cnt FROM fee_line')).toEqual([{ upload_mode: 'T1', cnt: 3 }]);
    const flagged = path.join(dir, 'flagged.duckdb');
    expect(runCli(['ingest', '--from', path.join(messages, '2026-03-02.ndjson'), '--upload-mode', 'T1', '--db', flagged, '-q']).code).toBe(
      0,
    );
    expect(await query(flagged, 'SELECT upload_mode FROM message')).toEqual([{ upload_mode: 'T1' }]);
    expect(runCli(['ingest', '--from', messages, '--upload-mode', 'T3', '--db', flagged]).code).toBe(2);
  });
});
