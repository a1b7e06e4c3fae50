/**
 * Drop-in for tini and dumb-init: images that say `ENTRYPOINT ["tini", "--"]` or
 * `["dumb-init", "--"]` get the entrypoint through its symlinks, with the exit codes and the
 * signal handling those tools give.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Containers, exitCode, logs, timedStop, unavailable, waitForLog } from './podman';
import { derivedImage } from './image';

const skip = unavailable();
const LOOP = 'echo ready; while :; do sleep 1; done; echo end';

for (const tool of ['tini', 'dumb-init']) {
  describe(`ENTRYPOINT ["${tool}", "--"]`, { skip }, () => {
    const run = new Containers();
    let image = '';
    before(() => {
      image = derivedImage(tool, `ENTRYPOINT ["${tool}", "--"]\nCMD ["sh", "-c", "${LOOP}"]`);
    });
    after(() => run.removeAll());

    test('runs as PID 1 and passes the exit code through', () => {
      const id = run.start(image, ['sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; exit 3; echo end']);
      assert.equal(exitCode(id), 3, logs(id));
      assert.match(logs(id), /^node (?:--\S+ )*-- \S+\/dist\/entrypoint\.cjs -- sh -c /);
    });

    test('podman stop: exit 143 at once', async (t) => {
      const id = run.start(image);
      await waitForLog(id, 'ready');
      const { took, code } = timedStop(id, t);
      assert.equal(code, 143, logs(id));
      assert.ok(took < 1.5, `stop took ${took.toFixed(2)} s`);
    });
  });
}
