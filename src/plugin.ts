/**
 * What a plugin is. Built-in features and third-party `pid1-plugin-<name>` packages are written
 * the same way:
 *
 *   export default definePlugin({
 *     name: 'hello',
 *     apply(entrypoint) {
 *       entrypoint.hooks.render.tapPromise('hello', async (vars) => { ... });
 *     },
 *   });
 *
 * A package may instead export a factory `(options) => Plugin`; it receives the JSON given as
 * `--plugin NAME=JSON` (or `{}`).
 */
import type { Entrypoint } from './context';

/** An option a plugin adds to the command line, the environment and the config file. */
export interface OptionSpec {
  /**
   * kebab-case name: `grace` is `--grace`, `ENTRYPOINT_GRACE` and `grace:` in the config file.
   * Read it back with `entrypoint.option('grace')`.
   */
  name: string;
  /** One-letter form, e.g. `r` for `-r`. */
  short?: string;
  /** Other long names accepted on the command line (e.g. `single-child` for `no-setsid`). */
  aliases?: string[];
  /** `flag`: a switch; `value`: takes one argument; `list`: takes one argument, repeatable. */
  kind: 'flag' | 'value' | 'list';
  /** The argument's name in --help, e.g. `SRC:DST`. */
  arg?: string;
  /** One line for --help. */
  description: string;
  /** The value when no source sets it. Lists default to []. Flags to false. */
  default?: unknown;
  /**
   * Converts one raw string (for lists: one element) and validates it. Throw an Error with a
   * short reason; the parser adds where the value came from and exits 2.
   */
  parse?: (raw: string) => unknown;
  /** Leave out of --help (compatibility switches). */
  hidden?: boolean;
}

export interface Plugin {
  /** Unique name; also the tap name used for this plugin's taps. */
  name: string;
  /** Options this plugin adds. */
  options?: OptionSpec[];
  /** Taps the hooks. Called once, before any stage runs; throwing stops the entrypoint (exit 2). */
  apply(entrypoint: Entrypoint): void;
}

/** A factory export: called with the `--plugin NAME=JSON` options (or `{}`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PluginFactory<O = any> = (options: O) => Plugin;

/** Identity function that gives a plugin (or a plugin factory) its types. */
export function definePlugin<T extends Plugin | PluginFactory>(plugin: T): T {
  return plugin;
}
