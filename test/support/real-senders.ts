import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/config.js';

/** The real-sender bodies of fixtures/real-senders/ and what contract §8 says of each (expected.json). */

export const REAL_SENDERS_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'real-senders');

export type Obj = Record<string, unknown>;
export interface Wrap {
  readonly as: 'message' | 'reply' | 'line' | 'input' | 'bizData' | 'OutData_2207';
  readonly node?: string;
  readonly list?: boolean;
  readonly envelope?: Obj;
}
export interface Outcome {
  readonly lands?: { readonly table: string; readonly rows: number; readonly traces: number; readonly notes: readonly string[] };
  readonly refused?: { readonly code: string; readonly path: string };
}
export interface Case extends Outcome {
  readonly wrap: Wrap;
  readonly also?: Outcome & { readonly wrap: Wrap };
}

export const expected = JSON.parse(readFileSync(path.join(REAL_SENDERS_DIR, 'expected.json'), 'utf8')) as { bodies: Record<string, Case> };

/** The message a test ingests for a body, made as `wrap` says; fields the source carries are never overridden. */
export function messageOf(body: Obj, wrap: Wrap): Obj {
  const add = (m: Obj) => ({ ...(wrap.envelope ?? {}), ...m });
  switch (wrap.as) {
    case 'message':
      return add(body);
    case 'reply':
      return add({ input: body['output'] });
    case 'line':
      return add({ input: { [wrap.node as string]: wrap.list ? [body] : body } });
    case 'input':
      return add({ input: body });
    case 'bizData':
      // The gateway's own transaction number (9950) is not the business one the test names.
      return { ...(body['bizData'] as Obj), ...(wrap.envelope ?? {}) };
    case 'OutData_2207':
      return add({ input: body['OutData_2207'] });
  }
}

/** Every body as the message the tests ingest, one JSON text each, in file order. */
export function realSenderMessages(): { file: string; text: string }[] {
  return Object.entries(expected.bodies)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, c]) => ({
      file,
      text: JSON.stringify(messageOf(JSON.parse(readFileSync(path.join(REAL_SENDERS_DIR, file), 'utf8')) as Obj, c.wrap)),
    }));
}
