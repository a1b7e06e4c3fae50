/**
 * The configuration pipeline inside a real container (busybox userland, the installed bin as
 * PID 1): an .env file, a template tree and a TypeScript hook mounted into the image as image
 * authors do, and the Node `--env-file` trap through the real wrapper.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Containers, exitCode, logs, unavailable } from './podman';
import { derivedImage } from './image';

const skip = unavailable();

describe('configuration stages in a container', { skip }, () => {
  const run = new Containers();
  const host = mkdtempSync(join(tmpdir(), 'pid1-e2e-config-'));
  let image = '';
  before(() => {
    // Options first, so no `--` in the ENTRYPOINT: the test passes the whole command line.
    image = derivedImage('config', 'ENTRYPOINT ["entrypoint"]\nCMD ["--", "true"]');
    writeFileSync(join(host, 'app.env'), 'GREETING=hello\nTARGET=${HOSTNAME:-box}\n');
    mkdirSync(join(host, 'templates', 'etc', 'app'), { recursive: true });
    writeFileSync(join(host, 'templates', 'etc', 'app', 'app.conf'), 'greeting = {{ GREETING }}\nworkers = {{ workers }}\n');
    mkdirSync(join(host, 'hooks'));
    writeFileSync(join(host, 'hooks', '10-workers.ts'), [
      "import { defineHooks } from 'pid1';",
      'interface Vars { workers?: number }',
      'export default defineHooks({',
      '  prehook(vars: Vars) { vars.workers = 3; },',
      '});',
      '',
    ].join('\n'));
  });
  after(() => {
    run.removeAll();
    rmSync(host, { recursive: true, force: true });
  });

  const mounts = () => ['-v', `${host}/app.env:/run/app.env:ro`, '-v', `${host}/templates:/templates:ro`, '-v', `${host}/hooks:/entrypoint_hooks:ro`];

  test('.env, hook, template and templated argv all reach the command', () => {
    const id = run.start(image, ['--env-file', '/run/app.env', '--', 'sh', '-c', 'cat /etc/app/app.conf; echo "argv: {{ GREETING }} x{{ workers }}"; echo "env: $GREETING"'], mounts());
    assert.equal(exitCode(id), 0, logs(id));
    assert.equal(logs(id), 'greeting = hello\nworkers = 3\nargv: hello x3\nenv: hello\n');
  });

  test('--env-file naming a directory is our one-line error (exit 1), not Node\'s', () => {
    const id = run.start(image, ['--env-file', '/etc', '--', 'true']);
    assert.equal(exitCode(id), 1, logs(id));
    assert.equal(logs(id).trim(), '[entrypoint] error: env file /etc: is a directory, not a file');
  });
});
