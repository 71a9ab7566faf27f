import cliProgress from 'cli-progress';
import type { ReplayProgress } from '../ingest/index.js';

/**
 * Progress of long work on stderr: a bar on a terminal, a plain line every few seconds otherwise
 * (CI logs, pipes), nothing when quiet.
 */
export interface Progress {
  update(p: ReplayProgress): void;
  stop(): void;
}

const MB = 1024 * 1024;

export function ingestProgress(quiet: boolean): Progress {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format:
          '导入 [{bar}] {percentage}% | {mb}/{totalMb} MB | 已解码消息 {messages} | 已落库行 {rows} | 拒收 {rejected} | 剩余 {eta_formatted}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = {
          mb: (p.bytesRead / MB).toFixed(0),
          totalMb: (p.bytesTotal / MB).toFixed(0),
          messages: p.messages,
          rows: p.rows,
          rejected: p.rejected,
        };
        if (!started) {
          bar.start(Math.max(p.bytesTotal, 1), p.bytesRead, payload);
          started = true;
        } else bar.update(p.bytesRead, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  // First line after five seconds: a short run needs no progress at all.
  const start = Date.now();
  let last = start;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 5000) return;
      last = now;
      const pct = p.bytesTotal ? ((100 * p.bytesRead) / p.bytesTotal).toFixed(0) : '?';
      const rate = Math.round(p.rows / Math.max((now - start) / 1000, 0.001));
      process.stderr.write(
        `导入进度 ${pct}% (${(p.bytesRead / MB).toFixed(0)}/${(p.bytesTotal / MB).toFixed(0)} MB) 已解码消息 ${p.messages} 已落库行 ${p.rows} 拒收 ${p.rejected} (落库 ${rate} 行/秒)\n`,
      );
    },
    stop: () => undefined,
  };
}
