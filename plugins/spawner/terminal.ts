/**
 * The main child on a terminal (`docker run -it`). child_process cannot give a child its own
 * process group in our session and hand it the terminal, so this path uses posix_spawn with
 * POSIX_SPAWN_SETPGROUP and makes the new group the foreground group; when the child exits the
 * terminal is taken back. The exit status comes from the reaper through the process table.
 */
import { fstatSync } from 'node:fs';
import type { Entrypoint } from '../../src/context';
import type { Command, MainProcess } from '../../src/hooks';
import { EntrypointError } from '../../src/errors';
import { envArray } from '../../src/resolveCommand';
import { ERRNO, SyscallError, foregroundGroup, prepareStdioForChild, processGroup, setForegroundGroup, spawn } from '../../src/sys/syscalls';

/** Device majors of terminals on Linux: the console and /dev/tty (4, 5), pseudo-terminals (136-143). */
function isTerminalDevice(rdev: number): boolean {
  const major = Number((BigInt(rdev) >> 8n) & 0xfffn);
  return major === 4 || major === 5 || (major >= 136 && major <= 143);
}

/**
 * Whether `fd` is a terminal that controls our session. fstat first, so that the usual
 * container start (stdin /dev/null or a pipe) never loads the FFI for tcgetpgrp.
 */
export function controllingTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && isTerminalDevice(st.rdev) && foregroundGroup(fd) > 0;
  } catch {
    return false;
  }
}

/**
 * A posix_spawn'ed child is not a libuv handle, so nothing would keep Node running while it
 * lives. A MessagePort is a ref'd handle that never wakes the loop (no timer, no polling).
 */
function keepAlive(): () => void {
  const { MessageChannel } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  port1.on('message', () => {});
  return () => {
    port1.close();
    port2.close();
  };
}

export function spawnOnTerminal(ep: Entrypoint, command: Command, path: string, groupSignals: boolean): MainProcess {
  prepareStdioForChild();
  let pid: number;
  try {
    pid = spawn({ path, argv: command.argv, env: envArray(command.env), newProcessGroup: true, foreground: 0 });
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    const code = err.errno === ERRNO.ENOENT || err.errno === ERRNO.ENOTDIR ? 127 : 126;
    throw new EntrypointError(`${command.file}: cannot execute: ${err.message.replace(/^posix_spawn: /, '')}`, code);
  }
  const release = keepAlive();
  const exited = ep.processes.track(pid).then((status) => {
    release();
    try {
      setForegroundGroup(0, processGroup());
    } catch (err) {
      ep.log.debug(`could not take the terminal back: ${(err as Error).message}`);
    }
    return status;
  });
  return { pid, signalTarget: groupSignals ? -pid : pid, exited };
}
