#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so it works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
// Output piped into a reader that stops early (`fundwatch … | head`) ends the command quietly, as a
// Unix tool does, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
