/**
 * `--env-file PATH` (repeatable): KEY=VALUE files loaded into the child's environment and the
 * variables, before anything else configures itself.
 *
 * - Files are read in order; a later file wins over an earlier one.
 * - The real environment wins over every file (a `docker run -e` beats the image's .env),
 *   unless `--env-override`.
 * - The grammar is dotenv's (`export`, quotes, `#` comments, multi-line double-quoted values),
 *   plus `${NAME}` expansion against earlier keys and the environment (see expand.ts).
 * - The file is refused (exit 1, before anything starts) when it is missing, a directory, not a
 *   regular file, world-writable, or, when the entrypoint runs as root, group-writable or owned
 *   by a user other than root: its values reach a process started by root.
 * - Every value loaded from a file is registered with the logger as a secret: .env files are
 *   where secrets live, and a key-name heuristic would miss some. The logger ignores values
 *   shorter than 4 characters, so short flags stay readable.
 */
import type { Entrypoint } from '../../src/context';
import { EntrypointError } from '../../src/errors';
import type { Variables } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { expand, singleQuotedKeys } from './expand';
import { fsReason, readTrustedFile } from '../../src/trustedFile';

export const PLUGIN_NAME = 'env-files';
/** Before `*_FILE` secrets (-20), so a .env may name secret files; before the YAML (-10). */
export const STAGE = -30;
/** A .env bigger than this is not a .env. */
const MAX_BYTES = 1 << 20;

/** Reads and parses one file; errors name it. */
function readEnvFile(path: string): { values: Record<string, string>; literal: Set<string> } {
  let text: string;
  try {
    text = readTrustedFile(path, { ownedByRoot: true, maxBytes: MAX_BYTES }).toString('utf8');
  } catch (err) {
    throw new EntrypointError(`env file ${path}: ${fsReason(err)}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dotenv: typeof import('dotenv') = require('dotenv');
  return { values: dotenv.parse(text), literal: singleQuotedKeys(text) };
}

/** Applies the files to `env` (changed in place); returns the keys and values it set. */
export function loadEnvFiles(ep: Entrypoint, paths: string[], override: boolean): Record<string, string> {
  const env = ep.env;
  const fromEnvironment = new Set(Object.keys(env));
  const loaded: Record<string, string> = {};
  for (const path of paths) {
    const { values, literal } = readEnvFile(path);
    let applied = 0;
    for (const [key, raw] of Object.entries(values)) {
      if (fromEnvironment.has(key) && !override) {
        ep.log.debug(`env file ${path}: ${key} is already set in the environment; keeping it (--env-override to change that)`);
        continue;
      }
      const value = literal.has(key)
        ? raw
        : expand(raw, (name) => env[name], (name) => ep.log.warn(`env file ${path}: ${key} refers to \${${name}}, which is not set; using ''`));
      if (value.includes('\0')) throw new EntrypointError(`env file ${path}: ${key} contains a NUL byte`);
      env[key] = value;
      loaded[key] = value;
      ep.log.redact(value);
      applied++;
    }
    ep.log.debug(`env file ${path}: ${applied} of ${Object.keys(values).length} keys applied`);
  }
  return loaded;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'env-file', kind: 'list', arg: 'PATH', description: 'load KEY=VALUE lines into the environment (repeatable; later files win)' },
    { name: 'env-override', kind: 'flag', description: 'let --env-file values replace variables already set in the environment' },
  ],
  apply(ep) {
    const paths = ep.option<string[]>('env-file');
    if (paths.length === 0) return;
    ep.hooks.preconfig.tap({ name: PLUGIN_NAME, stage: STAGE }, (vars: Variables) => {
      return { ...vars, ...loadEnvFiles(ep, paths, ep.option<boolean>('env-override')) };
    });
  },
});
