/**
 * Drop-in personalities: invoked as `dumb-init` or `tini` (a symlink to the entrypoint), or
 * with `--compat dumb-init|tini` first (or ENTRYPOINT_COMPAT), the entrypoint accepts that
 * tool's flags and environment variables, with its messages and exit codes, and maps them onto
 * its own options, so `ENTRYPOINT ["tini", "--"]` images switch without edits. The entrypoint's
 * own ENTRYPOINT_* variables and config file still apply, below the tool's flags.
 *
 * What still differs from the C tools (on purpose, or because Node cannot do it):
 *   - when the main child exits, the rest of its process group and every adopted orphan get
 *     SIGTERM and `--grace` seconds before SIGKILL; tini sends nothing, dumb-init sends SIGTERM
 *     and exits at once;
 *   - a command that cannot be executed: our one-line message; the exit code is dumb-init's 2 in
 *     the dumb-init personality, 127 (not found) or 126 in the tini one (tini: 127, 126 or 1);
 *   - the entrypoint always becomes a child subreaper when it is not PID 1, so tini's "not
 *     running as PID 1" warning is never needed (-s and TINI_SUBREAPER are accepted);
 *   - tini -g: the child gets a session of its own (as with dumb-init), not only a process group;
 *   - SIGTSTP/SIGTTIN/SIGTTOU: after forwarding, the entrypoint stops itself (dumb-init's
 *     behaviour) also in the tini personality, where tini would keep running;
 *   - log lines are the entrypoint's (`[entrypoint] ...` on stderr), not tini's `[INFO tini]`
 *     on stdout or dumb-init's `[dumb-init]`; error messages name the program by its base name;
 *   - tini's levels map onto ours: -v (info) already logs every step (debug); -l prints pid1's
 *     MIT license, not tini's;
 *   - -V / --version print the emulated version followed by pid1's own.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors';
import type { ParsedArgs } from './parse';
import { parseDumbInit } from './compat/dumbInit';
import { parseTini } from './compat/tini';

export type Personality = 'dumb-init' | 'tini';

export interface CompatArgs extends ParsedArgs {
  /**
   * The tool stops here (help, version, license, bad usage): print `stdout` and `stderr` and
   * exit with `code`, before anything else is read or started.
   */
  exit?: { code: number; stdout?: string; stderr?: string };
}

/**
 * Which personality applies, if any: the invoked name, or a leading `--compat NAME`
 * (removed from argv in place), or ENTRYPOINT_COMPAT.
 */
export function personalityOf(invokedAs: string, argv: string[], env: NodeJS.ProcessEnv): Personality | undefined {
  const name = basename(invokedAs);
  if (name === 'dumb-init' || name === 'tini') return name;
  let chosen: string | undefined;
  if (argv[0] === '--compat' && argv.length > 1) chosen = argv.splice(0, 2)[1];
  else if (argv[0]?.startsWith('--compat=')) chosen = argv.splice(0, 1)[0]!.slice('--compat='.length);
  else chosen = env.ENTRYPOINT_COMPAT;
  if (chosen === undefined || chosen === '') return undefined;
  if (chosen === 'dumb-init' || chosen === 'tini') return chosen;
  throw new UsageError(`--compat: expected dumb-init or tini, got '${chosen}'`);
}

/** The command-line parser of a personality; `version` is pid1's, shown after the tool's. */
export function compatParser(personality: Personality, version: string): (argv: string[], env: NodeJS.ProcessEnv) => CompatArgs {
  const parse = personality === 'tini' ? parseTini : parseDumbInit;
  return (argv, env) => parse(argv, env, version);
}
