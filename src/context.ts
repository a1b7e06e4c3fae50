/**
 * The Entrypoint: what every plugin receives in `apply`. It holds the hooks, the parsed options,
 * the logger, the child's environment and the process table. It knows no feature by name.
 */
import { createHooks, type EntrypointHooks, type MainProcess } from './hooks';
import { Logger } from './log';
import { ProcessTable } from './processTable';
import { EntrypointError } from './errors';
import type { Plugin } from './plugin';

export interface EntrypointInit {
  /** Option values by name, every declared option present. */
  options: Record<string, unknown>;
  /** The command and its arguments, as given. */
  command: string[];
  env?: Record<string, string>;
  log?: Logger;
}

export class Entrypoint {
  readonly hooks: EntrypointHooks = createHooks();
  readonly log: Logger;
  /** The command and its arguments, as given on the command line. */
  readonly command: string[];
  /** The environment the child will get. Plugins and hooks may change it until `launch`. */
  env: Record<string, string>;
  /** Every process started by a launcher, by pid, until it is reaped. */
  readonly processes: ProcessTable;
  /** The running main child, once launched. */
  main: MainProcess | undefined;
  /** True when this process is PID 1 of its PID namespace. */
  readonly isInit = process.pid === 1;
  private readonly values: Record<string, unknown>;

  constructor(init: EntrypointInit) {
    this.values = init.options;
    this.command = init.command;
    this.env = init.env ?? { ...(process.env as Record<string, string>) };
    this.log = init.log ?? new Logger();
    this.processes = new ProcessTable(this.hooks.reaped);
    this.nameFailingTaps();
  }

  /** An option's value (after CLI > environment > config file > default). */
  option<T = unknown>(name: string): T {
    if (!(name in this.values)) throw new Error(`option '${name}' is not declared by any plugin`);
    return this.values[name] as T;
  }

  /** Applies plugins in order; an exception names the plugin and stops before anything runs. */
  use(plugins: Plugin[]): void {
    for (const plugin of plugins) {
      try {
        plugin.apply(this);
      } catch (err) {
        if (err instanceof EntrypointError) throw err;
        throw new EntrypointError(`plugin '${plugin.name}' failed to start: ${(err as Error).message ?? err}`, 2);
      }
    }
  }

  /**
   * Errors thrown by a tap that are not user errors get the tap's name, so a failing
   * third-party plugin is named in the one line the user sees.
   */
  private nameFailingTaps(): void {
    for (const [stage, hook] of Object.entries(this.hooks)) {
      (hook as { intercept(i: object): void }).intercept({
        register: (tap: { name: string; type: string; fn: (...a: unknown[]) => unknown }) => {
          const fn = tap.fn;
          const annotate = (err: unknown): never => {
            if (err instanceof EntrypointError) throw err;
            const msg = err instanceof Error ? err.message : String(err);
            const wrapped = new EntrypointError(`plugin '${tap.name}' failed in ${stage}: ${msg}`);
            (wrapped as { cause?: unknown }).cause = err;
            throw wrapped;
          };
          if (tap.type === 'promise') {
            tap.fn = (...args: unknown[]) => {
              try {
                return Promise.resolve(fn(...args)).catch(annotate);
              } catch (err) {
                return annotate(err);
              }
            };
          } else if (tap.type === 'sync') {
            tap.fn = (...args: unknown[]) => {
              try {
                return fn(...args);
              } catch (err) {
                return annotate(err);
              }
            };
          }
          return tap;
        },
      });
    }
  }
}
