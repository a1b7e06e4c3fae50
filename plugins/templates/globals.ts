/**
 * Globals: the Python seed's (min, max, abs, all, any, round, zip, context, glob, fatal_error)
 * and Jinja's `dict()` and `namespace()`, which nunjucks lacks.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitArguments } from './arguments';
import { toList } from './filters';

/** Raised by `fatal_error(msg)`: the template author's own message, shown as is. */
export class FatalTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalTemplateError';
  }
}

/** Python's min/max: one iterable, or several values. */
function pythonExtreme(direction: 1 | -1, name: string) {
  return (...args: unknown[]): unknown => {
    const { positional } = splitArguments(args);
    const values = positional.length === 1 ? toList(positional[0]) : positional;
    if (values.length === 0) throw new Error(`${name}() arg is an empty sequence`);
    return values.reduce((best: any, v: any) => (direction > 0 ? (v > best ? v : best) : v < best ? v : best));
  };
}

/** Python 3 round: half to even, an integer without `ndigits`. */
function pyRound(x: unknown, ndigits?: unknown): number {
  const n = Number(x);
  const digits = ndigits === undefined || ndigits === null ? 0 : Number(ndigits);
  const m = 10 ** digits;
  const y = n * m;
  let r = Math.round(y);
  if (Math.abs(y % 1) === 0.5) r = 2 * Math.round(y / 2);
  return r / m;
}

function zip(...arrays: unknown[]): unknown[][] {
  const lists = arrays.map(toList);
  const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
  return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
}

/** Shell-style patterns per path segment, like Python's glob.glob (non-recursive, sorted). */
function glob(pattern: unknown): string[] {
  const p = String(pattern);
  const absolute = p.startsWith('/');
  const segments = p.split('/').filter((s) => s !== '');
  let found: string[] = [absolute ? '/' : ''];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const base of found) {
      const dir = base === '' ? '.' : base;
      if (!/[*?[]/.test(segment)) {
        const candidate = base === '' ? segment : join(base, segment);
        try {
          const st = statSync(resolve(candidate));
          if (last || st.isDirectory()) next.push(candidate);
        } catch { /* no match */ }
        continue;
      }
      const re = segmentRegExp(segment);
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (!re.test(name)) continue;
        const candidate = base === '' ? name : join(base, name);
        if (!last) {
          try {
            if (!statSync(candidate).isDirectory()) continue;
          } catch {
            continue;
          }
        }
        next.push(candidate);
      }
    }
    found = next;
  }
  return found.filter((f) => f !== '' && f !== '/').sort();
}

function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let set = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = '^' + set.slice(1);
        re += `[${set}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

type Context = { ctx: Record<string, unknown> };

/** The objects namespace() made: the only ones `{% set ns.attr = … %}` may change. */
const namespaces = new WeakSet<object>();

export function isNamespace(v: unknown): boolean {
  return typeof v === 'object' && v !== null && namespaces.has(v);
}

export const jinjaGlobals: Record<string, (...args: any[]) => unknown> = {
  min: pythonExtreme(-1, 'min'),
  max: pythonExtreme(1, 'max'),
  abs: (x: unknown) => Math.abs(Number(x)),
  all: (it: unknown) => toList(it).every(Boolean),
  any: (it: unknown) => toList(it).some(Boolean),
  round: pyRound,
  zip,
  /** Every variable of the render, e.g. `{% for k, v in context() | items %}`. */
  context(this: Context) {
    return { ...this.ctx };
  },
  glob,
  fatal_error(message: unknown): never {
    throw new FatalTemplateError(String(message));
  },
  dict: (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    return Object.assign({}, ...positional.map((p) => (p && typeof p === 'object' ? p : {})), keywords);
  },
  namespace: (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    const ns = Object.assign({}, ...positional.map((p) => (p && typeof p === 'object' ? p : {})), keywords);
    namespaces.add(ns);
    return ns;
  },
};
