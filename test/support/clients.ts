import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Real clients a test opens its output with (LibreOffice, Chromium), found on the machine rather
 * than mocked. `.ci/run` installs them from Debian packages; on a developer's machine without them
 * the tests that need them are skipped, loudly, and with CI=true they fail instead.
 */

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first of `candidates` that is executable: an absolute path as given, a bare name on PATH. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const c of candidates) {
    if (path.isAbsolute(c)) {
      if (executable(c)) return c;
    } else {
      for (const d of dirs) if (executable(path.join(d, c))) return path.join(d, c);
    }
  }
  return undefined;
}

export const inCi = (): boolean => process.env['CI'] === 'true';

export interface Client {
  readonly name: string;
  readonly path: string | undefined;
  /** Skip the test: the client is missing and this is not CI. */
  readonly skip: boolean;
}

/**
 * Looks a client up; when it is missing, warns on stderr (once, at collection) and says whether to
 * skip. A test that is not skipped calls `need()` first, which fails it in CI when the client is missing.
 */
export function client(name: string, candidates: readonly string[], packages: string): Client & { need(): string } {
  const found = findExecutable(candidates);
  if (!found)
    process.stderr.write(
      `\n⚠ ${name} not installed (looked for ${candidates.join(', ')}): its real-client report tests are ${
        inCi() ? 'FAILING (CI=true)' : 'SKIPPED'
      }; install the Debian packages ${packages} (see README, Tests)\n\n`,
    );
  return {
    name,
    path: found,
    skip: !found && !inCi(),
    need() {
      if (!found) throw new Error(`${name} is not installed (CI=true): .ci/run installs ${packages}`);
      return found;
    },
  };
}
