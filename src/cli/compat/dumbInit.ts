/**
 * The command line of dumb-init 1.2.5, mapped onto our options.
 *
 *   -c, --single-child, DUMB_INIT_SETSID=0   `no-setsid`
 *   -r, --rewrite s:r                        `rewrite`, numbers only: s 1-31, r 0-31 (0 drops)
 *   -v, --verbose, DUMB_INIT_DEBUG=1         `verbose`
 *   -h, --help / -V, --version               on stderr, exit 0, as dumb-init does
 *
 * Options are scanned like glibc getopt_long with `+`: the first operand ends them, so
 * `dumb-init sh -c x` works, and long options may be abbreviated (`--single`). Bad usage
 * prints dumb-init's message on stderr and exits 1. The variables count only when set to
 * exactly `1` / `0`, and are read after the command line.
 */
import type { CompatArgs } from '../compat';
import { getopt } from './getopt';

const MAXSIG = 31;

/** A `rewrite` option value: [received, delivered]; 0 delivered drops the signal. */
type Rewrite = [from: number, to: number];

function help(version: string): string {
  return `${version}
Usage: dumb-init [option] command [[arg] ...]

dumb-init is a simple process supervisor that forwards signals to children.
It is designed to run as PID1 in minimal container environments.

Optional arguments:
   -c, --single-child   Run in single-child mode.
                        In this mode, signals are only proxied to the
                        direct child and not any of its descendants.
   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.
                        To ignore (not proxy) a signal, rewrite it to 0.
                        This option can be specified multiple times.
   -v, --verbose        Print debugging information to stderr.
   -h, --help           Print this help message and exit.
   -V, --version        Print the current version and exit.

Full help is available online at https://github.com/Yelp/dumb-init
`;
}

const REWRITE_USAGE = `Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and ${MAXSIG}.
This option can be specified multiple times.
Use --help for full usage.
`;

/**
 * sscanf(arg, "%d:%d") then the range checks: leading blanks and a sign are allowed, text
 * after the second number is ignored (`15:3x` is 15:3), as in dumb-init.
 */
function parseRewriteNumbers(raw: string): Rewrite | undefined {
  const m = /^\s*([+-]?\d+):\s*([+-]?\d+)/.exec(raw);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from < 1 || from > MAXSIG || to < 0 || to > MAXSIG) return undefined;
  return [from, to];
}

export function parseDumbInit(argv: string[], env: NodeJS.ProcessEnv, pid1Version: string): CompatArgs {
  const version = `dumb-init v1.2.5 (pid1 ${pid1Version})`;
  const values = new Map<string, unknown>();
  const stop = (code: number, stderr: string): CompatArgs => ({ values, command: [], exit: { code, stderr } });

  const { items, operands } = getopt(argv, {
    prog: 'dumb-init',
    short: { h: { value: false }, v: { value: false }, V: { value: false }, c: { value: false }, r: { value: true } },
    long: [
      { name: 'help', value: false, short: 'h' },
      { name: 'single-child', value: false, short: 'c' },
      { name: 'rewrite', value: true, short: 'r' },
      { name: 'verbose', value: false, short: 'v' },
      { name: 'version', value: false, short: 'V' },
    ],
    permute: false,
  });
  const rewrites: Rewrite[] = [];
  for (const item of items) {
    if ('error' in item) return stop(1, `${item.error}\n`);
    switch (item.option) {
      case 'h':
        return stop(0, help(version));
      case 'V':
        return stop(0, `${version}\n`);
      case 'v':
        values.set('verbose', true);
        break;
      case 'c':
        values.set('no-setsid', true);
        break;
      case 'r': {
        const rewrite = parseRewriteNumbers(item.value!);
        if (!rewrite) return stop(1, REWRITE_USAGE);
        rewrites.push(rewrite);
        break;
      }
    }
  }
  if (operands.length === 0) return stop(1, 'Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n');

  if (env.DUMB_INIT_DEBUG === '1') values.set('verbose', true);
  if (env.DUMB_INIT_SETSID === '0') values.set('no-setsid', true);
  if (rewrites.length) values.set('rewrite', rewrites);
  // dumb-init's child exits 2 when execvp fails, whatever the reason.
  values.set('exec-failure-code', 2);
  return { values, command: operands };
}
