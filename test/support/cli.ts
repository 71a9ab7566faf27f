import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { vi } from 'vitest';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/config.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `fundwatch` bin in a child process, as a user would. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, FUNDWATCH_PII_KEY: 'test-key', ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'fundwatch.js'), ...args], {
    cwd: options.cwd ?? PACKAGE_ROOT,
    env: env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs one command module in-process, as main.ts registers it (with the global --db), and returns
 * what it printed on stdout. For commands whose internals a test also wants to reach.
 */
export async function runRegistered(register: (program: Command) => void, args: readonly string[]): Promise<string> {
  const program = new Command('fundwatch').option('--db <path>').exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}
