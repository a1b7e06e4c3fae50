/**
 * The lifecycle, top to bottom: configuration stages, then launch, then wait for the main
 * child while signals flow through the `signal` hook, then the `exit` decision.
 */
import type { Entrypoint } from './context';
import type { SignalEvent, Variables } from './hooks';
import { killEverything } from './teardown';
import { SIG } from './sys/syscalls';
import { FORWARDABLE, STOP_SIGNALS, nodeSignalEvent, signalName } from './signals';

/** Runs the entrypoint to the end and resolves with the exit code. */
export async function run(ep: Entrypoint): Promise<number> {
  const stopped = listenForSignals(ep);

  let variables: Variables = { ...ep.env };
  if (process.env.SKIP_ENTRYPOINT) {
    ep.log.debug('SKIP_ENTRYPOINT is set: skipping the configuration stages (preconfig to posthook)');
  } else {
    variables = await ep.hooks.preconfig.promise(variables);
    await ep.hooks.render.promise(variables);
    await ep.hooks.hook.promise(variables);
    await ep.hooks.posthook.promise(variables);
  }

  for (;;) {
    const [file = '', ...args] = ep.command;
    const command = await ep.hooks.spawn.promise({ file, argv: [file, ...args], env: ep.env }, variables);
    const main = await ep.hooks.launch.promise(command);
    if (!main) throw new Error('no plugin launched the command');
    ep.main = main;
    ep.log.debug(`child spawned with PID ${main.pid}`);
    const status = await main.exited;
    const decision = await ep.hooks.exit.promise({ status, main, stopping: stopped.signal !== 0 });
    ep.main = undefined;
    if (decision && 'code' in decision) return decision.code;
    // No plugin decided (the exit-status plugin always does): the child's own status.
    if (!decision) return status.code ?? 128 + (status.signal ?? 0);
  }
}

/**
 * Listens for every forwardable signal for the whole life of the entrypoint, and remembers the
 * last stop signal (the `exit` stage is told, so that no plugin restarts what is being stopped).
 * Node needs a listener for each: without one SIGTERM is ignored by a PID 1 and SIGUSR1 opens
 * the inspector.
 * Before the child runs there is nobody to forward to: a stop signal then ends the entrypoint at
 * once (128 + signal) after killing any helper it started, and other signals are dropped.
 */
function listenForSignals(ep: Entrypoint): { signal: number } {
  const stopped = { signal: 0 };
  // Under `node --cpu-prof`, SIGPROF is V8's sampling tick: a listener would end the profile.
  const profiling = process.execArgv.some((a) => a.startsWith('--cpu-prof'));
  for (const num of FORWARDABLE) {
    if (profiling && num === SIG.PROF) continue;
    process.on(nodeSignalEvent(num), () => {
      if (ep.main) {
        if (STOP_SIGNALS.has(num)) stopped.signal = num;
        const event: SignalEvent = { received: num, deliver: num };
        ep.hooks.signal.call(event);
        return;
      }
      if (STOP_SIGNALS.has(num)) {
        ep.log.info(`received ${signalName(num)} before the command started: stopping`);
        stopped.signal = num;
        killEverything();
        process.exit(128 + num);
      } else {
        ep.log.debug(`received ${signalName(num)} before the command started: ignored`);
      }
    });
  }
  return stopped;
}
