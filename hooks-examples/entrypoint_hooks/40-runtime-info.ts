/**
 * Writes a small JSON file describing this start (worker count, when, which image version),
 * for a health endpoint or a support bundle to read. Runs as a `posthook`, after every hook.
 *
 * The file goes under the templates' output directory (ctx.paths.output), and is written the
 * way PID 1 should write anything: to a temporary file in the same directory with its final
 * mode from the first byte, then renamed over the old one, so a reader never sees half a file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { defineHooks } from 'pid1';

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export default defineHooks({
  posthook(vars, ctx) {
    const dir = join(ctx.paths.output ?? '/', 'run', 'app');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const info = {
      started_at: new Date().toISOString(),
      workers: vars.workers,
      version: vars.APP_VERSION ?? vars.app_version ?? 'unknown',
      node: process.version,
    };
    const path = join(dir, 'runtime.json');
    writeAtomically(path, JSON.stringify(info, null, 2) + '\n', 0o644);
    ctx.log.info(`wrote ${path}`);
  },
});
