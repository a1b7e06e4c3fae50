/**
 * Turning whatever a template threw into ONE user-facing line (plus the offending source line):
 * `template /templates/app.conf:3:9: 'PORT' is undefined`. No JS stack: these are the user's
 * mistakes. nunjucks re-wraps errors at each include level, so the first (innermost) template
 * that saw an error records where it happened, and the report walks the `cause` chain to it.
 */
import { EntrypointError } from '../../src/errors';
import { FatalTemplateError } from './globals';
import { TemplateFault } from './strict';

export interface TemplateLocation {
  /** File path, or `argument N` for the command line. */
  template: string;
  line?: number;
  col?: number;
  message: string;
}

type Tagged = Error & { templateLocation?: TemplateLocation; lineno?: number | null; colno?: number | null; cause?: unknown };

function findLocation(err: unknown): TemplateLocation | undefined {
  for (let e = err as Tagged | undefined; e && typeof e === 'object'; e = e.cause as Tagged | undefined) {
    if (e.templateLocation) return e.templateLocation;
  }
  return undefined;
}

/** The innermost cause: the error the template code really threw. */
function rootCause(err: Tagged): Tagged {
  let e = err;
  while (e.cause && typeof e.cause === 'object') e = e.cause as Tagged;
  return e;
}

/**
 * Records where an error happened, the first time a template's render function sees it.
 * nunjucks' own runtime positions are 0-based; ours (TemplateFault) are 1-based.
 */
export function tagError(err: unknown, template: string): unknown {
  if (!err || typeof err !== 'object' || findLocation(err)) return err;
  const e = err as Tagged;
  const cause = rootCause(e);
  let location: TemplateLocation;
  if (e instanceof TemplateFault) {
    location = { template, line: e.lineno, col: e.colno, message: e.message };
  } else {
    const line = typeof e.lineno === 'number' ? e.lineno + 1 : undefined;
    const col = typeof e.colno === 'number' ? e.colno + 1 : undefined;
    const message = cause instanceof FatalTemplateError ? `fatal_error: ${cause.message}` : cause.message;
    location = { template, line, col, message };
  }
  (e as Tagged).templateLocation = location;
  return err;
}

/**
 * A parse or code-generation failure (nunjucks reports those 1-based). At the end of the input
 * the parser has no token to point at: the error is then on the last line.
 */
export function syntaxError(err: unknown, template: string, source: string): Error {
  const e = err as Tagged;
  const message = `syntax error: ${String(e?.message ?? err).replace(/^\(.*?\)\s*(\[Line \d+, Column \d+\])?\s*/s, '')}`;
  const line = e?.lineno ?? source.replace(/\n$/, '').split('\n').length;
  const out = new TemplateFault(message, line, e?.colno ?? 0) as Tagged;
  out.templateLocation = { template, line, col: e?.colno ?? undefined, message };
  return out;
}

/** The error to show the user; `sources` gives the text of each template for the source line. */
export function reportTemplateError(err: unknown, fallback: string, sources: Map<string, string>): EntrypointError {
  if (err instanceof EntrypointError) return err;
  const loc = findLocation(err) ?? { template: fallback, message: String((err as Error)?.message ?? err) };
  const message = loc.message.replace(/^Error: /, '').split('\n')[0];
  const isArgument = loc.template.startsWith('argument ') || loc.template === 'command';
  let where: string;
  if (isArgument) where = `${loc.template}${loc.col ? `, column ${loc.col}` : ''}`;
  else where = `template ${loc.template}${loc.line ? `:${loc.line}${loc.col ? `:${loc.col}` : ''}` : ''}`;
  let text = `${where}: ${message}`;
  const source = sources.get(loc.template);
  if (source !== undefined && loc.line) {
    const lineText = source.split('\n')[loc.line - 1];
    if (lineText !== undefined) {
      const gutter = isArgument ? '' : `${loc.line} | `;
      text += `\n    ${gutter}${lineText}`;
      if (loc.col) text += `\n    ${' '.repeat(gutter.length + loc.col - 1)}^`;
    }
  }
  return new EntrypointError(text);
}
