/**
 * nunjucks passes keyword arguments (`f(a, sort_keys=true)`) as ONE trailing object marked
 * `__keywords: true`. Every filter and global that accepts keywords splits them off here, so a
 * keyword is never mistaken for a positional value.
 */
export interface Arguments {
  positional: unknown[];
  keywords: Record<string, unknown>;
}

export function splitArguments(args: unknown[]): Arguments {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const { __keywords, ...keywords } = last;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

/** Positional argument `index`, else keyword `name`, else `fallback` (Python's calling rules). */
export function argument<T>(a: Arguments, index: number, name: string, fallback: T): T {
  if (a.positional.length > index && a.positional[index] !== undefined) return a.positional[index] as T;
  if (name in a.keywords) return a.keywords[name] as T;
  return fallback;
}

/** `a.b.c` attribute paths as Jinja's `attribute=` accepts them (dots, numeric indices). */
export function attributeGetter(path: unknown): (item: unknown) => unknown {
  if (path === undefined || path === null) return (item) => item;
  const parts = String(path).split('.');
  return (item) => {
    let v: unknown = item;
    for (const p of parts) {
      if (v === null || v === undefined) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}
