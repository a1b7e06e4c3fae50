/**
 * The hook bus: every stage of an entrypoint's life, declared in one place, in the order they
 * run. The core only calls these hooks; every feature is a plugin that taps them.
 *
 *   preconfig → render → hook → posthook → spawn → (launch) → signal* → exit
 *
 * `preconfig` … `posthook` are the configuration stages. They are skipped as a whole when
 * `SKIP_ENTRYPOINT` is set to a non-empty value (the init still runs).
 */
import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook, SyncWaterfallHook } from 'tapable';
import type { WaitStatus } from './sys/syscalls';

/** Template and hook variables: a flat mapping, the environment on top of the YAML file. */
export type Variables = Record<string, unknown>;

/** The command about to be started. Plugins tapping `spawn` may return a changed copy. */
export interface Command {
  /** argv[0] as given (a name to look up in PATH, or a path). */
  file: string;
  /** The whole argv, argv[0] included. */
  argv: string[];
  /** The child's environment. */
  env: Record<string, string>;
}

/** The running main child, as a `launch` tap returns it. */
export interface MainProcess {
  readonly pid: number;
  /**
   * Where forwarded signals go: `-pgid` for the child's whole process group, or the pid alone.
   * `kill(target, sig)` is the whole contract.
   */
  readonly signalTarget: number;
  /** Settles once the child has been reaped. */
  readonly exited: Promise<WaitStatus>;
}

/** A signal the entrypoint received, on its way to the child. */
export interface SignalEvent {
  /** The signal that arrived. */
  readonly received: number;
  /** What to deliver to the child; 0 means drop. Rewriting plugins change this. */
  deliver: number;
  /** Set by the plugin that delivered it, so later taps can tell. */
  delivered?: boolean;
}

/** Why the entrypoint is about to exit. */
export interface ExitEvent {
  /** How the main child ended. */
  readonly status: WaitStatus;
  /** The child that ended. */
  readonly main: MainProcess;
  /** True when a stop signal (TERM, INT, QUIT) was received before the child ended. */
  readonly stopping: boolean;
}

/** What the `exit` stage decided: exit with a code, or start the command again. */
export type ExitDecision = { code: number } | { restart: true };

export interface EntrypointHooks {
  /**
   * Produce the variables. Called with the environment as the seed; each tap returns the
   * variables it passes on (a waterfall). Taps that load variables use negative stages, so that
   * code tapping at the default stage 0 sees them all.
   */
  preconfig: AsyncSeriesWaterfallHook<[Variables]>;
  /** Write files from the variables. Awaited in tap order. */
  render: AsyncSeriesHook<[Variables]>;
  /** User `hook`s: run after rendering. */
  hook: AsyncSeriesHook<[Variables]>;
  /** User `posthook`s: run after every `hook`. */
  posthook: AsyncSeriesHook<[Variables]>;
  /**
   * The last word on the command line and environment before the child starts (a waterfall).
   * Also called again before each restart.
   */
  spawn: AsyncSeriesWaterfallHook<[Command, Variables]>;
  /**
   * Start the command. The first tap that returns a MainProcess wins (a bail); a tap that
   * replaces the process image (exec mode) never returns.
   */
  launch: AsyncSeriesBailHook<[Command], MainProcess>;
  /**
   * Every catchable signal the entrypoint receives (all of 1-31 but SIGCHLD, SIGKILL and
   * SIGSTOP), synchronously and in arrival order. A waterfall over the event: rewriting taps run
   * first (negative stages), the forwarder delivers at stage 0, observers follow.
   */
  signal: SyncWaterfallHook<[SignalEvent]>;
  /** A process was reaped (the main child included). For logs and bookkeeping. */
  reaped: SyncHook<[number, WaitStatus]>;
  /**
   * The main child has ended. Taps run in order until one decides (a bail): clean-up taps
   * (terminate the rest of the group) return nothing; a restart policy may return
   * `{ restart: true }`; the exit-status tap, last, returns `{ code }`.
   */
  exit: AsyncSeriesBailHook<[ExitEvent], ExitDecision | undefined>;
}

export function createHooks(): EntrypointHooks {
  return {
    preconfig: new AsyncSeriesWaterfallHook(['variables']),
    render: new AsyncSeriesHook(['variables']),
    hook: new AsyncSeriesHook(['variables']),
    posthook: new AsyncSeriesHook(['variables']),
    spawn: new AsyncSeriesWaterfallHook(['command', 'variables']),
    launch: new AsyncSeriesBailHook(['command']),
    signal: new SyncWaterfallHook(['event']),
    reaped: new SyncHook(['pid', 'status']),
    exit: new AsyncSeriesBailHook(['event']),
  };
}
