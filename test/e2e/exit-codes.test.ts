/**
 * Exit codes pass through a real container runtime: what the child exits with (or 128 + the
 * signal that killed it) is what `podman wait` reports, and a missing command is 127 before
 * anything runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Containers, exitCode, logs, unavailable } from './podman';
import { derivedImage } from './image';

const skip = unavailable();

describe('exit codes through podman wait', { skip }, () => {
  const run = new Containers();
  let image = '';
  before(() => {
    image = derivedImage('exit', 'ENTRYPOINT ["entrypoint", "--"]\nCMD ["sh", "-c", "exit 0"]');
  });
  after(() => run.removeAll());

  const cases: [string, string[], number][] = [
    ['0 (the image CMD)', [], 0],
    ['1', ['sh', '-c', 'exit 1; echo end'], 1],
    ['3', ['sh', '-c', 'exit 3; echo end'], 3],
    ['127 for a missing command', ['no-such-command'], 127],
    ['137 when the child dies of SIGKILL', ['sh', '-c', 'kill -KILL $$; echo end'], 137],
    ['143 when the child dies of SIGTERM', ['sh', '-c', 'kill -TERM $$; echo end'], 143],
  ];
  for (const [name, args, expected] of cases) {
    test(name, () => {
      const id = run.start(image, args);
      assert.equal(exitCode(id), expected, logs(id));
    });
  }

  test('the missing command is named in one error line', () => {
    const id = run.start(image, ['no-such-command']);
    exitCode(id);
    assert.equal(logs(id).trim(), '[entrypoint] error: no-such-command: command not found');
  });
});
