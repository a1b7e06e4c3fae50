/**
 * A zombie storm: a process starts 500 children and exits at once, so they are orphaned and
 * re-parented to PID 1. The entrypoint reaps every one; node alone as PID 1 (the control) leaves
 * them all as zombies, which shows the count below can see them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Containers, logs, processes, unavailable, waitForLog } from './podman';
import { derivedImage } from './image';

const skip = unavailable();
const ORPHANS = 500;
/** The storm: an inner shell forks ORPHANS sleeps in the background and exits without waiting. */
const STORM = `sh -c 'i=0; while [ $i -lt ${ORPHANS} ]; do sleep 3 & i=$((i+1)); done'`;
const SCRIPT = `${STORM}; echo spawned; while :; do sleep 1; done; echo end`;

function census(id: string) {
  const ps = processes(id);
  const zombie = (p: { state: string }) => p.state.startsWith('Z');
  return {
    zombies: ps.filter(zombie).length,
    /** Storm sleeps still running (the script's own sleep has the script as parent). */
    orphans: ps.filter((p) => p.ppid === 1 && p.comm === 'sleep' && !zombie(p)).length,
  };
}

async function settle(id: string, done: (c: ReturnType<typeof census>) => boolean, ms: number) {
  const t0 = Date.now();
  let c = census(id);
  while (!done(c) && Date.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 250));
    c = census(id);
  }
  return c;
}

describe('zombie storm', { skip }, () => {
  const run = new Containers();
  let image = '';
  before(() => {
    image = derivedImage('zombies', 'ENTRYPOINT ["entrypoint", "--"]');
  });
  after(() => run.removeAll());

  test(`${ORPHANS} orphans: all re-parented to the entrypoint, all reaped`, async (t) => {
    const id = run.start(image, ['sh', '-c', SCRIPT]);
    await waitForLog(id, 'spawned', 20_000);
    const during = census(id);
    t.diagnostic(`right after the storm: ${JSON.stringify(during)}`);
    assert.ok(during.orphans + during.zombies >= ORPHANS * 0.8, `the storm happened: ${JSON.stringify(during)}`);
    const settled = await settle(id, (c) => c.orphans === 0 && c.zombies === 0, 15_000);
    assert.deepEqual(settled, { zombies: 0, orphans: 0 }, logs(id));
  });

  test('control: node as PID 1 leaves the orphans as zombies', async (t) => {
    const keepAlive = `require('child_process').spawnSync('sh', ['-c', ${JSON.stringify(STORM)}]); console.log('spawned'); setInterval(() => {}, 1e6)`;
    const id = run.start(image, ['-e', keepAlive], ['--entrypoint', 'node']);
    await waitForLog(id, 'spawned', 20_000);
    const settled = await settle(id, (c) => c.orphans === 0, 15_000);
    t.diagnostic(`with node as PID 1: ${JSON.stringify(settled)}`);
    assert.ok(settled.zombies >= ORPHANS * 0.8, `zombies left by node: ${JSON.stringify(settled)}`);
  });
});
