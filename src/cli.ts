/**
 * The `entrypoint` command: reads the options from their sources, applies the plugins and runs
 * the lifecycle. This is the composition root: the only file of src/ that knows which plugins
 * are built in (through the one list that plugins/ exports).
 */
import { builtinPlugins } from '../plugins';
import { Entrypoint } from './context';
import { EntrypointError, UsageError } from './errors';
import { Logger } from './log';
import { loadPlugin } from './loadPlugins';
import type { OptionSpec, Plugin } from './plugin';
import { run } from './runner';
import { CORE_OPTIONS } from './cli/coreOptions';
import { compatParser, personalityOf, type CompatArgs } from './cli/compat';
import { helpText } from './cli/help';
import { parseArgs } from './cli/parse';
import { DEFAULT_CONFIG_FILE, fromConfigFile, fromEnvironment, readConfigFile, resolveOptions } from './cli/sources';
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
    const builtins = builtinPlugins();
    let specs: OptionSpec[] = [...CORE_OPTIONS, ...builtins.flatMap((p) => p.options ?? [])];
    const personality = personalityOf(invokedAs, argv, process.env);
    // A personality reads its tool's command line first: its -h or bad usage ends here.
    const compat = personality ? compatParser(personality, VERSION)(argv, process.env) : undefined;
    if (compat?.exit) {
      process.stdout.write(compat.exit.stdout ?? '');
      process.stderr.write(compat.exit.stderr ?? '');
      return compat.exit.code;
    }

    // First look: which config file and which third-party plugins (their options are unknown yet).
    const early = personality ? undefined : parseArgs(argv, specs, true);
    const earlyEnv = fromEnvironment(CORE_OPTIONS, process.env);
    const configPath = (early?.values.get('config') ?? earlyEnv.get('config')) as string | undefined;
    const configFile = readConfigFile(configPath ?? DEFAULT_CONFIG_FILE, configPath !== undefined);
    const fileValues = fromConfigFile(configFile, specs, true);
    const pluginSpecs = (early?.values.get('plugin') ?? earlyEnv.get('plugin') ?? fileValues.get('plugin') ?? []) as string[];
    let loaded = pluginSpecs;
    let extra: Plugin[] = pluginSpecs.map(loadPlugin);
    specs = specs.concat(extra.flatMap((p) => p.options ?? []));
    // The first look may have stopped at a plugin's own `--option VALUE` (unknown then): now that
    // its options are known, look again for a --plugin after it.
    while (early?.values.has('plugin')) {
      const found = (parseArgs(argv, specs, true).values.get('plugin') ?? []) as string[];
      if (found.length <= extra.length) break;
      loaded = found;
      const more = found.slice(extra.length).map(loadPlugin);
      extra = extra.concat(more);
      specs = specs.concat(more.flatMap((p) => p.options ?? []));
    }

    const cli: CompatArgs = compat ?? parseArgs(argv, specs);
    if (cli.values.has('compat')) throw new UsageError('--compat must be the first argument');
    const asked = cli.values.get('plugin') as string[] | undefined;
    if (asked && asked.join('\n') !== loaded.join('\n')) {
      const late = asked.find((p) => !loaded.includes(p)) ?? asked[asked.length - 1];
      throw new UsageError(`--plugin ${late} was not seen before the options around it were known: put --plugin options first`);
    }
    if (cli.values.get('help')) {
      process.stdout.write(helpText(specs, VERSION));
      return 0;
    }
    if (cli.values.get('version')) {
      process.stdout.write(`entrypoint ${VERSION}\n`);
      return 0;
    }
    const options = resolveOptions(specs, cli.values, fromEnvironment(specs, process.env), fromConfigFile(configFile, specs));
    log.configure(options.verbose ? 'debug' : options.quiet ? 'error' : 'warn', options['log-format'] as 'text' | 'json');
    if (cli.command.length === 0) throw new UsageError('missing COMMAND');

    ep = new Entrypoint({ options, command: cli.command, log });
    ep.use([...builtins, ...extra]);
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
