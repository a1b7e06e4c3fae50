/**
 * `-H/--hooks DIR` (default /entrypoint_hooks, may be absent): the image author's own code,
 * in TypeScript or JavaScript, run at three points of the configuration:
 *
 *   prehook   before templates are rendered (stage 0 of `preconfig`, after .env files,
 *             `*_FILE` secrets and the YAML variables): derive or check variables
 *   hook      after templates are rendered
 *   posthook  after every `hook`
 *
 * Every `*.ts *.mts *.cts *.js *.mjs *.cjs` directly in DIR is a hook module, in plain string
 * order. Each is bundled with esbuild (so it may import local files and packages installed in
 * the image) and cached by content; see compile.ts. All modules are compiled and loaded before
 * the first prehook runs, so a broken hook stops the entrypoint before any hook has run.
 *
 * A hook that fails (throws, rejects, does not compile) ends the entrypoint with exit 1 and one
 * line naming the hook's file, line and column; the command is not started.
 */
import { basename, resolve } from 'node:path';
import type { Entrypoint } from '../../src/context';
import { EntrypointError } from '../../src/errors';
import type { Variables } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { openCache } from '../cache';
import { fsReason, readTrustedFile } from '../../src/trustedFile';
import type { HookContext, HookLogger, HookPaths, HookStage } from './api';
import { HookCompileError, HookCompiler, type CompiledHook } from './compile';
import { findHookFiles } from './discover';
import { loadCompiledHook, locateError } from './load';

export const PLUGIN_NAME = 'user-hooks';
export const DEFAULT_HOOKS_DIR = '/entrypoint_hooks';
/** After .env files, `*_FILE` secrets and the YAML file (negative stages). */
export const STAGE = 0;
const STAGES: HookStage[] = ['prehook', 'hook', 'posthook'];
/** A hook source bigger than this is not a hook. */
const MAX_SOURCE_BYTES = 8 << 20;

export type { HookContext, HookLogger, HookPaths, HookStage, Hooks, Hook, Prehook } from './api';
export { defineHooks } from './api';

interface LoadedHook {
  compiled: CompiledHook;
  name: string;
  fns: Partial<Record<HookStage, (vars: Variables, ctx: HookContext) => unknown>>;
}

/** One line for a hook that failed: where in its source, and why. */
function hookFailure(hook: CompiledHook, what: string, err: unknown): EntrypointError {
  const loc = locateError(err, hook);
  const where = loc ? `${loc.file}:${loc.line}:${loc.column}` : hook.file;
  const reason = err instanceof Error ? (err.name && err.name !== 'Error' && err.name !== 'EntrypointError' ? `${err.name}: ${err.message}` : err.message) : String(err);
  const code = err instanceof EntrypointError ? err.exitCode : 1;
  return new EntrypointError(`hook ${where}: ${what}: ${reason}`, code);
}

/** The functions a module exports, named or on its default export. */
function hookFunctions(compiled: CompiledHook, exports: Record<string, unknown>): LoadedHook['fns'] {
  const fallback = (exports.default ?? {}) as Record<string, unknown>;
  const fns: LoadedHook['fns'] = {};
  for (const stage of STAGES) {
    const fn = exports[stage] ?? (typeof fallback === 'object' || typeof fallback === 'function' ? fallback[stage] : undefined);
    if (fn === undefined) continue;
    if (typeof fn !== 'function') {
      throw new EntrypointError(`hook ${compiled.file}: '${stage}' must be a function, not ${fn === null ? 'null' : typeof fn}`);
    }
    fns[stage] = fn as (vars: Variables, ctx: HookContext) => unknown;
  }
  return fns;
}

function hookLogger(ep: Entrypoint, name: string): HookLogger {
  return {
    error: (msg, fields) => ep.log.error(`${name}: ${msg}`, fields),
    warn: (msg, fields) => ep.log.warn(`${name}: ${msg}`, fields),
    info: (msg, fields) => ep.log.info(`${name}: ${msg}`, fields),
    debug: (msg, fields) => ep.log.debug(`${name}: ${msg}`, fields),
    enabled: (level) => ep.log.enabled(level),
    redact: (value) => ep.log.redact(value),
  };
}

/** An option's value, or undefined when no plugin declares it. */
function optionalOption(ep: Entrypoint, name: string): string | undefined {
  try {
    return ep.option<string>(name);
  } catch {
    return undefined;
  }
}

function hookContext(ep: Entrypoint, hook: LoadedHook, dir: string, stage: HookStage): HookContext {
  const paths: HookPaths = {
    hooks: dir,
    file: hook.compiled.file,
    variables: optionalOption(ep, 'variables'),
    templates: optionalOption(ep, 'templates'),
    output: optionalOption(ep, 'output'),
  };
  return {
    get env() {
      return ep.env;
    },
    log: hookLogger(ep, hook.name),
    option: <T>(name: string) => ep.option<T>(name),
    paths: Object.freeze(paths),
    stage,
  };
}

/** Compiles and loads every hook module of `dir`, in order. */
async function loadHooks(ep: Entrypoint, dir: string): Promise<LoadedHook[]> {
  const files = findHookFiles(dir, dir !== resolve(DEFAULT_HOOKS_DIR));
  if (files.length === 0) {
    ep.log.debug(`hooks directory ${dir}: no hooks`);
    return [];
  }
  const compiler = new HookCompiler(openCache(ep, 'hooks'), hookLogger(ep, 'hooks'));
  let compiled: CompiledHook[];
  try {
    compiled = await Promise.all(
      files.map((file) => {
        let source: Buffer;
        try {
          source = readTrustedFile(file, { ownedByRoot: true, maxBytes: MAX_SOURCE_BYTES });
        } catch (err) {
          throw new EntrypointError(`hook ${file}: ${fsReason(err)}`);
        }
        return compiler.compile(file, source);
      }),
    );
  } catch (err) {
    if (err instanceof HookCompileError) throw new EntrypointError(`hook ${err.message}`);
    throw err;
  } finally {
    await compiler.stop();
  }

  const api = () => require('../../src/index') as unknown;
  const loaded: LoadedHook[] = [];
  for (const hook of compiled) {
    let exports: Record<string, unknown>;
    try {
      exports = loadCompiledHook(hook, api);
    } catch (err) {
      throw hookFailure(hook, 'failed to load', err);
    }
    const fns = hookFunctions(hook, exports);
    const name = basename(hook.file);
    if (Object.keys(fns).length === 0) ep.log.debug(`hook ${name}: exports no prehook, hook or posthook; skipped`);
    else loaded.push({ compiled: hook, name, fns });
  }
  return loaded;
}

async function runStage(ep: Entrypoint, hooks: LoadedHook[], dir: string, stage: HookStage, vars: Variables): Promise<Variables> {
  for (const hook of hooks) {
    const fn = hook.fns[stage];
    if (!fn) continue;
    ep.log.debug(`running ${stage} of ${hook.name}`);
    let result: unknown;
    try {
      result = await fn(vars, hookContext(ep, hook, dir, stage));
    } catch (err) {
      throw hookFailure(hook.compiled, `${stage} failed`, err);
    }
    if (stage === 'prehook' && result !== undefined) {
      if (result === null || typeof result !== 'object' || Array.isArray(result)) {
        throw new EntrypointError(`hook ${hook.compiled.file}: prehook must return nothing or an object of variables, not ${Array.isArray(result) ? 'a list' : result === null ? 'null' : typeof result}`);
      }
      vars = result as Variables;
    }
  }
  return vars;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    {
      name: 'hooks', short: 'H', kind: 'value', arg: 'DIR', default: DEFAULT_HOOKS_DIR,
      description: `run prehook/hook/posthook of every .ts/.js file in DIR (default ${DEFAULT_HOOKS_DIR}, may be absent; '' for none)`,
    },
  ],
  apply(ep) {
    const given = ep.option<string>('hooks');
    // Absolute: esbuild needs it, and error lines then name files a reader can find.
    const dir = given === '' ? '' : resolve(given);
    let hooks: LoadedHook[] = [];
    ep.hooks.preconfig.tapPromise({ name: PLUGIN_NAME, stage: STAGE }, async (vars) => {
      if (dir === '') return vars;
      hooks = await loadHooks(ep, dir);
      return runStage(ep, hooks, dir, 'prehook', vars);
    });
    ep.hooks.hook.tapPromise(PLUGIN_NAME, async (vars) => {
      await runStage(ep, hooks, dir, 'hook', vars);
    });
    ep.hooks.posthook.tapPromise(PLUGIN_NAME, async (vars) => {
      await runStage(ep, hooks, dir, 'posthook', vars);
    });
  },
});
