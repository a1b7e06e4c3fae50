/**
 * Zombies: every orphan is reaped, as PID 1 and as a child subreaper, and the reaper never
 * takes the exit status of a child that Node's child_process owns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IS_ROOT, ROOT, run } from '../helpers/cli';

/** Shell that counts zombies among the children of process $1 (via /proc, no ps needed). */
const COUNT_ZOMBIES = `zombies() { n=0; for s in /proc/[0-9]*/stat; do read -r l < $s 2>/dev/null || continue; set -- $l; rest=\${l##*) }; set -- $rest; [ "$1" = Z ] && [ "$2" = "$P" ] && n=$((n+1)); done; echo $n; }`;

test('1000 orphaned zombies from a shell are all reaped as PID 1, while 200 child_process children keep their exit codes', { skip: !IS_ROOT }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-reap-'));
  try {
    const result = join(dir, 'result.json');
    const plugin = `${join(ROOT, 'test', 'fixtures', 'init', 'child-process-storm.cjs')}=${JSON.stringify({ result })}`;
    const script = `${COUNT_ZOMBIES}
      P=1
      for i in $(seq 1000); do (true &) ; done
      for i in $(seq 200); do [ -f ${result} ] && break; sleep 0.1; done
      sleep 0.3
      echo "zombies=$(zombies)"
      exit 42`;
    const r = run(['--plugin', plugin, '--', 'sh', '-c', script], { pid1: true, timeoutMs: 60_000 });
    assert.equal(r.code, 42, r.stderr);
    assert.match(r.stdout, /zombies=0\b/);
    assert.deepEqual(JSON.parse(readFileSync(result, 'utf8')), { right: 200, total: 200 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not PID 1: becomes a child subreaper, adopts and reaps orphans', () => {
  const script = `${COUNT_ZOMBIES}
    P=$PPID
    (sleep 0.3 & echo "grandchild=$!") ; sleep 0.1
    for i in $(seq 100); do (true &) ; done
    sleep 0.6
    echo "zombies=$(zombies)"`;
  const r = run(['-v', '--', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /zombies=0\b/);
  const grandchild = /grandchild=(\d+)/.exec(r.stdout)![1];
  // The orphaned sleep was re-parented to the entrypoint and reaped by it.
  assert.match(r.stderr, new RegExp(`reaped process ${grandchild} \\(exit status 0\\)`));
  assert.doesNotMatch(r.stderr, /subreaper/);
});
