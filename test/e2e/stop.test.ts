/**
 * `podman stop` (what `docker stop` does: the stop signal, a grace period, then SIGKILL) against a
 * shell script that traps nothing. With the entrypoint as PID 1 the script gets SIGTERM and dies
 * at once (143); with `sh` as PID 1 the signal is ignored (PID 1 has no default actions) and the
 * container is killed after the whole timeout (137). The entrypoint is really PID 1 inside.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Containers, logs, podmanOk, timedStop, unavailable, waitForLog } from './podman';
import { derivedImage } from './image';

const skip = unavailable();
/** `; echo end` keeps busybox ash from exec-ing the loop's last command: sh stays in front. */
const LOOP = 'echo ready; while :; do sleep 1; done; echo end';

describe('podman stop', { skip }, () => {
  const run = new Containers();
  let image = '';
  before(() => {
    image = derivedImage('stop', `ENTRYPOINT ["entrypoint", "--"]\nCMD ["sh", "-c", "${LOOP}"]`);
  });
  after(() => run.removeAll());

  test('the entrypoint is PID 1 inside the container and the script its child', async () => {
    const id = run.start(image);
    await waitForLog(id, 'ready');
    const argv = podmanOk(['exec', id, 'cat', '/proc/1/cmdline']).split('\0').filter(Boolean);
    assert.equal(argv[0], 'node', argv.join(' '));
    const script = argv.findIndex((a) => /\/dist\/entrypoint\.cjs$/.test(a));
    assert.ok(script > 0, argv.join(' '));
    assert.deepEqual(argv.slice(script + 1), ['--', 'sh', '-c', LOOP]);
    const shPpid = podmanOk(['exec', id, 'sh', '-c', 'for s in /proc/[0-9]*/stat; do read -r l < $s && echo "$l"; done'])
      .split('\n').filter((l) => / \(sh\) /.test(l)).map((l) => l.slice(l.lastIndexOf(')') + 2).split(' ')[1]);
    assert.ok(shPpid.includes('1'), `the script's parent is PID 1: ${shPpid}`);
  });

  test('with the entrypoint as PID 1: stops at once, exit 143', async (t) => {
    const id = run.start(image);
    await waitForLog(id, 'ready');
    const { took, code } = timedStop(id, t);
    assert.equal(code, 143, logs(id));
    assert.ok(took < 1.5, `stop took ${took.toFixed(2)} s`);
    assert.ok(!logs(id).includes('end'), 'the shell died of the signal, it did not go on');
  });

  test('STOPSIGNAL of the Dockerfile reaches the script (SIGINT: exit 130)', async (t) => {
    const intImage = derivedImage('stop-int', `ENTRYPOINT ["entrypoint", "--"]\nCMD ["sh", "-c", "${LOOP}"]\nSTOPSIGNAL SIGINT`);
    const id = run.start(intImage);
    await waitForLog(id, 'ready');
    const { took, code } = timedStop(id, t);
    assert.equal(code, 130, logs(id));
    assert.ok(took < 1.5, `stop took ${took.toFixed(2)} s`);
  });

  test('control: with sh as PID 1 the stop waits out the timeout, exit 137', async (t) => {
    const id = run.start(image, ['-c', LOOP], ['--entrypoint', 'sh']);
    await waitForLog(id, 'ready');
    const { took, code } = timedStop(id, t);
    assert.equal(code, 137, logs(id));
    assert.ok(took >= 10 && took < 12, `stop took ${took.toFixed(2)} s`);
  });
});
