/**
 * Template source → compiled template code, through the disk cache. nunjucks' lexer, parser and
 * code generator are about 85 % of a cold render, so a warm start loads the generated JS from the
 * cache and turns it into a template with `new Function`, never running the compiler.
 *
 * The key covers everything that shapes the generated code: nunjucks' version, the source of our
 * compiler subclass and `do` extension (so editing them invalidates old entries), the parse
 * options, the template name (include resolution depends on it) and the source.
 *
 * Besides one entry per template, a start saves every template it loaded as one bundle (per set
 * of template roots): the next start reads one file and compiles one function instead of a
 * hundred (measured: ~15 ms of reads and ~3 ms of compiles for 100 templates). Bundle entries
 * are looked up by the same content keys, so a changed template simply misses.
 */
import type * as Nunjucks from 'nunjucks';
import type { Cache } from '../cache';
import { cacheKey } from '../cache';
import { DoExtension, strictCompilerClass } from './strict';
import { syntaxError } from './errors';

/** What a compiled template module returns: its root render function and its blocks. */
export type TemplateCode = Record<string, Function>;

export class TemplateCompiler {
  /** Templates compiled by nunjucks during this start (0 on a warm start). */
  compiled = 0;
  /** Templates loaded from the cache. */
  cached = 0;
  private readonly fingerprint: string;
  private readonly Compiler: ReturnType<typeof strictCompilerClass>;
  private readonly bundleKey: string;
  /** The bundle read at start: content key → code, and → a function returning the template. */
  private bundled = new Map<string, string>();
  private factories: Record<string, () => TemplateCode> = {};
  /** Every template loaded during this start: content key → code. */
  private readonly used = new Map<string, string>();

  constructor(
    private readonly nunjucks: typeof Nunjucks,
    private readonly cache: Cache,
    private readonly extensions: unknown[],
    private readonly parseOptions: Record<string, unknown>,
    /** What the set of templates is (their roots): one bundle per set. */
    scope: string,
  ) {
    this.Compiler = strictCompilerClass(nunjucks);
    const version: string = require('nunjucks/package.json').version;
    this.fingerprint = cacheKey('nunjucks', version, String(this.Compiler), String(DoExtension), JSON.stringify(parseOptions));
    this.bundleKey = cacheKey(this.fingerprint, 'bundle', scope);
    this.openBundle();
  }

  /** The code of template `name` (shown to users as `display`). */
  load(name: string, display: string, source: string): TemplateCode {
    const key = cacheKey(this.fingerprint, name, source);
    const fromBundle = this.factories[key];
    if (fromBundle) {
      this.cached++;
      this.used.set(key, this.bundled.get(key)!);
      return fromBundle();
    }
    let code = this.cache.get(key)?.toString('utf8');
    if (code === undefined) {
      code = this.compile(name, display, source);
      this.cache.set(key, code);
      this.compiled++;
    } else {
      this.cached++;
    }
    this.used.set(key, code);
    // eslint-disable-next-line no-new-func
    return new Function(code)() as TemplateCode;
  }

  /** Saves the templates this start loaded as the next start's bundle, if they changed. */
  saveBundle(): void {
    // Nothing loaded (every destination existed) says nothing about the set: keep the bundle.
    if (this.used.size === 0) return;
    if (this.used.size === this.bundled.size && [...this.used.keys()].every((k) => this.bundled.has(k))) return;
    this.cache.set(this.bundleKey, JSON.stringify(Object.fromEntries(this.used)));
  }

  private openBundle(): void {
    const raw = this.cache.get(this.bundleKey);
    if (!raw) return;
    try {
      const entries = Object.entries(JSON.parse(raw.toString('utf8')) as Record<string, string>);
      const body = `return {\n${entries.map(([key, code]) => `${JSON.stringify(key)}: function () {\n${code}\n}`).join(',\n')}\n};`;
      // eslint-disable-next-line no-new-func
      this.factories = new Function(body)() as Record<string, () => TemplateCode>;
      this.bundled = new Map(entries);
    } catch {
      // Unreadable or from another format: the per-template entries still serve.
      this.factories = {};
      this.bundled.clear();
    }
  }

  private compile(name: string, display: string, source: string): string {
    const nj = this.nunjucks as unknown as {
      parser: { parse(src: string, ext: unknown[], opts: unknown): unknown };
      transformer?: unknown;
    };
    const transformer = require('nunjucks/src/transformer') as { transform(ast: unknown, asyncFilters: string[], name: string): unknown };
    try {
      const ast = nj.parser.parse(source, this.extensions, this.parseOptions);
      const compiler = new this.Compiler(name, false);
      compiler.compile(transformer.transform(ast, [], name));
      return compiler.getCode() as string;
    } catch (err) {
      throw syntaxError(err, display, source);
    }
  }
}
