/**
 * Starts the main child with posix_spawn, so that it can have a process group of its own in
 * this session and own the terminal, which child_process cannot arrange:
 *   - default (setsid mode): no terminal → a new session; a terminal on stdin → a new process
 *     group made the terminal's foreground group (Ctrl-C reaches the child only, `bash -i` has
 *     job control). Signals go to the whole group.
 *   - --no-setsid: signals go to the child's pid only; it stays in our process group unless it
 *     must own the terminal.
 * The exit status comes from the reaper through the process table.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Entrypoint } from '../../src/context';
import type { MainProcess } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { EntrypointError } from '../../src/errors';
import { envArray, resolveCommand } from '../../src/resolveCommand';
import { ERRNO, SyscallError, foregroundGroup, prepareStdioForChild, processGroup, setForegroundGroup, spawn } from '../../src/sys/syscalls';

export const PLUGIN_NAME = 'spawner';

/** Whether stdin is a terminal that is controlled by our session (tcgetpgrp succeeds). */
function controllingTerminal(): boolean {
  try {
    return require('node:tty').isatty(0) && foregroundGroup(0) > 0;
  } catch {
    return false;
  }
}

/**
 * A posix_spawn'ed child is not a libuv handle, so nothing would keep Node running while it
 * lives. A MessagePort is a ref'd handle that never wakes the loop (no timer, no polling).
 */
function keepAlive(): () => void {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', () => {});
  return () => {
    port1.close();
    port2.close();
  };
}

function parseExecFailureCode(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 255) throw new Error(`expected an exit code 0-255, got '${raw}'`);
  return Number(raw);
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    {
      name: 'no-setsid', short: 'c', aliases: ['single-child'], kind: 'flag',
      description: 'signal the child process only, not its whole process group',
    },
    {
      name: 'exec-failure-code', kind: 'value', arg: 'CODE', hidden: true, parse: parseExecFailureCode,
      description: 'exit code when the command cannot be executed, instead of 127/126 (dumb-init exits 2)',
    },
  ],
  apply(ep: Entrypoint) {
    const groupSignals = !ep.option<boolean>('no-setsid');
    const execFailureCode = ep.option<number | undefined>('exec-failure-code');
    ep.hooks.launch.tapPromise(PLUGIN_NAME, async (command) => {
      let path: string;
      try {
        path = resolveCommand(command.file, command.env);
      } catch (err) {
        if (execFailureCode === undefined || !(err instanceof EntrypointError)) throw err;
        throw new EntrypointError(err.message, execFailureCode);
      }
      const tty = controllingTerminal();
      prepareStdioForChild();
      let pid: number;
      try {
        pid = spawn({
          path,
          argv: command.argv,
          env: envArray(command.env),
          newSession: groupSignals && !tty,
          newProcessGroup: tty,
          foreground: tty ? 0 : undefined,
        });
      } catch (err) {
        if (err instanceof SyscallError) {
          const code = execFailureCode ?? (err.errno === ERRNO.ENOENT || err.errno === ERRNO.ENOTDIR ? 127 : 126);
          throw new EntrypointError(`${command.file}: cannot execute: ${err.message.replace(/^posix_spawn: /, '')}`, code);
        }
        throw err;
      }
      const release = keepAlive();
      const exited = ep.processes.track(pid).then((status) => {
        release();
        if (tty) {
          try {
            setForegroundGroup(0, processGroup());
          } catch (err) {
            ep.log.debug(`could not take the terminal back: ${(err as Error).message}`);
          }
        }
        return status;
      });
      const main: MainProcess = { pid, signalTarget: groupSignals ? -pid : pid, exited };
      return main;
    });
  },
});
