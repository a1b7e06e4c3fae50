/**
 * Job control the way dumb-init does it. In setsid mode the child's session has no terminal,
 * so SIGTSTP/SIGTTIN/SIGTTOU would be ignored by its orphaned process group: they are delivered
 * as SIGSTOP instead (a rewrite can override this). After forwarding any of the three, the
 * entrypoint stops itself too, so `docker pause`-like tools and shells see the whole tree stop;
 * SIGCONT resumes it and is forwarded.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { kill, SIG } from '../../src/sys/syscalls';

export const PLUGIN_NAME = 'job-control';

const TTY_STOPS = new Set<number>([SIG.TSTP, SIG.TTIN, SIG.TTOU]);

export default definePlugin({
  name: PLUGIN_NAME,
  apply(ep: Entrypoint) {
    if (!ep.option<boolean>('no-setsid')) {
      ep.hooks.signal.tap({ name: PLUGIN_NAME, stage: -20 }, (event) => {
        if (TTY_STOPS.has(event.received)) event.deliver = SIG.STOP;
        return event;
      });
    }
    ep.hooks.signal.tap({ name: PLUGIN_NAME, stage: 10 }, (event) => {
      if (TTY_STOPS.has(event.received)) {
        ep.log.debug('suspending self due to TTY signal');
        kill(process.pid, SIG.STOP);
      }
      return event;
    });
  },
});
