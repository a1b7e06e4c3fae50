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
export function parseYamlDocuments(text: string, filename: string): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml: typeof import('js-yaml') = require('js-yaml');
  try {
    return yaml.loadAll(text, { filename });
  } catch (err) {
    const e = err as { mark?: { line: number; column: number }; reason?: string; message: string };
    throw new YamlSyntaxError(e.mark ? `:${e.mark.line + 1}:${e.mark.column + 1}` : '', e.reason ?? e.message.split('\n')[0]!);
  }
}

/** How a document that should be a mapping was something else, for an error line. */
export function notAMapping(doc: unknown): string | undefined {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) return undefined;
  return Array.isArray(doc) ? 'a list' : `a ${doc === null ? 'null' : typeof doc}`;
}
