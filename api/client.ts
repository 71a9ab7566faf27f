import { FundwatchError, type ErrorCode } from '../core/errors.js';
import type { ServerFile } from './server-file.js';

/** The API's answer: the op's result, or the error it was refused with. */
export type Reply = { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string } };

/** Asks a running server to run an op; its refusals come back as the same FundwatchError the local path throws. */
export async function callServer(server: ServerFile, name: string, args: unknown, actor: string | undefined): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${server.url}/v1/ops/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args, ...(actor ? { actor } : {}) }),
    });
  } catch (err) {
    throw new FundwatchError('io', `无法连接 fundwatch serve (${server.url}, pid ${server.pid}): ${(err as Error).message}`, {
      cause: err,
      retriable: true,
    });
  }
  const reply = (await res.json()) as Reply;
  if (reply.ok) return reply.result;
  throw new FundwatchError(reply.error.code, reply.error.message);
}
