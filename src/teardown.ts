/**
 * The last resort when the entrypoint must go at once (an internal error, a stop signal before
 * the command started): kill every process it is responsible for and reap them, so that nothing
 * is left running and nothing is left as a zombie for another init to find.
 */
import { childrenOfSelf } from './sys/proc';
import { kill, reapAny, SIG } from './sys/syscalls';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** SIGKILLs `group` (a negative pgid, if any) and every child, then reaps for up to `ms`. */
export function killEverything(group?: number, ms = 2000): void {
  if (group !== undefined && group < 0) kill(group, SIG.KILL);
  const deadline = Date.now() + ms;
  for (;;) {
    const children = childrenOfSelf();
    if (children.length === 0 || Date.now() > deadline) return;
    // Orphans of the killed processes keep arriving here (we are their reaper): kill them too.
    for (const pid of children) kill(pid, SIG.KILL);
    while (reapAny() > 0);
    Atomics.wait(pause, 0, 0, 5);
  }
}
