/**
 * Starts the main child.
 *   - default (setsid mode): no terminal → a new session led by the child; a terminal on stdin
 *     → a process group of its own, made the terminal's foreground group (Ctrl-C reaches the
 *     child only, `bash -i` has job control). Signals go to the whole group.
 *   - --no-setsid: signals go to the child's pid only; it stays in our process group unless it
 *     must own the terminal.
 * Without a terminal, Node's child_process does all of it and is the cheapest start (the FFI is
 * not even loaded); with one, posix_spawn through the FFI (see terminal.ts).
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { EntrypointError } from '../../src/errors';
import { resolveCommand } from '../../src/resolveCommand';
import { parseExitCode } from '../exit-status';
import { spawnPlain } from './plain';
import { controllingTerminal, spawnOnTerminal } from './terminal';

export const PLUGIN_NAME = 'spawner';

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    {
      name: 'no-setsid', short: 'c', aliases: ['single-child'], kind: 'flag',
      description: 'signal the child process only, not its whole process group',
    },
    {
      name: 'exec-failure-code', kind: 'value', arg: 'CODE', hidden: true, parse: parseExitCode,
      description: 'exit code when the command cannot be executed, instead of 127/126 (dumb-init exits 2)',
    },
  ],
  apply(ep: Entrypoint) {
    const groupSignals = !ep.option<boolean>('no-setsid');
    const execFailureCode = ep.option<number | undefined>('exec-failure-code');
    ep.hooks.launch.tapPromise(PLUGIN_NAME, async (command) => {
      try {
        const path = resolveCommand(command.file, command.env);
        if (controllingTerminal(0)) return await spawnOnTerminal(ep, command, path, groupSignals);
        return await spawnPlain(ep, command, path, groupSignals);
      } catch (err) {
        // A command that cannot be started is an EntrypointError carrying the shell's 127/126.
        if (execFailureCode === undefined || !(err instanceof EntrypointError)) throw err;
        throw new EntrypointError(err.message, execFailureCode);
      }
    });
  },
});
