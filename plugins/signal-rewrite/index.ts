/**
 * `-r/--rewrite SRC:DST`: the child receives DST when the entrypoint receives SRC. Names are
 * case-insensitive with or without SIG, numbers work too (`term:quit`, `SIGTERM:SIGQUIT`,
 * `15:3`); DST `none` or `0` drops the signal. A later rewrite of the same source wins. One
 * lookup, no chaining: `-r term:int -r int:term` swaps the two.
 */
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';
import { parseSignal, signalName } from '../../src/signals';

export const PLUGIN_NAME = 'signal-rewrite';

export type Rewrite = [from: number, to: number];

export function parseRewrite(raw: string): Rewrite {
  const parts = raw.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`expected SRC:DST (e.g. term:quit), got '${raw}'`);
  const from = parseSignal(parts[0]);
  const to = parseSignal(parts[1], true);
  return [from, to];
}

const tables = new WeakMap<Entrypoint, Map<number, number>>();

/** The user's rewrite of `signal` (the signal itself when none applies; 0 = drop). */
export function rewriteFor(ep: Entrypoint, signal: number): number {
  return tables.get(ep)?.get(signal) ?? signal;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    { name: 'rewrite', short: 'r', kind: 'list', arg: 'SRC:DST', parse: parseRewrite, description: 'deliver DST to the child when SRC arrives (DST none drops it)' },
  ],
  apply(ep: Entrypoint) {
    const rewriteTable = new Map<number, number>(ep.option<Rewrite[]>('rewrite'));
    tables.set(ep, rewriteTable);
    if (rewriteTable.size === 0) return;
    ep.hooks.signal.tap({ name: PLUGIN_NAME, stage: -10 }, (event) => {
      const to = rewriteTable.get(event.received);
      if (to === undefined) return event;
      if (ep.log.enabled('debug')) ep.log.debug(`translating signal ${signalName(event.received)} to ${to ? signalName(to) : 'none'}`);
      event.deliver = to;
      return event;
    });
  },
});
