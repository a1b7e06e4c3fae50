/**
 * `-V/--variables PATH`: a YAML mapping of template and hook variables (default
 * /variables.yml, which may be absent). The environment wins, key by key: a variable set in
 * the environment replaces the YAML value as a whole, nested mappings included (flat and
 * shallow, as in the Python entrypoint this follows). YAML values are context for templates
 * and hooks only; they are not put into the child's environment.
 */
import { statSync, readFileSync } from 'node:fs';
import { EntrypointError } from '../../src/errors';
import type { Variables } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { fsReason } from '../../src/trustedFile';
import { parseYamlMapping, YamlShapeError, YamlSyntaxError } from '../../src/yaml';

export const PLUGIN_NAME = 'variables';
export const DEFAULT_VARIABLES_FILE = '/variables.yml';
/** After .env files (-30) and `*_FILE` secrets (-20), so that they count as environment. */
export const STAGE = -10;

/**
 * Reads the YAML file: `{}` when it is empty, or when it is absent and `optional`. Errors name
 * the file, and for syntax errors the line and column.
 */
export function readVariablesFile(path: string, optional: boolean): Variables {
  if (path === '') return {};
  let text: string;
  try {
    // Docker creates a directory when a bind-mounted file is missing on the host.
    if (statSync(path).isDirectory()) {
      throw new EntrypointError(`variables file ${path}: is a directory, not a file (was the file missing when it was bind-mounted?)`);
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof EntrypointError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && optional) return {};
    throw new EntrypointError(`variables file ${path}: ${fsReason(err)}`);
  }
  try {
    return parseYamlMapping(text, path, 'names to values');
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new EntrypointError(`${path}${err.at}: ${err.reason}`);
    if (err instanceof YamlShapeError) throw new EntrypointError(`variables file ${path}: ${err.message}`);
    throw err;
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    {
      name: 'variables', short: 'V', kind: 'value', arg: 'PATH', default: DEFAULT_VARIABLES_FILE,
      description: `YAML mapping of template and hook variables; the environment wins (default ${DEFAULT_VARIABLES_FILE}, may be absent; '' for none)`,
    },
  ],
  apply(ep) {
    ep.hooks.preconfig.tap({ name: PLUGIN_NAME, stage: STAGE }, (vars: Variables) => {
      const path = ep.option<string>('variables');
      // Only the default may be absent: a path someone typed is expected to exist.
      const fromFile = readVariablesFile(path, path === DEFAULT_VARIABLES_FILE);
      ep.log.debug(`variables file ${path}: ${Object.keys(fromFile).length} variables`);
      return { ...fromFile, ...vars };
    });
  },
});
