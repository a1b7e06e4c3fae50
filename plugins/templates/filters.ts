/**
 * Filters: the Python seed's extras (split, to_json, to_pretty_json, unique and set algebra),
 * the Jinja built-ins nunjucks lacks (tojson, items, map, min, max), and Jinja-correct versions
 * of the ones nunjucks gets silently wrong (selectattr/rejectattr ignoring their test, keyword
 * arguments such as `join(',', attribute='k')` being taken as a positional value).
 *
 * Python sets have no JS equivalent, so set operations return lists in first-seen order.
 */
import type { Environment } from 'nunjucks';
import { argument, attributeGetter, splitArguments } from './arguments';
import { pythonJson } from './pythonJson';

type Filter = (this: { env: Environment & { getTest(name: string): Function } }, ...args: any[]) => unknown;

/** Identity for de-duplication: structural for objects, typed for scalars. */
function identity(v: unknown): string {
  return v !== null && typeof v === 'object' ? 'o' + pythonJson(v, { sortKeys: true }) : `${typeof v}:${String(v)}`;
}

function toList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [...v];
  if (typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(v as Iterable<unknown>)];
  if (typeof v === 'object') return Object.keys(v as object);
  throw new Error(`${typeof v} is not iterable`);
}

function uniqueList(items: unknown[], key: (v: unknown) => string = identity): unknown[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Python's str.split: no separator splits on runs of whitespace and drops empty ends. */
function split(value: unknown, ...rest: unknown[]): string[] {
  const a = splitArguments(rest);
  const sep = argument<string | null>(a, 0, 'sep', null);
  const max = Number(argument(a, 1, 'maxsplit', -1));
  let s = String(value);
  const out: string[] = [];
  if (sep === null) {
    s = s.replace(/^\s+/, '');
    while (s !== '' && (max < 0 || out.length < max)) {
      const m = /\s+/.exec(s);
      if (!m) break;
      out.push(s.slice(0, m.index));
      s = s.slice(m.index + m[0].length);
    }
    if (s !== '') out.push(max < 0 || out.length >= max ? s.replace(/\s+$/, '') : s);
    return out;
  }
  if (sep === '') throw new Error('split: empty separator');
  while (max < 0 || out.length < max) {
    const i = s.indexOf(sep);
    if (i < 0) break;
    out.push(s.slice(0, i));
    s = s.slice(i + sep.length);
  }
  out.push(s);
  return out;
}

function jsonOptions(rest: unknown[], defaults: { indent?: number; sortKeys?: boolean }) {
  const a = splitArguments(rest);
  const indent = argument<number | string | undefined>(a, 0, 'indent', defaults.indent);
  return { indent: indent === null ? undefined : indent, sortKeys: Boolean(a.keywords.sort_keys ?? defaults.sortKeys) };
}

/** Jinja's tojson: sorted keys, and safe to drop into HTML/`<script>` (like htmlsafe_json_dumps). */
function tojson(value: unknown, ...rest: unknown[]): string {
  return pythonJson(value, jsonOptions(rest, { sortKeys: true }))
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}

function setOperation(op: (a: unknown[], inB: (v: unknown) => boolean, b: unknown[], inA: (v: unknown) => boolean) => unknown[]) {
  return (left: unknown, right: unknown): unknown[] => {
    const a = uniqueList(toList(left));
    const b = uniqueList(toList(right));
    const keysA = new Set(a.map(identity));
    const keysB = new Set(b.map(identity));
    return op(a, (v) => keysB.has(identity(v)), b, (v) => keysA.has(identity(v)));
  };
}

function unique(value: unknown, ...rest: unknown[]): unknown[] {
  const a = splitArguments(rest);
  const caseSensitive = Boolean(argument(a, 0, 'case_sensitive', true));
  const get = attributeGetter(argument(a, 1, 'attribute', null));
  return uniqueList(toList(value), (v) => {
    const x = get(v);
    return identity(!caseSensitive && typeof x === 'string' ? x.toLowerCase() : x);
  });
}

/** Jinja's min/max filters: one iterable, with case_sensitive= and attribute=. */
function extremeBy(direction: 1 | -1) {
  return (value: unknown, ...rest: unknown[]): unknown => {
    const a = splitArguments(rest);
    const caseSensitive = Boolean(argument(a, 0, 'case_sensitive', false));
    const get = attributeGetter(argument(a, 1, 'attribute', null));
    const key = (v: unknown) => {
      const x = get(v);
      return !caseSensitive && typeof x === 'string' ? x.toLowerCase() : x;
    };
    let best: unknown;
    let bestKey: any;
    let first = true;
    for (const item of toList(value)) {
      const k: any = key(item);
      if (first || (direction > 0 ? k > bestKey : k < bestKey)) [best, bestKey, first] = [item, k, false];
    }
    return best;
  };
}

function items(value: unknown): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (value instanceof Map) return [...value.entries()];
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('items: expected a mapping');
  return Object.entries(value as Record<string, unknown>);
}

/** `map('upper')`, `map('replace', 'a', 'b')` or `map(attribute='name', default='x')`. */
const map: Filter = function (value, ...rest) {
  const a = splitArguments(rest);
  if ('attribute' in a.keywords) {
    const get = attributeGetter(a.keywords.attribute);
    const fallback = a.keywords.default;
    return toList(value).map((v) => get(v) ?? fallback);
  }
  const [name, ...args] = a.positional;
  if (typeof name !== 'string') throw new Error("map: expected a filter name or attribute='…'");
  const filter = this.env.getFilter(name) as unknown as Filter;
  const kw = Object.keys(a.keywords).length ? [{ ...a.keywords, __keywords: true }] : [];
  return toList(value).map((v) => filter.call(this, v, ...args, ...kw));
};

/** Jinja's selectattr/rejectattr: `selectattr('k')` (truthy) or `selectattr('k', 'equalto', 'a')`. */
function byAttribute(keep: boolean): Filter {
  return function (value, attribute, testName, ...args) {
    const get = attributeGetter(attribute);
    const test = testName === undefined ? (v: unknown) => Boolean(v) : (this.env.getTest(String(testName)) as unknown as (...a: unknown[]) => unknown);
    return toList(value).filter((item) => Boolean(test.call(this, get(item), ...args)) === keep);
  };
}

/** Builds the filter table; `builtin` gives nunjucks' own filters for wrapping. */
export function jinjaFilters(builtin: (name: string) => Filter): Record<string, Filter> {
  /** Maps Jinja keyword arguments onto nunjucks' positional parameters (same order). */
  const keywords = (name: string, params: string[]): Filter => {
    const fn = builtin(name);
    return function (value, ...rest) {
      const a = splitArguments(rest);
      if (Object.keys(a.keywords).length === 0) return fn.call(this, value, ...rest);
      const unknown = Object.keys(a.keywords).filter((k) => !params.includes(k));
      if (unknown.length) throw new Error(`${name}: unexpected keyword argument '${unknown[0]}'`);
      const positional = params.map((p, i) => argument(a, i, p, undefined));
      while (positional.length && positional[positional.length - 1] === undefined) positional.pop();
      return fn.call(this, value, ...positional);
    };
  };
  const deflt = keywords('default', ['default_value', 'boolean']);

  return {
    split,
    to_json: (v: unknown, ...rest: unknown[]) => pythonJson(v, jsonOptions(rest, {})),
    to_pretty_json: (v: unknown, ...rest: unknown[]) => pythonJson(v, jsonOptions(rest, { indent: 4, sortKeys: true })),
    tojson,
    unique,
    union: setOperation((a, _inB, b, inA) => [...a, ...b.filter((v) => !inA(v))]),
    intersect: setOperation((a, inB) => a.filter(inB)),
    difference: setOperation((a, inB) => a.filter((v) => !inB(v))),
    symmetric_difference: setOperation((a, inB, b, inA) => [...a.filter((v) => !inB(v)), ...b.filter((v) => !inA(v))]),
    items,
    map,
    min: extremeBy(-1),
    max: extremeBy(1),
    selectattr: byAttribute(true),
    rejectattr: byAttribute(false),
    default: deflt,
    d: deflt,
    join: keywords('join', ['d', 'attribute']),
    sort: keywords('sort', ['reverse', 'case_sensitive', 'attribute']),
    truncate: keywords('truncate', ['length', 'killwords', 'end']),
    indent: keywords('indent', ['width', 'first']),
    round: keywords('round', ['precision', 'method']),
    dictsort: keywords('dictsort', ['case_sensitive', 'by']),
    replace: keywords('replace', ['old', 'new', 'count']),
    int: keywords('int', ['default']),
    float: keywords('float', ['default']),
    sum: keywords('sum', ['attribute', 'start']),
    batch: keywords('batch', ['linecount', 'fill_with']),
    groupby: keywords('groupby', ['attribute']),
  };
}

export { toList };
