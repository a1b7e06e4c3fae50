/**
 * From argv and the environment to what to run: the option values (command line >
 * `ENTRYPOINT_*` variables > config file > defaults), the command, and the plugins, built-in and
 * third-party. Third-party plugins may declare options of their own, so they are found first,
 * in a tolerant look at the command line, and the real parse comes after.
 */
import { UsageError } from '../errors';
import { loadPlugin } from '../loadPlugins';
import type { OptionSpec, Plugin } from '../plugin';
import { compatParser, personalityOf, type CompatArgs } from './compat';
import { CORE_OPTIONS } from './coreOptions';
import { helpText } from './help';
import { parseArgs } from './parse';
import { DEFAULT_CONFIG_FILE, fromConfigFile, fromEnvironment, readConfigFile, resolveOptions } from './sources';

export type CommandLine =
  /** Nothing to run: print and exit (help, version, a personality's own answers). */
  | { exit: number; stdout?: string; stderr?: string }
  | { options: Record<string, unknown>; command: string[]; plugins: Plugin[] };

const optionsOf = (plugins: Plugin[]) => plugins.flatMap((p) => p.options ?? []);

export function readCommandLine(argv: string[], env: NodeJS.ProcessEnv, builtins: Plugin[], invokedAs: string, version: string): CommandLine {
  let specs: OptionSpec[] = [...CORE_OPTIONS, ...optionsOf(builtins)];
  const personality = personalityOf(invokedAs, argv, env);
  // A personality reads its tool's command line first: its -h or bad usage ends here.
  const compat = personality ? compatParser(personality, version)(argv, env) : undefined;
  if (compat?.exit) return { exit: compat.exit.code, stdout: compat.exit.stdout, stderr: compat.exit.stderr };

  const early = personality ? undefined : parseArgs(argv, specs, true);
  const earlyEnv = fromEnvironment(CORE_OPTIONS, env);
  const configPath = (early?.values.get('config') ?? earlyEnv.get('config')) as string | undefined;
  const configFile = readConfigFile(configPath ?? DEFAULT_CONFIG_FILE, configPath !== undefined);
  const named = (early?.values.get('plugin') ?? earlyEnv.get('plugin') ?? fromConfigFile(configFile, specs, true).get('plugin') ?? []) as string[];
  const found = thirdPartyPlugins(argv, specs, named, early !== undefined && early.values.has('plugin'));
  specs = specs.concat(optionsOf(found.plugins));

  const cli: CompatArgs = compat ?? parseArgs(argv, specs);
  if (cli.values.has('compat')) throw new UsageError('--compat must be the first argument');
  const asked = cli.values.get('plugin') as string[] | undefined;
  if (asked && asked.join('\n') !== found.specs.join('\n')) {
    const late = asked.find((p) => !found.specs.includes(p)) ?? asked[asked.length - 1];
    throw new UsageError(`--plugin ${late} was not seen before the options around it were known: put --plugin options first`);
  }
  if (cli.values.get('help')) return { exit: 0, stdout: helpText(specs, version) };
  if (cli.values.get('version')) return { exit: 0, stdout: `entrypoint ${version}\n` };
  const options = resolveOptions(specs, cli.values, fromEnvironment(specs, env), fromConfigFile(configFile, specs));
  if (cli.command.length === 0) throw new UsageError('missing COMMAND');
  return { options, command: cli.command, plugins: [...builtins, ...found.plugins] };
}

/**
 * Loads the plugins named so far. The tolerant first look stops at a plugin's own
 * `--option VALUE` (unknown then); once that plugin's options are known, look again for a
 * `--plugin` after it.
 */
function thirdPartyPlugins(argv: string[], specs: OptionSpec[], named: string[], onCommandLine: boolean): { plugins: Plugin[]; specs: string[] } {
  let names = named;
  let plugins = named.map(loadPlugin);
  let known = specs.concat(optionsOf(plugins));
  while (onCommandLine) {
    const again = (parseArgs(argv, known, true).values.get('plugin') ?? []) as string[];
    if (again.length <= plugins.length) break;
    const more = again.slice(plugins.length).map(loadPlugin);
    names = again;
    plugins = plugins.concat(more);
    known = known.concat(optionsOf(more));
  }
  return { plugins, specs: names };
}

