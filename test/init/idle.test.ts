/** Idle means idle: with a sleeping child, the entrypoint uses no CPU and does not wake up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { start } from '../helpers/cli';

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function wakeups(pid: number): number {
  let n = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) n += Number(m[1]);
  }
  return n;
}

test('no CPU ticks and no wake-ups over 3 s with a sleeping child', async () => {
  const ep = start(['--', 'sh', '-c', 'echo ready; exec sleep 30']);
  try {
    await ep.waitFor('ready');
    await new Promise((r) => setTimeout(r, 1000)); // start-up work settles
    const pid = ep.child.pid!;
    const [t0, w0] = [cpuTicks(pid), wakeups(pid)];
    await new Promise((r) => setTimeout(r, 3000));
    const [t1, w1] = [cpuTicks(pid), wakeups(pid)];
    assert.equal(t1 - t0, 0, 'CPU ticks');
    assert.ok(w1 - w0 <= 2, `wake-ups: ${w1 - w0}`);
  } finally {
    await ep.stop();
  }
});
