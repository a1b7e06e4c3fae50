/**
 * Graceful shutdown with a deadline, both ways:
 *   - a stop signal (TERM, INT, QUIT) is forwarded as usual; if the child is still alive
 *     `--grace` seconds later, its group is SIGKILLed;
 *   - when the main child ends, the rest (its process group, and every other child we have,
 *     adopted orphans included) gets SIGTERM through the rewrite table, has `--grace` seconds to
 *     go, then gets SIGKILL. The entrypoint exits the moment nothing is left, not after a
 *     fixed sleep, and never leaves an orphan behind.
 */
import type { Entrypoint } from '../../src/context';
import type { MainProcess } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { STOP_SIGNALS, signalName } from '../../src/signals';
import { childrenOfSelf } from '../../src/sys/proc';
import { kill, SIG } from '../../src/sys/syscalls';
import { isNodeChild } from '../reaper';
import { rewriteFor } from '../signal-rewrite';

export const PLUGIN_NAME = 'shutdown';

function parseGrace(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`expected a number of seconds >= 0, got '${raw}'`);
  return n;
}

/** Processes that still have to go: other children of ours, and the child's group. */
function remaining(main: MainProcess): { children: number[]; group: boolean } {
  const children = childrenOfSelf().filter((pid) => !isNodeChild(pid));
  const group = main.signalTarget < 0 && kill(main.signalTarget, 0) === 0;
  return { children, group };
}

function signalRest(main: MainProcess, signal: number): void {
  if (main.signalTarget < 0) kill(main.signalTarget, signal);
  for (const pid of remaining(main).children) kill(pid, signal);
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'grace', kind: 'value', arg: 'SECONDS', default: 5, parse: parseGrace, description: 'how long processes get to exit after SIGTERM before SIGKILL' },
  ],
  apply(ep: Entrypoint) {
    const graceMs = ep.option<number>('grace') * 1000;
    let killTimer: NodeJS.Timeout | undefined;

    ep.hooks.signal.tap({ name: PLUGIN_NAME, stage: 20 }, (event) => {
      const main = ep.main;
      if (!main || killTimer || !STOP_SIGNALS.has(event.received)) return event;
      killTimer = setTimeout(() => {
        ep.log.warn(`child still running ${graceMs / 1000}s after ${signalName(event.received)}: sending SIGKILL`);
        kill(main.signalTarget, SIG.KILL);
        kill(main.pid, SIG.KILL);
      }, graceMs);
      return event;
    });

    ep.hooks.exit.tapPromise({ name: PLUGIN_NAME, stage: 0 }, async (event) => {
      clearTimeout(killTimer);
      killTimer = undefined;
      const { main } = event;
      const left = remaining(main);
      if (!left.group && left.children.length === 0) return undefined;
      const term = rewriteFor(ep, SIG.TERM);
      if (term) {
        ep.log.debug(`main child ended: sending ${signalName(term)} to the remaining processes`);
        signalRest(main, term);
      }
      if (await allGone(ep, main, graceMs)) return undefined;
      ep.log.warn(`processes still running ${graceMs / 1000}s after the main child ended: sending SIGKILL`);
      signalRest(main, SIG.KILL);
      await allGone(ep, main, 1000);
      return undefined;
    });
  },
});

/** Resolves true as soon as nothing remains (checked on every reap), false after `ms`. */
function allGone(ep: Entrypoint, main: MainProcess, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const isEmpty = () => {
      const left = remaining(main);
      return !left.group && left.children.length === 0;
    };
    if (isEmpty()) return resolve(true);
    let done = false;
    const finish = (result: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => finish(isEmpty()), ms);
    ep.hooks.reaped.tap(PLUGIN_NAME, () => {
      if (!done && isEmpty()) finish(true);
    });
  });
}
