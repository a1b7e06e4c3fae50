/** If the entrypoint itself crashes, it takes its children with it: no orphan is left. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, run } from '../helpers/cli';
import { stat } from '../helpers/proc';

test('an internal error kills the child group and exits 1', () => {
  const plugin = join(ROOT, 'test', 'fixtures', 'init', 'crash-after-launch.cjs');
  const t0 = Date.now();
  const r = run(['--plugin', plugin, '--', 'sh', '-c', 'sleep 30 & echo "bg=$!"; echo "main=$$"; sleep 30']);
  assert.equal(r.code, 1);
  assert.ok(Date.now() - t0 < 5000);
  assert.match(r.stderr, /internal error: .*boom from a buggy plugin/);
  for (const name of ['bg', 'main']) {
    const pid = Number(new RegExp(`${name}=(\\d+)`).exec(r.stdout)![1]);
    assert.equal(stat(pid), undefined, `${name} is gone`);
  }
});

test('logs go to stderr only; --log-format json gives one JSON object per line', () => {
  const r = run(['-v', '--log-format', 'json', '--', 'sh', '-c', 'echo out']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'out\n');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 2);
  for (const line of lines) {
    const obj = JSON.parse(line);
    assert.equal(typeof obj.msg, 'string');
    assert.ok(['debug', 'info', 'warn', 'error'].includes(obj.level));
  }
});

test('text logs are prefixed [entrypoint]; -q silences everything but errors', () => {
  const v = run(['-v', '--', 'true']);
  for (const line of v.stderr.trim().split('\n')) assert.match(line, /^\[entrypoint\] /);
  const q = run(['-q', '--', 'true']);
  assert.equal(q.stderr, '');
});
