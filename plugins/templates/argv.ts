/**
 * The command line as templates: `entrypoint -- echo '{{ HOSTNAME }}'`. Only arguments that
 * contain `{{`, `{%` or `{#` are rendered; the others are passed through untouched and cost
 * nothing (nunjucks is not even loaded).
 */
import type { Engine } from './environment';

const TEMPLATE_MARK = /\{[{%#]/;

export function hasTemplateSyntax(arg: string): boolean {
  return TEMPLATE_MARK.test(arg);
}

export function renderArguments(argv: string[], engine: () => Engine, variables: Record<string, unknown>): string[] {
  return argv.map((arg, i) => (hasTemplateSyntax(arg) ? engine().renderString(i === 0 ? 'command' : `argument ${i}`, arg, variables) : arg));
}
