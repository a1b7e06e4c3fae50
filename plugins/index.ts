/**
 * The built-in plugins, in the order they are applied. Each folder is one feature; the core in
 * src/ reaches them only through this list.
 */
import type { Plugin } from '../src/plugin';
import cache from './cache';
import envFiles from './env-files';
import fileSecrets from './file-secrets';
import variables from './variables';
import userHooks from './user-hooks';
import templates from './templates';
import reaper from './reaper';
import signalRewrite from './signal-rewrite';
import jobControl from './job-control';
import signalForward from './signal-forward';
import shutdown from './shutdown';
import exitStatus from './exit-status';
import execMode from './exec-mode';
import spawner from './spawner';

export function builtinPlugins(): Plugin[] {
  return [cache, envFiles, fileSecrets, variables, userHooks, templates, reaper, signalRewrite, jobControl, signalForward, shutdown, exitStatus, execMode, spawner];
}
