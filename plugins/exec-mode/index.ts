/**
 * `--no-init`: run every configured stage, then replace the entrypoint with the command
 * (execve). No supervisor stays behind: the pid, stdio and signals are the command's. This is
 * the `exec "$@"` at the end of a docker-entrypoint.sh.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { EntrypointError } from '../../src/errors';
import { envArray, resolveCommand } from '../../src/resolveCommand';
import { childrenOfSelf } from '../../src/sys/proc';
import { killEverything } from '../../src/teardown';
import { ERRNO, SIG, SyscallError, exec, kill, setSubreaper } from '../../src/sys/syscalls';

export const PLUGIN_NAME = 'exec-mode';

/** Helpers (child_process children of plugins and hooks) must not outlive the exec as zombies. */
async function stopHelpers(ep: Entrypoint): Promise<void> {
  let pids = childrenOfSelf();
  if (pids.length === 0) return;
  ep.log.debug(`stopping ${pids.length} helper process(es) before exec`);
  for (const pid of pids) kill(pid, SIG.TERM);
  for (let waited = 0; waited < 2000 && pids.length; waited += 10) {
    await new Promise((r) => setTimeout(r, 10));
    pids = childrenOfSelf();
  }
  // What is left is killed and reaped here: the new image would never wait for it.
  if (pids.length) killEverything();
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'no-init', kind: 'flag', description: 'after the configuration stages, exec the command in place of the entrypoint (no init)' },
  ],
  apply(ep: Entrypoint) {
    if (!ep.option<boolean>('no-init')) return;
    ep.hooks.launch.tapPromise({ name: PLUGIN_NAME, stage: -100 }, async (command) => {
      const path = resolveCommand(command.file, command.env);
      await stopHelpers(ep);
      if (!ep.isInit) {
        try {
          setSubreaper(false);
        } catch {
          // Never set (not permitted): nothing to undo.
        }
      }
      if (process.stdin.isTTY && (process.stdin as { setRawMode?: (b: boolean) => void }).setRawMode) process.stdin.setRawMode(false);
      ep.log.debug(`exec ${path}`);
      try {
        return exec(path, command.argv, envArray(command.env));
      } catch (err) {
        if (!(err instanceof SyscallError)) throw err;
        const code = err.errno === ERRNO.ENOENT ? 127 : 126;
        throw new EntrypointError(`${command.file}: cannot execute: ${err.message.replace(/^execve: /, '')}`, code);
      }
    });
  },
});
