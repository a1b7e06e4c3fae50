/**
 * The main child without a terminal, through child_process: `detached` gives it a session of
 * its own (setsid), libuv resets its signal dispositions and mask, dup2s stdio into it, reaps it
 * and reports its status. The reaper leaves it alone (it is libuv's).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Entrypoint } from '../../src/context';
import type { Command, MainProcess } from '../../src/hooks';
import { EntrypointError } from '../../src/errors';
import type { WaitStatus } from '../../src/sys/syscalls';

export async function spawnPlain(ep: Entrypoint, command: Command, path: string, groupSignals: boolean): Promise<MainProcess> {
  const child = spawn(path, command.argv.slice(1), {
    argv0: command.argv[0],
    env: command.env,
    stdio: 'inherit',
    detached: groupSignals,
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    const code = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 127 : 126;
    throw new EntrypointError(`${command.file}: cannot execute: ${err.code ?? err.message}`, code);
  }
  const exited = ep.processes.track(pid);
  child.once('exit', (code, signal) => {
    const status: WaitStatus = { code: signal ? null : code, signal: signal ? constants.signals[signal] : null };
    ep.processes.report(pid, status);
  });
  return { pid, signalTarget: groupSignals ? -pid : pid, exited };
}
