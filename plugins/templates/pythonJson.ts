/**
 * JSON the way Python's `json.dumps` writes it, because templates ported from the Python seed
 * (and Jinja's `tojson`) expect its spacing: `{"a": [0, 1]}` on one line, `", "` and `": "`
 * separators, and with `indent` one item per line and no trailing space after commas.
 */
export interface DumpOptions {
  indent?: number | string;
  sortKeys?: boolean;
}

export function pythonJson(value: unknown, opts: DumpOptions = {}): string {
  const unit = typeof opts.indent === 'number' ? ' '.repeat(opts.indent) : opts.indent;
  const seen = new Set<unknown>();

  const dump = (v: unknown, depth: number): string => {
    if (v === undefined || v === null) return 'null';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
    if (typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object') return JSON.stringify(String(v));
    if (seen.has(v)) throw new Error('to_json: circular reference');
    seen.add(v);
    try {
      const json = (v as { toJSON?: () => unknown }).toJSON;
      if (typeof json === 'function') return dump(json.call(v), depth);
      const items: string[] = Array.isArray(v) || v instanceof Set
        ? [...(v as Iterable<unknown>)].map((x) => dump(x, depth + 1))
        : sortedEntries(v as Record<string, unknown>, opts.sortKeys).map(([k, x]) => `${JSON.stringify(k)}: ${dump(x, depth + 1)}`);
      const [open, close] = Array.isArray(v) || v instanceof Set ? ['[', ']'] : ['{', '}'];
      if (items.length === 0) return open + close;
      if (unit === undefined) return open + items.join(', ') + close;
      const pad = '\n' + unit.repeat(depth + 1);
      return open + pad + items.join(',' + pad) + '\n' + unit.repeat(depth) + close;
    } finally {
      seen.delete(v);
    }
  };
  return dump(value, 0);
}

function sortedEntries(obj: Record<string, unknown>, sort?: boolean): [string, unknown][] {
  const entries = obj instanceof Map ? [...obj.entries()].map(([k, v]) => [String(k), v] as [string, unknown]) : Object.entries(obj);
  return sort ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
}
