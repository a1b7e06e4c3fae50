/**
 * Graceful shutdown with a deadline: stop signals are forwarded and escalate to SIGKILL after
 * --grace; when the main child ends, the rest of its group gets SIGTERM, then SIGKILL after the
 * grace period; the entrypoint exits as soon as nothing is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, run, start } from '../helpers/cli';
import { stat } from '../helpers/proc';

test('a child that ignores SIGTERM is SIGKILLed after --grace (exit 137)', async () => {
  const ep = start(['--grace', '1', '--', 'sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 1; done']);
  await ep.waitFor('ready');
  const t0 = Date.now();
  process.kill(ep.child.pid!, 'SIGTERM');
  const r = await ep.done;
  const elapsed = Date.now() - t0;
  assert.equal(r.code, 137, r.stderr);
  assert.ok(elapsed >= 900 && elapsed < 3000, `took ${elapsed} ms`);
});

test('a child that handles SIGTERM exits at once with its own code', async () => {
  const ep = start(['--grace', '10', '--', 'sh', '-c', 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done']);
  await ep.waitFor('ready');
  const t0 = Date.now();
  process.kill(ep.child.pid!, 'SIGTERM');
  const r = await ep.done;
  assert.equal(r.code, 3);
  assert.ok(Date.now() - t0 < 1500);
});

test('when the main child exits, the rest of its group is terminated and the exit is immediate', () => {
  const t0 = Date.now();
  const r = run(['--grace', '10', '--', 'sh', '-c', 'sleep 30 & echo "bg=$!"; exit 5']);
  assert.equal(r.code, 5, r.stderr);
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  const bg = Number(/bg=(\d+)/.exec(r.stdout)![1]);
  assert.equal(stat(bg), undefined, 'the background sleep is gone');
});

test('group members that ignore SIGTERM are SIGKILLed after --grace; nothing is left', () => {
  const t0 = Date.now();
  const r = run(['--grace', '1', '--', 'sh', '-c', 'trap "" TERM; sleep 30 & echo "bg=$!"; exit 0']);
  const elapsed = Date.now() - t0;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(elapsed >= 900 && elapsed < 3500, `took ${elapsed} ms`);
  const bg = Number(/bg=(\d+)/.exec(r.stdout)![1]);
  assert.equal(stat(bg), undefined, 'the background sleep is gone');
});

test('with --no-setsid, orphans adopted by the entrypoint are terminated too (no orphan left)', () => {
  const r = run(['--no-setsid', '--grace', '2', '--', 'sh', '-c', '(sleep 30 & echo "bg=$!"); exit 0']);
  assert.equal(r.code, 0, r.stderr);
  const bg = Number(/bg=(\d+)/.exec(r.stdout)![1]);
  assert.equal(stat(bg), undefined, 'the orphaned sleep is gone');
});

test('-r term:none also means no SIGTERM at exit: the rest gets SIGKILL after the grace period', () => {
  const t0 = Date.now();
  const r = run(['-r', 'term:none', '--grace', '1', '--', 'sh', '-c', 'sleep 30 & exit 0']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - t0 >= 900, 'waited for the grace period');
});

test('a stop signal while a stage is still running ends the start at once (128+N), helpers killed', async () => {
  const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'pid1-stuck-'));
  try {
    const pidFile = `${dir}/helper.pid`;
    const plugin = `${ROOT}/test/fixtures/init/stuck-in-preconfig.cjs=${JSON.stringify({ pidFile })}`;
    const ep = start(['--plugin', plugin, '--', 'sh', '-c', 'echo the command must not run']);
    for (let i = 0; i < 500 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
    const helper = Number(readFileSync(pidFile, 'utf8'));
    const t0 = Date.now();
    process.kill(ep.child.pid!, 'SIGTERM');
    const r = await ep.done;
    assert.equal(r.code, 143, r.stderr);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(r.stdout, '');
    assert.equal(stat(helper), undefined, 'the helper is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
