/**
 * Templates: renders every file under the templates directory (-t, default /templates) to the
 * same path under the output directory (-o, default /), with Jinja semantics on nunjucks, and
 * renders the command line itself. Include-only templates live in the jinja dir (-j).
 *
 *   render stage (stage 0): the tree, see render.ts for the two-phase write.
 *   spawn stage (stage 0):  each argument containing `{{`/`{%`/`{#`, unless --no-render-args.
 *
 * Compatibility choices (documented for users coming from the Jinja seed):
 *   - an undefined name or attribute is an error everywhere (StrictUndefined), except as the
 *     subject of `default`/`d` and `is defined`/`is undefined`;
 *   - null (YAML `key:`) prints as `None`, like Jinja; booleans print as nunjucks' `true`/`false`;
 *   - the trailing newline of a template is kept (the seed's keep_trailing_newline=True);
 *   - set-like filters (unique, union, …) return lists in first-seen order (JS has no sets repr).
 */
import type { Entrypoint } from '../../src/context';
import { EntrypointError } from '../../src/errors';
import { definePlugin } from '../../src/plugin';
import { openCache } from '../cache';
import { hasTemplateSyntax, renderArguments } from './argv';
import { createEngine, type Engine } from './environment';
import { isInside, realPath } from './paths';
import { renderTree } from './render';
import { walkTemplates } from './tree';

export const PLUGIN_NAME = 'templates';
export const DEFAULT_TEMPLATES_DIR = '/templates';
export const DEFAULT_OUTPUT_DIR = '/';
export const DEFAULT_JINJA_DIR = '/jinja';

/**
 * The include roots, in lookup order. Refused: a jinja dir inside the templates dir (its
 * include-only files would be rendered too) and an output dir equal to the templates dir
 * (--force-render would overwrite the templates with their own output).
 */
function includeRoots(templates: string, jinja: string, output: string): string[] {
  const realTemplates = realPath(templates);
  if (realTemplates && realTemplates === realPath(output)) {
    throw new EntrypointError(`--output ${output} is the templates directory ${templates}`, 2);
  }
  if (!jinja) return [templates];
  const realJinja = realPath(jinja);
  if (realTemplates && realJinja && isInside(realTemplates, realJinja)) {
    throw new EntrypointError(`--jinja ${jinja} is inside --templates ${templates}: include-only templates would be rendered too`, 2);
  }
  return [templates, jinja];
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'templates', short: 't', kind: 'value', arg: 'DIR', default: DEFAULT_TEMPLATES_DIR, description: 'render every file under DIR to the same path under --output' },
    { name: 'output', short: 'o', kind: 'value', arg: 'DIR', default: DEFAULT_OUTPUT_DIR, description: 'where rendered templates are written' },
    { name: 'jinja', short: 'j', kind: 'value', arg: 'DIR', default: DEFAULT_JINJA_DIR, description: "templates for include/import/extends only, not rendered themselves ('' for none)" },
    { name: 'force-render', kind: 'flag', description: 'render templates even over existing files' },
    { name: 'no-render-args', kind: 'flag', description: 'do not render the command line as templates' },
  ],
  apply(ep: Entrypoint) {
    const templates = ep.option<string>('templates');
    const output = ep.option<string>('output');
    const jinja = ep.option<string>('jinja');
    // Checked up front: a bad pair of directories is a configuration error even when no
    // template happens to need an include.
    const roots = includeRoots(templates, jinja, output);

    let engine: Engine | undefined;
    const getEngine = (): Engine => {
      if (!engine) {
        ep.log.debug('templates: loading nunjucks');
        engine = createEngine(roots, openCache(ep, 'templates'));
      }
      return engine;
    };
    const report = (what: string) => {
      if (engine && ep.log.enabled('debug')) {
        ep.log.debug(`templates: ${what}; ${engine.compiler.compiled} compiled, ${engine.compiler.cached} from cache`);
      }
    };

    ep.hooks.render.tapPromise({ name: PLUGIN_NAME, stage: 0 }, async (variables) => {
      const tree = templates ? walkTemplates(templates, ep.log) : undefined;
      if (!tree) {
        ep.log.debug(`templates: ${templates || '(none)'} does not exist; nothing to render`);
        return;
      }
      if (tree.files.length === 0 && tree.dirs.length === 1) {
        ep.log.debug(`templates: ${templates} is empty`);
        return;
      }
      const written = await renderTree(tree, getEngine, variables, { templates, output, force: ep.option<boolean>('force-render'), log: ep.log });
      engine?.compiler.saveBundle();
      report(`rendered ${written} of ${tree.files.length} files into ${output}`);
      // PID 1 lives as long as the container: keep the compiled templates only if the command
      // line still needs them (getEngine would rebuild the engine anyway).
      if (!ep.command.some(hasTemplateSyntax)) engine = undefined;
    });

    if (ep.option<boolean>('no-render-args')) return;
    ep.hooks.spawn.tapPromise({ name: PLUGIN_NAME, stage: 0 }, async (command, variables) => {
      if (!command.argv.some(hasTemplateSyntax)) return command;
      const argv = renderArguments(command.argv, getEngine, variables);
      report('rendered the command line');
      return { ...command, file: argv[0] ?? command.file, argv };
    });
  },
});
