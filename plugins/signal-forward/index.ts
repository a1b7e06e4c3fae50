/**
 * Delivers each received signal (after rewriting) to the main child: to its process group in
 * setsid mode, to its pid with --no-setsid. Runs at stage 0 of the `signal` hook.
 * The hidden `--parent-death-signal SIG` (tini -p) asks the kernel to send SIG to the
 * entrypoint when its parent dies; it then arrives and is forwarded like any other signal.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { parseSignal, signalName } from '../../src/signals';
import { ERRNO, kill, setParentDeathSignal } from '../../src/sys/syscalls';

export const PLUGIN_NAME = 'signal-forward';

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'parent-death-signal', kind: 'value', arg: 'SIGNAL', hidden: true, parse: (raw) => parseSignal(raw), description: 'receive SIGNAL when the parent process dies (tini -p)' },
  ],
  apply(ep: Entrypoint) {
    const deathSignal = ep.option<number | undefined>('parent-death-signal');
    if (deathSignal) setParentDeathSignal(deathSignal);
    ep.hooks.signal.tap({ name: PLUGIN_NAME, stage: 0 }, (event) => {
      const main = ep.main;
      if (!main) return event;
      const debug = ep.log.enabled('debug');
      if (event.deliver === 0) {
        if (debug) ep.log.debug(`not forwarding signal ${signalName(event.received)} to children (ignored)`);
        return event;
      }
      const err = kill(main.signalTarget, event.deliver);
      event.delivered = err === 0;
      if (err && err !== ERRNO.ESRCH) ep.log.warn(`could not forward ${signalName(event.deliver)} to ${main.signalTarget}: errno ${err}`);
      else if (debug) ep.log.debug(`forwarded signal ${signalName(event.deliver)} to ${main.signalTarget < 0 ? `process group ${-main.signalTarget}` : `pid ${main.pid}`}`);
      return event;
    });
  },
});
