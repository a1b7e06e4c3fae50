/**
 * --no-init: the configured stages run, then the command replaces the entrypoint (execve):
 * same pid, same stdio, default SIGPIPE, nothing left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ENTRYPOINT, IS_ROOT, ROOT, run, start } from '../helpers/cli';

test('--no-init keeps the pid: the command is the process we started', async () => {
  const ep = start(['--no-init', '--', 'sh', '-c', 'echo "pid=$$"; cat /proc/$$/status | grep -E "^(SigIgn|SigBlk)"']);
  const r = await ep.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`pid=${ep.child.pid}\\b`));
  // Node ignores SIGPIPE and SIGXFSZ; an ignored signal would survive exec.
  assert.match(r.stdout, /SigIgn:\s+0+\n/);
  assert.match(r.stdout, /SigBlk:\s+0+\n/);
});

test('--no-init passes stdin, stdout and stderr through (blocking, not close-on-exec)', () => {
  const r = run(['--no-init', '--', 'sh', '-c', 'cat; echo err >&2'], { input: 'hello\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello\n');
  assert.equal(r.stderr, 'err\n');
});

for (const mode of [['--no-init'], []]) {
  test(`yes | head -c1: yes dies of SIGPIPE (141) ${mode.length ? 'after exec' : 'under the init'}`, () => {
    const r = spawnSync('bash', ['-c', `"${ENTRYPOINT}" ${mode.join(' ')} -- yes | head -c1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    assert.match(r.stdout, /status=141\b/, r.stderr);
  });
}

test('--no-init as PID 1: the command becomes PID 1 and exit codes are its own', { skip: !IS_ROOT }, () => {
  const r = run(['--no-init', '--', 'sh', '-c', 'echo "pid=$$"; exit 7'], { pid1: true });
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stdout, /pid=1\b/);
});

test('--no-init with a missing command fails with 127 and one line', () => {
  const r = run(['--no-init', '--', 'no-such-command-xyz']);
  assert.equal(r.code, 127);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /no-such-command-xyz: command not found/);
});

test('--no-init stops helper processes started by plugins before the exec', () => {
  const { mkdtempSync, readFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'pid1-exec-'));
  try {
    const pidFile = `${dir}/helper.pid`;
    const plugin = `${ROOT}/test/fixtures/init/helper-process.cjs=${JSON.stringify({ pidFile })}`;
    const r = run(['--no-init', '--plugin', plugin, '--', 'sh', '-c', `kill -0 $(cat ${pidFile}) 2>/dev/null && echo helper-alive || echo helper-gone`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /helper-gone/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
