/** The `exit` hook is a bail: a plugin may decide to start the command again instead of exiting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run, start } from '../helpers/cli';

test('an exit tap returning { restart: true } starts the command again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-restart-'));
  try {
    const plugin = join(ROOT, 'test', 'fixtures', 'init', 'restart-once.cjs');
    const counter = join(dir, 'runs');
    const r = run(['--plugin', plugin, '--', 'sh', '-c', `echo run >> ${counter}; echo "run $(wc -l < ${counter})"; exit 75`]);
    assert.equal(r.code, 75, r.stderr);
    assert.equal(r.stdout, 'run 1\nrun 2\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the exit stage knows a stop signal arrived: no restart during a shutdown', { timeout: 15_000 }, async () => {
  const plugin = join(ROOT, 'test', 'fixtures', 'init', 'restart-once.cjs');
  const ep = start(['--plugin', plugin, '--', 'sh', '-c', 'trap "exit 75" TERM; echo ready; while :; do sleep 0.05; done']);
  await ep.waitFor('ready');
  process.kill(ep.child.pid!, 'SIGTERM');
  const r = await ep.done;
  assert.equal(r.code, 75, r.stderr);
  assert.equal(r.stdout, 'ready\n');
});
