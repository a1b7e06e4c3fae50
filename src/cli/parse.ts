/**
 * Command-line parsing in the style of dumb-init and tini: options come first, parsing stops at
 * the first non-option (so `entrypoint sh -c 'x'` works), `--` ends options, short flags bundle
 * (`-vq`), and values attach or follow (`-rterm:quit`, `-r term:quit`, `--grace=3`).
 */
import { UsageError } from '../errors';
import type { OptionSpec } from '../plugin';

export interface ParsedArgs {
  /** Raw values by option name: true for flags, string for values, string[] for lists. */
  values: Map<string, unknown>;
  command: string[];
}

/**
 * `tolerant` skips options it does not know (as flags) instead of failing: used for a first
 * look at the command line, to find `--plugin` before the plugins' own options are known.
 */
export function parseArgs(argv: string[], specs: OptionSpec[], tolerant = false): ParsedArgs {
  const long = new Map<string, OptionSpec>();
  const short = new Map<string, OptionSpec>();
  for (const spec of specs) {
    long.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) long.set(alias, spec);
    if (spec.short) short.set(spec.short, spec);
  }
  const values = new Map<string, unknown>();
  const set = (spec: OptionSpec, raw: string | true, shown: string) => {
    if (spec.kind === 'flag') {
      values.set(spec.name, true);
      return;
    }
    const value = convert(spec, raw as string, `option ${shown}`);
    if (spec.kind === 'list') values.set(spec.name, [...((values.get(spec.name) as unknown[]) ?? []), value]);
    else values.set(spec.name, value);
  };

  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = long.get(name);
      if (!spec) {
        if (tolerant) continue;
        throw new UsageError(`unknown option '--${name}'`);
      }
      if (spec.kind === 'flag') {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
        set(spec, true, `--${name}`);
      } else if (eq >= 0) {
        set(spec, arg.slice(eq + 1), `--${name}`);
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' needs a value${spec.arg ? ` (${spec.arg})` : ''}`);
        set(spec, argv[++i]!, `--${name}`);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const spec = short.get(arg[j]!);
        if (!spec) {
          if (tolerant) continue;
          throw new UsageError(`unknown option '-${arg[j]}'`);
        }
        if (spec.kind === 'flag') {
          set(spec, true, `-${arg[j]}`);
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest) set(spec, rest, `-${arg[j]}`);
        else if (i + 1 < argv.length) set(spec, argv[++i]!, `-${arg[j]}`);
        else throw new UsageError(`option '-${arg[j]}' needs a value${spec.arg ? ` (${spec.arg})` : ''}`);
        break;
      }
      continue;
    }
    break;
  }
  return { values, command: argv.slice(i) };
}

/** Runs the option's own parser; its reason becomes a usage error naming where the value came from. */
export function convert(spec: OptionSpec, raw: string, where: string): unknown {
  if (!spec.parse) return raw;
  try {
    return spec.parse(raw);
  } catch (err) {
    throw new UsageError(`${where}: ${(err as Error).message}`);
  }
}
