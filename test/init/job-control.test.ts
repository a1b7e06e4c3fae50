/**
 * Job control like dumb-init: in setsid mode TSTP/TTIN/TTOU reach the child as SIGSTOP (the
 * child's session has no terminal), the entrypoint stops itself too, and SIGCONT resumes both.
 * Not as PID 1: a namespace's init cannot be stopped by its own SIGSTOP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, start } from '../helpers/cli';
import { stat, until } from '../helpers/proc';

const PRINTER = join(ROOT, 'test', 'fixtures', 'init', 'print-signals.py');

for (const signal of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) {
  test(`${signal}: child and entrypoint stop, SIGCONT resumes both (setsid mode)`, async () => {
    const ep = start(['--', 'python3', PRINTER]);
    try {
      await ep.waitFor('ready');
      const childPid = Number(/ready (\d+)/.exec(ep.stdout)![1]);
      process.kill(ep.child.pid!, signal);
      await until(() => stat(childPid)?.state === 'T', 3000, 'child stopped');
      await until(() => stat(ep.child.pid!)?.state === 'T', 3000, 'entrypoint stopped');
      assert.doesNotMatch(ep.stdout, /SIGT/, 'the child got SIGSTOP, not the tty signal');
      process.kill(ep.child.pid!, 'SIGCONT');
      await ep.waitFor('SIGCONT');
      assert.notEqual(stat(childPid)?.state, 'T');
      assert.notEqual(stat(ep.child.pid!)?.state, 'T');
    } finally {
      await ep.stop();
    }
  });
}

test('with --no-setsid the tty signal reaches the child unchanged and the entrypoint stops', async () => {
  const ep = start(['--no-setsid', '--', 'python3', PRINTER]);
  try {
    await ep.waitFor('ready');
    process.kill(ep.child.pid!, 'SIGTSTP');
    await ep.waitFor('SIGTSTP');
    await until(() => stat(ep.child.pid!)?.state === 'T', 3000, 'entrypoint stopped');
    process.kill(ep.child.pid!, 'SIGCONT');
    await ep.waitFor('SIGCONT');
  } finally {
    await ep.stop();
  }
});

test('a rewrite overrides the default STOP, and the entrypoint still stops itself', async () => {
  const ep = start(['-r', 'tstp:hup', '--', 'python3', PRINTER]);
  try {
    await ep.waitFor('ready');
    process.kill(ep.child.pid!, 'SIGTSTP');
    await ep.waitFor('SIGHUP');
    await until(() => stat(ep.child.pid!)?.state === 'T', 3000, 'entrypoint stopped');
    process.kill(ep.child.pid!, 'SIGCONT');
    await ep.waitFor('SIGCONT');
  } finally {
    await ep.stop();
  }
});
