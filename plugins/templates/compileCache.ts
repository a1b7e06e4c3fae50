/**
 * Template source → compiled template code, through the disk cache. nunjucks' lexer, parser and
 * code generator are about 85 % of a cold render, so a warm start loads the generated JS from the
 * cache and turns it into a template with `new Function`, never running the compiler.
 *
 * The key covers everything that shapes the generated code: nunjucks' version, the source of our
 * compiler subclass and `do` extension (so editing them invalidates old entries), the parse
 * options, the template name (include resolution depends on it) and the source.
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

  constructor(
    private readonly nunjucks: typeof Nunjucks,
    private readonly cache: Cache,
    private readonly extensions: unknown[],
    private readonly parseOptions: Record<string, unknown>,
  ) {
    this.Compiler = strictCompilerClass(nunjucks);
    const version: string = require('nunjucks/package.json').version;
    this.fingerprint = cacheKey('nunjucks', version, String(this.Compiler), String(DoExtension), JSON.stringify(parseOptions));
  }

  /** The code of template `name` (shown to users as `display`). */
  load(name: string, display: string, source: string): TemplateCode {
    const key = cacheKey(this.fingerprint, name, source);
    let code = this.cache.get(key)?.toString('utf8');
    if (code === undefined) {
      code = this.compile(name, display, source);
      this.cache.set(key, code);
      this.compiled++;
    } else {
      this.cached++;
    }
    // eslint-disable-next-line no-new-func
    return new Function(code)() as TemplateCode;
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
