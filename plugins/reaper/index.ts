/**
 * Reaps every zombie: adopted orphans as PID 1 (or as a child subreaper when not PID 1), and
 * the main child. It must never take the exit status of a child that Node's child_process owns
 * (plugins and hooks use child_process; a `waitpid(-1)` reaper makes their 'exit' events vanish),
 * so it peeks at the next exited child with waitid(WNOWAIT) and reaps only pids nobody else owns.
 */
import { ChildProcess } from 'node:child_process';
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { peekExitedChild, reap, setSubreaper } from '../../src/sys/syscalls';
import { childrenOfSelf, processState } from '../../src/sys/proc';

export const PLUGIN_NAME = 'reaper';

/** How long an owned zombie may sit in front of the queue before we look past it in /proc. */
const OWNED_ZOMBIE_PATIENCE_MS = 5;
/** ... and after how long we stop retrying until the next SIGCHLD. */
const OWNED_ZOMBIE_GIVE_UP_MS = 1000;

/** Pids started through child_process in this process: libuv reaps those itself. */
const owned = new Set<number>();
let spawnWrapped = false;

/** Whether libuv owns `pid` (started through child_process and not yet exited). */
export function isNodeChild(pid: number): boolean {
  return owned.has(pid);
}
function trackChildProcessPids(): void {
  if (spawnWrapped) return;
  spawnWrapped = true;
  const proto = ChildProcess.prototype as unknown as { spawn(...a: unknown[]): unknown; pid?: number } & NodeJS.EventEmitter;
  const original = proto.spawn;
  proto.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const result = original.apply(this, args);
    const pid = this.pid;
    if (pid !== undefined) {
      owned.add(pid);
      this.once('exit', () => owned.delete(pid));
    }
    return result;
  };
}

export class Reaper {
  private deferred = false;
  private blockedSince = 0;
  private ffiNeeded: boolean;

  constructor(private readonly ep: Entrypoint, ffiLoaded: boolean) {
    this.ffiNeeded = ffiLoaded;
  }

  /** Reaps every exited child that is not child_process's, then returns. */
  reapNow = (): void => {
    // Most containers never see an orphan. Until one shows up, /proc answers whether a zombie
    // needs us, so such starts never pay the FFI's first load (~10 ms).
    if (!this.ffiNeeded) {
      if (!childrenOfSelf().some((pid) => !owned.has(pid) && processState(pid) === 'Z')) return;
      this.ffiNeeded = true;
    }
    for (;;) {
      const pid = peekExitedChild();
      if (pid === 0) {
        this.blockedSince = 0;
        return;
      }
      if (!owned.has(pid)) {
        this.blockedSince = 0;
        this.reapOne(pid);
        continue;
      }
      // An owned zombie is first in line: libuv will reap it in this loop turn. Try again soon,
      // and look past it in /proc if it stays in front for long.
      this.deferUntilOwnedReaped();
      return;
    }
  };

  private reapOne(pid: number): void {
    const status = reap(pid);
    if (status) this.ep.processes.report(pid, status);
  }

  private deferUntilOwnedReaped(): void {
    if (this.deferred) return;
    this.deferred = true;
    const now = Date.now();
    if (!this.blockedSince) this.blockedSince = now;
    if (now - this.blockedSince >= OWNED_ZOMBIE_PATIENCE_MS) this.reapBehindOwned();
    if (now - this.blockedSince >= OWNED_ZOMBIE_GIVE_UP_MS) {
      // libuv did not take its own child: stop polling (idle must stay idle) and look again at
      // the next SIGCHLD, when the /proc scan above still reaps whatever is behind it.
      this.ep.log.debug(`reaper: pid ${peekExitedChild()} belongs to child_process and was not reaped within ${OWNED_ZOMBIE_GIVE_UP_MS} ms`);
      this.deferred = false;
      return;
    }
    const retry = () => {
      this.deferred = false;
      this.reapNow();
    };
    if (now === this.blockedSince) setImmediate(retry);
    else setTimeout(retry, 1);
  }

  /** waitid(P_ALL) always shows the oldest zombie; reap the ones queued behind an owned one. */
  private reapBehindOwned(): void {
    for (const pid of childrenOfSelf()) {
      if (!owned.has(pid) && processState(pid) === 'Z') this.reapOne(pid);
    }
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'warn-on-reap', kind: 'flag', hidden: true, description: 'warn when a process other than the main child is reaped (tini -w)' },
  ],
  apply(ep: Entrypoint) {
    trackChildProcessPids();
    if (!ep.isInit) {
      try {
        setSubreaper(true);
      } catch (err) {
        ep.log.warn(`not PID 1 and could not become a child subreaper (${(err as Error).message}): orphaned processes will not be reaped`);
      }
    }
    const reaper = new Reaper(ep, !ep.isInit);
    process.on('SIGCHLD', reaper.reapNow);
    const warn = ep.option<boolean>('warn-on-reap');
    ep.hooks.reaped.tap(PLUGIN_NAME, (pid, status) => {
      if (pid === ep.main?.pid) return;
      const how = status.signal !== null ? `killed by signal ${status.signal}` : `exit status ${status.code}`;
      if (warn) ep.log.warn(`reaped zombie process with pid=${pid} (${how})`);
      else if (ep.log.enabled('debug')) ep.log.debug(`reaped process ${pid} (${how})`);
    });
    // A child may have exited before the listener was in place.
    reaper.reapNow();
  },
});
