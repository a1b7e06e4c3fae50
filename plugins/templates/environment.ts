/**
 * The template engine: a nunjucks Environment configured to behave like the Jinja environment
 * of the Python seed (autoescape off, trailing newline kept, strict undefined, `do`, Python
 * methods and slices via nunjucks' own jinja-compat, the seed's filters and globals).
 *
 * nunjucks is required here, lazily: a start without templates and without `{{` in argv never
 * loads it.
 *
 * Include lookup (`include`, `import`, `extends`): the templates root first, then the jinja
 * dir, by name relative to the root (as in Jinja's FileSystemLoader), never escaping a root.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Nunjucks from 'nunjucks';
import type { Cache } from '../cache';
import { EntrypointError } from '../../src/errors';
import { TemplateCompiler, type TemplateCode } from './compileCache';
import { reportTemplateError, tagError } from './errors';
import { jinjaFilters } from './filters';
import { jinjaGlobals } from './globals';
import { isInside, realPath, safeRelative } from './paths';
import { DoExtension, strictRuntime } from './strict';
import { refuseWorldWritable } from './tree';

/**
 * Jinja's defaults: no autoescape (these are config files, not HTML), no block trimming.
 * `dev: true` only stops nunjucks from replacing each error by a bare copy of its message, which
 * would lose the `cause` chain that errors.ts reads the position from (no stack is ever shown).
 */
const ENV_OPTIONS = { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false, dev: true };

let compatInstalled = false;

export interface Engine {
  /** Renders template `name` (relative to the templates root). */
  renderFile(name: string, variables: Record<string, unknown>): string;
  /** Renders a string (a command-line argument) under the name `label`. */
  renderString(label: string, source: string, variables: Record<string, unknown>): string;
  readonly compiler: TemplateCompiler;
}

export function createEngine(roots: string[], cache: Cache): Engine {
  const nunjucks: typeof Nunjucks = require('nunjucks');
  if (!compatInstalled) {
    // Adds True/False/None, slices (l[1:]) and Python's dict/list methods (d.items(), .get()).
    nunjucks.installJinjaCompat();
    compatInstalled = true;
  }
  const sources = new Map<string, string>();
  const doExtension = new DoExtension();
  const compiler = new TemplateCompiler(nunjucks, cache, [doExtension], {
    autoescape: ENV_OPTIONS.autoescape, trimBlocks: ENV_OPTIONS.trimBlocks, lstripBlocks: ENV_OPTIONS.lstripBlocks,
  }, roots.join('\0'));
  const realRoots = roots.map((r) => ({ root: r, real: realPath(r) })).filter((r): r is { root: string; real: string } => !!r.real);

  const load = (name: string, display: string, source: string) => {
    sources.set(display, source);
    return { type: 'code', obj: withErrorLocation(compiler.load(name, display, source), display) };
  };

  const loader = {
    getSource(requested: string) {
      const name = safeRelative(requested, 'template name');
      for (const { root, real } of realRoots) {
        const path = join(root, name);
        const target = realPath(path);
        if (!target) continue;
        if (!isInside(real, target)) throw new EntrypointError(`template ${path} resolves to ${target}, outside ${root}`);
        const st = statSync(target);
        if (!st.isFile()) continue;
        refuseWorldWritable(path, st);
        let source: string;
        try {
          source = readFileSync(target, 'utf8');
        } catch (err) {
          throw new EntrypointError(`template ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        return { src: load(name, path, source), path, noCache: false };
      }
      return null;
    },
  };

  const env = new nunjucks.Environment(loader as unknown as Nunjucks.ILoader, ENV_OPTIONS);
  (env as unknown as { jinja: typeof strictRuntime }).jinja = strictRuntime;
  env.addExtension('do', doExtension);
  const builtin = (name: string) => env.getFilter(name) as unknown as (...a: any[]) => unknown;
  for (const [name, fn] of Object.entries(jinjaFilters(builtin))) env.addFilter(name, fn as (...a: any[]) => unknown);
  for (const [name, fn] of Object.entries(jinjaGlobals)) env.addGlobal(name, fn);

  const run = (fallback: string, render: () => string): string => {
    try {
      return render();
    } catch (err) {
      throw reportTemplateError(err, fallback, sources);
    }
  };

  return {
    compiler,
    renderFile(name, variables) {
      return run(name, () => env.getTemplate(name, true).render(variables));
    },
    renderString(label, source, variables) {
      return run(label, () => {
        const code = load(label, label, source);
        return new nunjucks.Template(code as unknown as string, env, label, true).render(variables);
      });
    },
  };
}

/**
 * Wraps the root and block functions so that an error records the template it happened in
 * before nunjucks wraps it for the including template.
 */
function withErrorLocation(code: TemplateCode, display: string): TemplateCode {
  const wrapped: TemplateCode = {};
  for (const [key, fn] of Object.entries(code)) {
    wrapped[key] = function (this: unknown, ...args: unknown[]) {
      const cb = args[4] as (err: unknown, res?: unknown) => void;
      args[4] = (err: unknown, res?: unknown) => cb(err ? tagError(err, display) : err, res);
      try {
        return fn.apply(this, args);
      } catch (err) {
        throw tagError(err, display);
      }
    };
  }
  return wrapped;
}
