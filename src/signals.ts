/** Signal names and numbers, and the set a PID 1 listens for. */
import { constants } from 'node:os';
import { SIG } from './sys/syscalls';

/** Every catchable signal 1-31 except SIGCHLD (the reaper's), in number order. */
export const FORWARDABLE: readonly number[] = Object.values(SIG)
  .filter((n) => n !== SIG.CHLD && n !== SIG.KILL && n !== SIG.STOP)
  .sort((a, b) => a - b);

/** Signals that ask the entrypoint to stop (docker stop, Ctrl-C, Ctrl-\). */
export const STOP_SIGNALS: ReadonlySet<number> = new Set([SIG.TERM, SIG.INT, SIG.QUIT]);

const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(SIG)) byNumber.set(num, name);

/** `SIGTERM` for 15; `SIG40` for numbers without a name. */
export function signalName(num: number): string {
  const name = byNumber.get(num);
  return name ? `SIG${name}` : `SIG${num}`;
}

/**
 * Parses a signal given by a user: `term`, `SIGTERM`, `Term`, `15`. Returns the number or
 * throws with a reason. `allowNone` also accepts `none` and `0` (meaning: drop).
 */
export function parseSignal(raw: string, allowNone = false): number {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n === 0 && allowNone) return 0;
    if (n >= 1 && n <= 64) return n;
    throw new Error(`'${raw}' is not a signal number (1-64)`);
  }
  const upper = text.toUpperCase();
  if (allowNone && upper === 'NONE') return 0;
  const bare = upper.startsWith('SIG') ? upper.slice(3) : upper;
  const num = (SIG as Record<string, number>)[bare] ?? (constants.signals as Record<string, number>)[`SIG${bare}`];
  if (num === undefined) throw new Error(`'${raw}' is not a signal name`);
  return num;
}

/** The Node event name for a signal number (process.on('SIGHUP', ...)). */
export function nodeSignalEvent(num: number): NodeJS.Signals {
  return signalName(num) as NodeJS.Signals;
}
