/**
 * Drop-in personalities: invoked as `dumb-init` or `tini` (a symlink), or with
 * `--compat dumb-init|tini` first, the entrypoint accepts that tool's flags and environment
 * variables and maps them onto its own options.
 */
import { basename } from 'node:path';
import type { ParsedArgs } from './parse';

export type Personality = 'dumb-init' | 'tini';

export interface CompatArgs extends ParsedArgs {
  /** Text for the tool's -h, printed on stdout. */
  help?: string;
  /** Text for the tool's version flag, printed on stdout. */
  version?: string;
}

/**
 * Which personality applies, if any: the invoked name, or a leading `--compat NAME`
 * (removed from argv in place).
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
  throw new (require('../errors').UsageError)(`--compat: expected dumb-init or tini, got '${chosen}'`);
}

export function compatParser(personality: Personality): (argv: string[], env: NodeJS.ProcessEnv) => CompatArgs {
  throw new Error(`the ${personality} personality is not built yet`);
}
