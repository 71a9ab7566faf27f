import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowText, systemClock, type Clock } from '../core/clock.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { Store } from '../store/index.js';
import type { Reply } from './client.js';
import { resolveOp } from './registry.js';
import { serverFileOf, type ServerFile } from './server-file.js';

const log = logger('api');

export interface ServeOptions {
  /** 127.0.0.1 unless told otherwise: the API is for this machine's CLI and, later, its console. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly clock?: Clock;
}

export interface RunningApi {
  readonly url: string;
  readonly file: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
const STATUS: Record<string, number> = { usage: 400, refused: 409 };

/**
 * The JSON API on the database the server holds: `POST /v1/ops/<name>` with `{args, actor}` runs an
 * op (api/registry.ts) on a fresh connection, so each request is its own transaction and racing
 * edits meet DuckDB's conflict check; `GET /v1/health`. Every request carries the bearer token from
 * the server file, which is written beside the database with mode 0600 and removed on close.
 */
export async function startApi(store: Store, options: ServeOptions = {}): Promise<RunningApi> {
  const clock = options.clock ?? systemClock;
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const authorised = (req: IncomingMessage) => {
    const got = Buffer.from(req.headers.authorization ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'invariant', message: '服务器内部错误' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorised(req))
      return send(res, 401, { ok: false, error: { code: 'usage', message: '未授权: 缺少或错误的令牌 (见数据库旁的 .serve.json)' } });
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/v1/health') return sendJson(res, 200, { ok: true, pid: process.pid, db: store.path });
    const m = /^\/v1\/ops\/([\w.-]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m?.[1])
      return send(res, 404, { ok: false, error: { code: 'usage', message: `没有这个接口: ${req.method} ${url.pathname}` } });
    const name = m[1];
    let body: { args?: unknown; actor?: string };
    try {
      body = JSON.parse(await readBody(req)) as { args?: unknown; actor?: string };
    } catch (err) {
      return send(res, 400, { ok: false, error: { code: 'usage', message: `请求体不是 JSON: ${(err as Error).message}` } });
    }
    const t0 = performance.now();
    const conn = await store.connect();
    try {
      const { op, args } = resolveOp(name, body.args);
      const result = await op.run(conn, args, { now: nowText(clock()), actor: body.actor, dbPath: store.path });
      log.info({ op: name, ms: Math.round(performance.now() - t0) }, 'op');
      send(res, 200, { ok: true, result });
    } catch (err) {
      if (!(err instanceof FundwatchError)) throw err;
      log.info({ op: name, code: err.code }, 'op refused');
      send(res, STATUS[err.code] ?? 500, { ok: false, error: { code: err.code, message: err.message } });
    } finally {
      conn.closeSync();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  const file = serverFileOf(store.path);
  const doc: ServerFile = { url, token, pid: process.pid, db: store.path, started_at: nowText(clock()) };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  log.info({ url, db: store.path }, 'api listening');
  return {
    url,
    file,
    close: async () => {
      rmSync(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('请求体超过 1 MB'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8') || '{}'));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, reply: Reply): void {
  sendJson(res, status, reply);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
