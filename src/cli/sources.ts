/**
 * Where option values come from besides the command line: `ENTRYPOINT_<OPTION>` environment
 * variables (for Kubernetes manifests) and a YAML config file. Precedence, highest first:
 * command line, environment, config file, the option's default.
 */
import { UsageError } from '../errors';
import { fsReason, readTrustedFile } from '../trustedFile';
import { parseYamlMapping, YamlShapeError, YamlSyntaxError } from '../yaml';
import type { OptionSpec } from '../plugin';
import { convert } from './parse';

export const DEFAULT_CONFIG_FILE = '/etc/entrypoint/config.yml';

/** `no-setsid` → `ENTRYPOINT_NO_SETSID`. */
export function envName(spec: OptionSpec): string {
  return `ENTRYPOINT_${spec.name.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

function parseBoolean(raw: string, where: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError(`${where}: expected a boolean (1/0, true/false, yes/no), got '${raw}'`);
}

/** Option values set through `ENTRYPOINT_*` variables. Lists are comma-separated. */
export function fromEnvironment(specs: OptionSpec[], env: NodeJS.ProcessEnv): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const spec of specs) {
    const name = envName(spec);
    const raw = env[name];
    if (raw === undefined) continue;
    const where = `environment variable ${name}`;
    if (spec.kind === 'flag') values.set(spec.name, parseBoolean(raw, where));
    else if (spec.kind === 'list') {
      values.set(spec.name, splitList(raw).map((s) => s.trim()).filter(Boolean).map((s) => convert(spec, s, where)));
    } else values.set(spec.name, convert(spec, raw, where));
  }
  return values;
}

/**
 * Splits a list variable at its commas, except commas inside JSON brackets or strings, so that
 * `ENTRYPOINT_PLUGIN=a,b={"x":1,"y":2}` is two plugins.
 */
function splitList(raw: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  items.push(raw.slice(start));
  return items;
}

/** A parsed config file: its path and its mapping (empty when the default file is absent). */
export interface ConfigFile {
  path: string;
  doc: Record<string, unknown>;
}

/**
 * Reads the YAML config file: a mapping of option names (as on the command line, without
 * dashes) to values. `explicit` is false for the default path, which may be absent. It can name
 * plugins (code PID 1 runs), so it is read only if nobody else could have written it.
 */
export function readConfigFile(path: string, explicit: boolean): ConfigFile {
  let text: string;
  try {
    text = readTrustedFile(path, { ownedByRoot: true, maxBytes: 1 << 20 }).toString('utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return { path, doc: {} };
    throw new UsageError(`config file ${path}: ${fsReason(err)}`);
  }
  try {
    return { path, doc: parseYamlMapping(text, path, 'option names to values') };
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new UsageError(`config file ${path}${err.at}: ${err.reason}`);
    if (err instanceof YamlShapeError) throw new UsageError(`config file ${path}: ${err.message}`);
    throw err;
  }
}

/**
 * The option values a config file sets. An unknown key is an error naming the file and the key,
 * unless `tolerant` (the first look, before third-party plugins' options are known).
 */
export function fromConfigFile(file: ConfigFile, specs: OptionSpec[], tolerant = false): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [key, value] of Object.entries(file.doc)) {
    const spec = byName.get(key);
    const where = `config file ${file.path}: key '${key}'`;
    if (!spec || key === 'config' || key === 'help' || key === 'version' || key === 'compat') {
      if (tolerant) continue;
      throw new UsageError(`config file ${file.path}: unknown key '${key}'`);
    }
    if (spec.kind === 'flag') {
      if (typeof value !== 'boolean') throw new UsageError(`${where}: expected true or false`);
      values.set(key, value);
    } else if (spec.kind === 'list') {
      const items = Array.isArray(value) ? value : [value];
      values.set(key, items.map((item) => convert(spec, scalar(item, where), where)));
    } else values.set(key, convert(spec, scalar(value, where), where));
  }
  return values;
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UsageError(`${where}: expected a string or number`);
}

/** Merges the sources by precedence and fills in defaults: every declared option gets a value. */
export function resolveOptions(specs: OptionSpec[], ...sourcesByPrecedence: Map<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const source = sourcesByPrecedence.find((s) => s.has(spec.name));
    if (source) out[spec.name] = source.get(spec.name);
    else if (spec.default !== undefined) out[spec.name] = spec.default;
    else out[spec.name] = spec.kind === 'flag' ? false : spec.kind === 'list' ? [] : undefined;
  }
  return out;
}
