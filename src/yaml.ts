/**
 * YAML files (the config file, the variables file): js-yaml, loaded only when such a file
 * exists, and its errors reduced to what a user needs on one line: where, and why.
 */

/** A syntax error: `at` is `:line:column` (or empty when js-yaml gives no position). */
export class YamlSyntaxError extends Error {
  constructor(readonly at: string, readonly reason: string) {
    super(`${at}: ${reason}`);
  }
}

/**
 * The documents of a YAML text. An empty or comments-only text has none (js-yaml's `load` would
 * call that an error; for our files it means "nothing set").
 */
function parseYamlDocuments(text: string, filename: string): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml: typeof import('js-yaml') = require('js-yaml');
  try {
    return yaml.loadAll(text, { filename });
  } catch (err) {
    const e = err as { mark?: { line: number; column: number }; reason?: string; message: string };
    throw new YamlSyntaxError(e.mark ? `:${e.mark.line + 1}:${e.mark.column + 1}` : '', e.reason ?? e.message.split('\n')[0]!);
  }
}

/** A file that parses but is not one mapping; the message follows the file's name. */
export class YamlShapeError extends Error {}

/**
 * The one mapping a YAML file holds (`{}` when it is empty). Throws YamlSyntaxError, or
 * YamlShapeError saying what it holds instead (`what` names what the mapping should map).
 */
export function parseYamlMapping(text: string, filename: string, what: string): Record<string, unknown> {
  const docs = parseYamlDocuments(text, filename);
  if (docs.length > 1) throw new YamlShapeError(`holds ${docs.length} YAML documents; expected one mapping`);
  const doc = docs[0];
  if (doc === null || doc === undefined) return {};
  if (typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
  throw new YamlShapeError(`must be a mapping of ${what}, not ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`);
}
