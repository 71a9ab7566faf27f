/** The ops the CLI and the server share, the server's JSON API, and the one call that picks the path (api/README.md). */
export { invoke } from './invoke.js';
export { startApi, type RunningApi, type ServeOptions } from './server.js';
export { readServerFile, serverFileOf, type ServerFile } from './server-file.js';
export { OPS, resolveOp } from './registry.js';
export { defineOp, type Op, type OpContext } from './op.js';
