/** Reading the process tree from /proc (no FFI needed). */
import { readFileSync, readdirSync } from 'node:fs';

/** Direct children of this process, adopted orphans included (all threads' children). */
export function childrenOfSelf(): number[] {
  const pids: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return pids;
  }
  for (const tid of tasks) {
    try {
      for (const p of readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ')) {
        if (p.trim()) pids.push(Number(p));
      }
    } catch {
      // The thread ended while we read.
    }
  }
  return pids;
}

/** The one-letter state of a process (R, S, Z, T...), or undefined if it is gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
