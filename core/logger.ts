import { pino, type Logger } from 'pino';

/**
 * One root logger for the process (style item 10); modules take a child.
 * Logs go to stderr so that command output on stdout stays clean for pipes.
 * Level from FUNDWATCH_LOG_LEVEL (default `warn`: the console speaks for the CLI; `info` adds progress logs).
 */
let root: Logger | undefined;

export function rootLogger(): Logger {
  root ??= pino(
    {
      level: process.env['FUNDWATCH_LOG_LEVEL'] ?? 'warn',
      base: { app: 'fundwatch' },
      // Personal data must never reach a log line; redact the contract's PII fields wherever they appear.
      redact: { paths: ['*.certno', '*.psn_name', '*.prsc_dr_certno', 'certno', 'psn_name', 'prsc_dr_certno'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
  return root;
}

export function logger(module: string): Logger {
  return rootLogger().child({ module });
}
