/**
 * The command-line scanning of glibc's getopt(3) and getopt_long(3), which tini and dumb-init
 * use: their users' scripts rely on its exact rules and its exact error messages.
 *   - short options bundle (`-vc`), a value attaches or follows (`-r15:3`, `-r 15:3`), even a
 *     value that starts with a dash;
 *   - long options (getopt_long only) may be abbreviated to any unique prefix, with `=value` or
 *     the next word as the value;
 *   - `--` ends the options; a lone `-` is an operand;
 *   - `permute` (glibc's default, tini): options after operands still count, and the operands
 *     keep their order; otherwise (dumb-init's `+`, or POSIXLY_CORRECT) the first operand ends
 *     the options.
 * The result lists the options in command-line order, so each tool can act on them in turn
 * (tini's `-h` before a bad flag prints help; after it, the error).
 */

export interface ShortOption {
  /** The option takes a value. */
  value: boolean;
}

export interface LongOption {
  name: string;
  value: boolean;
  /** The short option it stands for. */
  short: string;
}

export interface GetoptSpec {
  /** The program name in error messages (glibc prints argv[0]). */
  prog: string;
  short: Record<string, ShortOption>;
  long?: LongOption[];
  permute: boolean;
}

export type GetoptItem = { option: string; value?: string } | { error: string };

export interface GetoptResult {
  /** Options in order; scanning stops at the first error, which is the last item. */
  items: GetoptItem[];
  /** The command and its arguments. */
  operands: string[];
}

export function getopt(argv: string[], spec: GetoptSpec): GetoptResult {
  const items: GetoptItem[] = [];
  const operands: string[] = [];
  const fail = (message: string): GetoptResult => {
    items.push({ error: `${spec.prog}: ${message}` });
    return { items, operands };
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (!spec.permute) {
        operands.push(...argv.slice(i));
        break;
      }
      operands.push(arg);
      continue;
    }
    if (arg.startsWith('--') && spec.long) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const exact = spec.long.find((o) => o.name === name);
      const matches = exact ? [exact] : spec.long.filter((o) => o.name.startsWith(name));
      if (matches.length === 0) return fail(`unrecognized option '${arg}'`);
      if (matches.length > 1) {
        return fail(`option '--${name}' is ambiguous; possibilities:${matches.map((o) => ` '--${o.name}'`).join('')}`);
      }
      const option = matches[0]!;
      if (!option.value) {
        if (eq >= 0) return fail(`option '--${option.name}' doesn't allow an argument`);
        items.push({ option: option.short });
      } else if (eq >= 0) {
        items.push({ option: option.short, value: arg.slice(eq + 1) });
      } else if (i + 1 < argv.length) {
        items.push({ option: option.short, value: argv[++i]! });
      } else {
        return fail(`option '--${option.name}' requires an argument`);
      }
      continue;
    }
    // A cluster of short options. Without long options, `--x` is a cluster too, whose first
    // letter `-` is invalid: that is how plain getopt answers `tini --help`.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const option = letter === ':' ? undefined : spec.short[letter];
      if (!option) return fail(`invalid option -- '${letter}'`);
      if (!option.value) {
        items.push({ option: letter });
        continue;
      }
      const rest = arg.slice(j + 1);
      if (rest) items.push({ option: letter, value: rest });
      else if (i + 1 < argv.length) items.push({ option: letter, value: argv[++i]! });
      else return fail(`option requires an argument -- '${letter}'`);
      break;
    }
  }
  return { items, operands };
}
