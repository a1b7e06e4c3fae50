/**
 * The command line of tini 0.19.0 (Debian's and Docker's `--init`), mapped onto our options.
 *
 *   -s, TINI_SUBREAPER           accepted: the reaper always becomes a child subreaper when the
 *                                entrypoint is not PID 1
 *   -g, TINI_KILL_PROCESS_GROUP  signal the child's process group; without it only the child
 *                                itself is signalled (our `no-setsid`, tini's default)
 *   -p SIGNAL                    `parent-death-signal` (names exactly as tini spells them)
 *   -e CODE                      `remap-exit`, repeatable
 *   -w                           `warn-on-reap`
 *   -v (repeatable), TINI_VERBOSITY=N   0 → `quiet`, 1 → default, 2 and up → `verbose`
 *   -h, -l, --version (only as the sole argument)
 *
 * Options are scanned like glibc getopt without `+`: they may follow the command, so
 * `tini sh -c x` is an error (`invalid option -- 'c'`) and `tini -- sh -c x` is the way; the
 * variables are read after the command line, and TINI_VERBOSITY overrides any -v. Bad usage
 * prints tini's message and usage on stderr and exits 1, as tini does.
 */
import type { CompatArgs } from '../compat';
import { getopt } from './getopt';

/** The names tini's -p accepts (its own table: exact, upper case, with SIG). */
const PDEATH_SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGSYS: 31,
};

function usage(version: string): string {
  return `tini (${version})
Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version

Execute a program under the supervision of a valid init process (tini)

Command line options:

  --version: Show version and exit.
  -h: Show this help message and exit.
  -s: Register as a process subreaper (requires Linux >= 3.4).
  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. "-p SIGKILL".
  -v: Generate more verbose output. Repeat up to 3 times.
  -w: Print a warning when processes are getting reaped.
  -g: Send signals to the child's process group.
  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.
  -l: Show license and exit.

Environment variables:

  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).
  TINI_VERBOSITY: Set the verbosity level (default: 1).
  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.

`;
}

const LICENSE = `pid1 (the tini personality of the entrypoint command) is released under the MIT License.

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

/** strtol(arg, &end, 10) with the whole string consumed, as tini's -e checks it. */
function exitCode(raw: string): number | undefined {
  if (raw === '') return 0;
  if (!/^\s*[+-]?\d+$/.test(raw)) return undefined;
  const n = Number(raw.trim());
  return n >= 0 && n <= 255 ? n : undefined;
}

/** atoi(), stored in an unsigned int: junk is 0, a negative number is huge. */
function verbosityLevel(raw: string): number {
  const m = /^\s*([+-]?\d+)/.exec(raw);
  const n = m ? Number(m[1]) : 0;
  return n < 0 ? Number.MAX_SAFE_INTEGER : n;
}

export function parseTini(argv: string[], env: NodeJS.ProcessEnv, pid1Version: string): CompatArgs {
  const version = `tini version 0.19.0 - pid1 ${pid1Version}`;
  const values = new Map<string, unknown>();
  const stop = (code: number, out: { stdout?: string; stderr?: string }): CompatArgs => ({ values, command: [], exit: { code, ...out } });
  const fatal = (message: string) => stop(1, { stderr: `[FATAL tini (${process.pid})] ${message}\n` });

  if (argv.length === 1 && argv[0] === '--version') return stop(0, { stdout: `${version}\n` });

  const { items, operands } = getopt(argv, {
    prog: 'tini',
    short: { p: { value: true }, h: { value: false }, v: { value: false }, w: { value: false }, g: { value: false }, l: { value: false }, e: { value: true }, s: { value: false } },
    permute: env.POSIXLY_CORRECT === undefined,
  });
  let verbosity = 1;
  let group = false;
  const remap: number[] = [];
  for (const item of items) {
    if ('error' in item) return stop(1, { stderr: `${item.error}\n${usage(version)}` });
    switch (item.option) {
      case 'h':
        return stop(0, { stdout: usage(version) });
      case 'l':
        return stop(0, { stdout: LICENSE });
      case 's':
        break;
      case 'p': {
        const signal = PDEATH_SIGNALS[item.value!];
        if (signal === undefined) return fatal(`Not a valid option for -p: ${item.value}`);
        values.set('parent-death-signal', signal);
        break;
      }
      case 'v':
        verbosity++;
        break;
      case 'w':
        values.set('warn-on-reap', true);
        break;
      case 'g':
        group = true;
        break;
      case 'e': {
        const code = exitCode(item.value!);
        if (code === undefined) return fatal(`Not a valid option for -e: ${item.value}`);
        remap.push(code);
        break;
      }
    }
  }
  if (operands.length === 0) return stop(1, { stderr: usage(version) });

  if (env.TINI_KILL_PROCESS_GROUP !== undefined) group = true;
  if (env.TINI_VERBOSITY !== undefined) verbosity = verbosityLevel(env.TINI_VERBOSITY);
  values.set('no-setsid', !group);
  if (remap.length) values.set('remap-exit', remap);
  if (verbosity === 0) values.set('quiet', true);
  if (verbosity >= 2) values.set('verbose', true);
  return { values, command: operands };
}
