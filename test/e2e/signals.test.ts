/**
 * `podman kill -s SIG` (docker kill) reaches the application behind the entrypoint: a script that
 * traps HUP, USR1 and USR2 prints each one, in order; a signal it does not trap ends it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Containers, exitCode, logs, podmanOk, unavailable, waitForLog } from './podman';
import { derivedImage } from './image';

const skip = unavailable();
const TRAPS = ['HUP', 'USR1', 'USR2'].map((s) => `trap 'echo got ${s}' ${s}`).join('; ');
/** `sleep & wait` so a trap runs as soon as the signal comes, not after the sleep. */
const SCRIPT = `${TRAPS}; echo ready; while :; do sleep 1 & wait $!; done; echo end`;

describe('podman kill -s', { skip }, () => {
  const run = new Containers();
  let image = '';
  before(() => {
    image = derivedImage('signals', 'ENTRYPOINT ["entrypoint", "--"]');
  });
  after(() => run.removeAll());

  test('HUP, USR1 and USR2 reach the script, in order', async () => {
    const id = run.start(image, ['sh', '-c', SCRIPT]);
    await waitForLog(id, 'ready');
    for (const sig of ['HUP', 'USR1', 'USR2', 'HUP']) {
      const before = logs(id).split(`got ${sig}`).length;
      podmanOk(['kill', '-s', sig, id]);
      // Wait for one more occurrence of this line.
      const t0 = Date.now();
      while (logs(id).split(`got ${sig}`).length === before) {
        assert.ok(Date.now() - t0 < 5000, `SIG${sig} did not reach the script:\n${logs(id)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const got = logs(id).split('\n').filter((l) => l.startsWith('got '));
    assert.deepEqual(got, ['got HUP', 'got USR1', 'got USR2', 'got HUP']);
    podmanOk(['kill', '-s', 'TERM', id]);
    assert.equal(exitCode(id), 143, logs(id));
  });
});
