/**
 * The public API of the `pid1` package, for third-party plugins (`pid1-plugin-<name>`) and
 * TypeScript hook files.
 */
export { definePlugin } from './plugin';
export type { Plugin, PluginFactory, OptionSpec } from './plugin';
export type { Entrypoint } from './context';
export type { EntrypointHooks, Variables, Command, MainProcess, SignalEvent, ExitEvent, ExitDecision } from './hooks';
export type { Logger, LogLevel, LogFormat } from './log';
export type { WaitStatus } from './sys/syscalls';
export { EntrypointError } from './errors';
export { signalName, parseSignal } from './signals';
export { defineHooks } from '../plugins/user-hooks/api';
export type { Hooks, Hook, Prehook, HookContext, HookLogger, HookPaths, HookStage } from '../plugins/user-hooks/api';
