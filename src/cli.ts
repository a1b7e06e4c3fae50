/**
 * The `entrypoint` command: reads the command line (src/cli/), applies the plugins, runs the
 * lifecycle (src/runner.ts), and makes sure that no failure leaves a child behind. This is the
 * composition root: the only file of src/ that knows which plugins are built in (through the
 * one list that plugins/ exports).
 */
import { builtinPlugins } from '../plugins';
import { Entrypoint } from './context';
import { EntrypointError, UsageError } from './errors';
import { Logger } from './log';
import { run } from './runner';
import { readCommandLine } from './cli/commandLine';
import { killEverything } from './teardown';

declare const PID1_VERSION: string;
export const VERSION = typeof PID1_VERSION === 'string' ? PID1_VERSION : '0.0.0-dev';

/** The name the wrapper in src/bin was invoked as (a `tini` or `dumb-init` symlink selects a personality). */
const INVOKED_AS = 'ENTRYPOINT_INVOKED_AS';

async function main(argv: string[]): Promise<number> {
  const invokedAs = process.env[INVOKED_AS] ?? 'entrypoint';
  delete process.env[INVOKED_AS];
  const log = new Logger();
  let ep: Entrypoint | undefined;

  const onCrash = (err: unknown) => {
    log.error(`internal error: ${(err as Error)?.stack ?? err}`);
    // Never leave the child behind: kill its group and every other child before going.
    killEverything(ep?.main?.signalTarget);
    process.exit(1);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  try {
    const line = readCommandLine(argv, process.env, builtinPlugins(), invokedAs, VERSION);
    if ('exit' in line) {
      process.stdout.write(line.stdout ?? '');
      process.stderr.write(line.stderr ?? '');
      return line.exit;
    }
    const { options, command, plugins } = line;
    log.configure(options.verbose ? 'debug' : options.quiet ? 'error' : 'warn', options['log-format'] as 'text' | 'json');
    ep = new Entrypoint({ options, command, log });
    ep.use(plugins);
    return await run(ep);
  } catch (err) {
    if (!(err instanceof EntrypointError)) throw err;
    const hint = err instanceof UsageError ? ` (see '${invokedAs} --help')` : '';
    log.error(`${err.message}${hint}`);
    if (ep?.main) killEverything(ep.main.signalTarget);
    return err.exitCode;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`[entrypoint] internal error: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
