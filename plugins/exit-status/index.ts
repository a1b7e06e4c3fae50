/**
 * The entrypoint's exit code is the child's: its exit status, or 128+N when signal N killed it.
 * `--remap-exit CODE` (tini -e) turns an expected code into 0, e.g. 143 for a JVM that exits
 * 143 on SIGTERM. This is the last `exit` tap: it always decides.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';

export const PLUGIN_NAME = 'exit-status';

/** An exit code option value: 0-255. */
export function parseExitCode(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 255) throw new Error(`expected an exit code 0-255, got '${raw}'`);
  return n;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'remap-exit', kind: 'list', arg: 'CODE', parse: parseExitCode, description: 'exit 0 when the child exits with CODE' },
  ],
  apply(ep: Entrypoint) {
    const remap = new Set(ep.option<number[]>('remap-exit'));
    ep.hooks.exit.tap({ name: PLUGIN_NAME, stage: 1000 }, ({ status, main }) => {
      const code = status.code ?? 128 + (status.signal ?? 0);
      if (status.signal !== null) ep.log.debug(`child ${main.pid} was terminated by signal ${status.signal}`);
      else ep.log.debug(`child ${main.pid} exited with status ${status.code}`);
      return { code: remap.has(code) ? 0 : code };
    });
  },
});
