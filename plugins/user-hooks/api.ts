/**
 * What a hook file sees: the functions it may export and the context they receive. Exported
 * from the `pid1` package so that a hook type-checks in an editor:
 *
 *   import { defineHooks } from 'pid1';
 *   export default defineHooks({
 *     prehook(vars, ctx) { vars.WORKERS = 4; },
 *     async hook(vars, ctx) { ctx.env.READY = '1'; },
 *   });
 *
 * At run time `import ... from 'pid1'` is answered by the running entrypoint itself, so a hook
 * needs no copy of the package installed beside it.
 */
import type { Variables } from '../../src/hooks';
import type { Logger } from '../../src/log';

/** The entrypoint's log, each line prefixed with the hook file's name. */
export type HookLogger = Pick<Logger, 'error' | 'warn' | 'info' | 'debug' | 'enabled' | 'redact'>;

/** Where things are, as configured (absent when the feature is not built in). */
export interface HookPaths {
  /** The hooks directory (-H). */
  readonly hooks: string;
  /** This hook file. */
  readonly file: string;
  /** The YAML variables file (-V). */
  readonly variables?: string;
  /** The templates directory, when templates are built in. */
  readonly templates?: string;
  /** Where rendered templates are written, when templates are built in. */
  readonly output?: string;
}

export interface HookContext {
  /**
   * The environment the command will be started with. Changes reach the command (this is how
   * a hook exports a variable); `vars` does not.
   */
  readonly env: Record<string, string>;
  readonly log: HookLogger;
  /** An option's value, by its long name (`option('grace')`); read-only. */
  option<T = unknown>(name: string): T;
  readonly paths: HookPaths;
  /** The stage being run. */
  readonly stage: HookStage;
}

export type HookStage = 'prehook' | 'hook' | 'posthook';

/**
 * Runs before templates are rendered. It may change `vars` in place or return a new object that
 * replaces them for every later hook, the templates and the command line.
 */
export type Prehook = (vars: Variables, ctx: HookContext) => Variables | void | Promise<Variables | void>;
/** Runs after templates are rendered (`hook`), or after every `hook` (`posthook`). Its return value is ignored. */
export type Hook = (vars: Variables, ctx: HookContext) => unknown;

export interface Hooks {
  prehook?: Prehook;
  hook?: Hook;
  posthook?: Hook;
}

/** Identity function that gives a hook module its types. */
export function defineHooks<T extends Hooks>(hooks: T): T {
  return hooks;
}
