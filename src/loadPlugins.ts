/**
 * Third-party plugins: `--plugin NAME[=JSON]`. NAME is resolved like eslint and babel plugins,
 * from the image's node_modules (the working directory's, then the global one):
 *   ./x or /x        a path
 *   foo              foo, then pid1-plugin-foo
 *   @scope/foo       @scope/foo, then @scope/pid1-plugin-foo
 *   @scope           @scope/pid1-plugin
 * Any failure (not found, bad JSON, throws on load, not a plugin) is a usage error naming it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from './errors';
import { checkTrusted, fsReason, modeString } from './trustedFile';
import type { Plugin, PluginFactory } from './plugin';

export function candidateNames(name: string): string[] {
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/', 2);
    if (!rest) return [`${scope}/pid1-plugin`];
    return rest.startsWith('pid1-plugin') ? [name] : [name, `${scope}/pid1-plugin-${rest}`];
  }
  return name.startsWith('pid1-plugin-') ? [name] : [name, `pid1-plugin-${name}`];
}

/** Directories whose node_modules may hold plugins: local first, then global. */
function searchPaths(): string[] {
  const paths = [process.cwd()];
  // Global modules live in <prefix>/lib/node_modules, <prefix> being two levels above node.
  const prefix = process.env.npm_config_prefix ?? resolve(dirname(process.execPath), '..');
  paths.push(join(prefix, 'lib'));
  for (const p of (process.env.NODE_PATH ?? '').split(':')) if (p) paths.push(p);
  return paths;
}

function resolvePlugin(name: string): string {
  if (name.startsWith('.') || isAbsolute(name)) {
    const file = resolve(name);
    try {
      return require.resolve(file);
    } catch {
      throw new UsageError(`plugin '${name}': no such file (${file})`);
    }
  }
  const paths = searchPaths();
  for (const candidate of candidateNames(name)) {
    try {
      return require.resolve(candidate, { paths });
    } catch {
      // try the next name
    }
  }
  const tried = candidateNames(name).join(', ');
  const where = paths.filter(existsSync).join(', ');
  throw new UsageError(`plugin '${name}': not found (looked for ${tried} from ${where})`);
}

/** Splits `NAME=JSON` and parses the JSON. */
export function parsePluginSpec(spec: string): { name: string; options: Record<string, unknown> } {
  const eq = spec.indexOf('=');
  if (eq < 0) return { name: spec, options: {} };
  const name = spec.slice(0, eq);
  try {
    const options = JSON.parse(spec.slice(eq + 1));
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error('options must be a JSON object');
    return { name, options };
  } catch (err) {
    throw new UsageError(`plugin '${name}': bad options JSON: ${(err as Error).message}`);
  }
}

/**
 * The entrypoint usually runs as root and a plugin is code it runs: the same rules as for hook
 * files (not writable by others; as root, root's and not group-writable), and not in a
 * world-writable directory without the sticky bit, where anybody may replace it.
 */
function checkPluginFile(name: string, file: string): void {
  try {
    checkTrusted(statSync(file), { ownedByRoot: true, maxBytes: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    throw new UsageError(`plugin '${name}': ${file} ${fsReason(err)}`);
  }
  const dir = statSync(dirname(file)).mode;
  if (dir & 0o002 && !(dir & 0o1000)) {
    throw new UsageError(`plugin '${name}': ${dirname(file)} is world-writable (mode ${modeString(dir)}); run chmod o-w on it`);
  }
}

export function loadPlugin(spec: string): Plugin {
  const { name, options } = parsePluginSpec(spec);
  const file = resolvePlugin(name);
  checkPluginFile(name, file);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file);
    exported = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
    if (typeof exported === 'function') exported = (exported as PluginFactory)(options);
  } catch (err) {
    throw new UsageError(`plugin '${name}' failed to load: ${(err as Error).message}`);
  }
  const plugin = exported as Plugin;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.apply !== 'function' || typeof plugin.name !== 'string') {
    throw new UsageError(`plugin '${name}' (${file}) does not export a plugin: expected { name, apply(entrypoint) } or a factory returning one`);
  }
  return plugin;
}
