import type { Command } from 'commander';
import { resolveDbPath, resolvePiiKey, type PiiKey } from '../core/config.js';
import { openStore, type OpenOptions, type Store } from '../store/index.js';

/** What every command needs from the global options and the environment. */
export interface CliContext {
  readonly dbPath: string;
  readonly pii: PiiKey;
}

export function contextOf(cmd: Command): CliContext {
  const opts = cmd.optsWithGlobals<{ db?: string }>();
  return { dbPath: resolveDbPath(opts.db), pii: resolvePiiKey() };
}

/** Warns on stderr, loudly, when personal data would be hashed with the public demo key. */
export function warnDemoKey(pii: PiiKey): void {
  if (pii.isDemo)
    process.stderr.write(
      '⚠ 警告: 未设置 FUNDWATCH_PII_KEY，个人信息将以公开的演示密钥做哈希，仅适用于演示与测试。生产环境请设置密钥。\n' +
        '  (warning: FUNDWATCH_PII_KEY is unset; personal data is hashed with the public demo key)\n',
    );
}

/** Opens the store, runs `fn` with it and always closes it (checkpointing the file). */
export async function withStore<T>(dbPath: string, fn: (store: Store) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const store = await openStore(dbPath, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
