/**
 * Who is waiting for which child. A launcher `track`s the pid it started and gets a promise of
 * its exit status; the reaper `report`s every pid it reaps. Keeping this in the core lets the
 * process that starts children and the one that reaps them be separate plugins.
 */
import type { SyncHook } from 'tapable';
import type { WaitStatus } from './sys/syscalls';

export class ProcessTable {
  private readonly waiting = new Map<number, (status: WaitStatus) => void>();

  constructor(private readonly reaped: SyncHook<[number, WaitStatus]>) {}

  /** A promise of `pid`'s exit status. Call it right after starting the process. */
  track(pid: number): Promise<WaitStatus> {
    return new Promise((resolve) => this.waiting.set(pid, resolve));
  }

  /** Called by the reaper for every process it reaped. */
  report(pid: number, status: WaitStatus): void {
    const resolve = this.waiting.get(pid);
    this.waiting.delete(pid);
    this.reaped.call(pid, status);
    resolve?.(status);
  }
}
