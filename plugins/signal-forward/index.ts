/**
 * Delivers each received signal (after rewriting) to the main child: to its process group in
 * setsid mode, to its pid with --no-setsid. Runs at stage 0 of the `signal` hook.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { signalName } from '../../src/signals';
import { ERRNO, kill } from '../../src/sys/syscalls';

export const PLUGIN_NAME = 'signal-forward';

export default definePlugin({
  name: PLUGIN_NAME,
  apply(ep: Entrypoint) {
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
