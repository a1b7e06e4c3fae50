/**
 * `${NAME}` expansion in .env values, the part of the dotenv grammar that `dotenv.parse` leaves
 * out. Only the braced form is expanded: a bare `$` is common in passwords and stays as it is.
 *
 *   ${NAME}            the value of NAME (earlier keys of the files, then the environment)
 *   ${NAME:-default}   default when NAME is unset or empty
 *   \${                a literal `${`
 *
 * Single-quoted values are literal, as in a shell: the caller does not expand them.
 */

const REFERENCE = /\\\$\{|\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::-([^}]*))?\}/g;

/**
 * Expands `value`; `lookup` returns undefined for unset names, which `unset` is told about
 * (the expansion is then empty, as in a shell).
 */
export function expand(value: string, lookup: (name: string) => string | undefined, unset: (name: string) => void): string {
  return value.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const found = lookup(name);
    if (fallback !== undefined) return found ? found : fallback;
    if (found === undefined) {
      unset(name);
      return '';
    }
    return found;
  });
}

/** Keys whose (last) assignment in a .env source is single-quoted, hence literal. */
export function singleQuotedKeys(source: string): Set<string> {
  const keys = new Set<string>();
  const assignment = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*(?:=|:[ \t])[ \t]*(['"`]?)/gm;
  for (const m of source.matchAll(assignment)) {
    if (m[2] === "'") keys.add(m[1]!);
    else keys.delete(m[1]!);
  }
  return keys;
}
