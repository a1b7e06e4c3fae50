/**
 * Interactive use (`docker run -it IMAGE bash`): under a pseudo-terminal the child gets its own
 * process group as the terminal's foreground group, so Ctrl-C reaches the child only and shells
 * have job control; the entrypoint takes the terminal back when the child exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENTRYPOINT, ROOT, hasCommand } from '../helpers/cli';

const PTY = join(ROOT, 'test', 'fixtures', 'init', 'pty-run.py');

function onPty(args: string[], opts: { send?: string[]; waitFor?: string } = {}): { out: string; code: number } {
  const driver = ['python3', PTY, ...(opts.send ?? []).flatMap((s) => ['--send', s]), ...(opts.waitFor ? ['--wait-for', opts.waitFor] : []), '--', ...args];
  const r = spawnSync(driver[0]!, driver.slice(1), { encoding: 'utf8', timeout: 30_000 });
  const m = /<exit (-?\d+)>\s*$/.exec(r.stdout);
  assert.ok(m, `no exit line: ${r.stdout} ${r.stderr}`);
  return { out: r.stdout.replace(/\r/g, ''), code: Number(m[1]) };
}

const SHOW_GROUPS = 'import os; print("pgrp=%d fg=%d sid=%d ppid=%d" % (os.getpgrp(), os.tcgetpgrp(0), os.getsid(0), os.getppid()))';

for (const mode of [[], ['--no-setsid']]) {
  const label = mode.length ? ' (--no-setsid)' : '';
  test(`the child is the terminal's foreground group, in the entrypoint's session${label}`, () => {
    const r = onPty([ENTRYPOINT, ...mode, '--', 'python3', '-c', SHOW_GROUPS]);
    assert.equal(r.code, 0, r.out);
    const [, pgrp, fg, sid, ppid] = /pgrp=(\d+) fg=(\d+) sid=(\d+) ppid=(\d+)/.exec(r.out)!.map(Number);
    assert.equal(fg, pgrp, 'foreground');
    assert.notEqual(pgrp, ppid, 'a process group of its own');
    assert.equal(sid, ppid, 'same session: the entrypoint leads it');
  });

  test(`Ctrl-C reaches the child only, once${label}`, () => {
    const r = onPty([ENTRYPOINT, ...mode, '--', 'python3', '-c',
      'import signal,sys,time\nn=0\ndef h(s,f):\n  global n; n+=1\nsignal.signal(signal.SIGINT,h)\nprint("ready",flush=True)\ntime.sleep(1.5)\nprint("ints=%d"%n)'],
    { waitFor: 'ready', send: ['\\x03'] });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ints=1\b/);
  });

  test(`bash -m gets job control${label}`, { skip: !hasCommand('bash') }, () => {
    const r = onPty([ENTRYPOINT, ...mode, '--', 'bash', '--norc', '-m'], { send: ['echo "flags are: [[$-]]"\\n', 'exit 0\\n'] });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /flags are: \[\[[^\]]*m[^\]]*\]\]/);
  });
}

test('a child killed by Ctrl-C gives 130', () => {
  const r = onPty([ENTRYPOINT, '--', 'sh', '-c', 'echo ready; sleep 5'], { waitFor: 'ready', send: ['\\x03'] });
  assert.equal(r.code, 130, r.out);
});

test('tac reads the terminal until EOF', () => {
  const r = onPty([ENTRYPOINT, '--quiet', '--', 'tac'], { send: ['1\\n2\\n3\\n', '\\x04', '\\x04'] });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /3\n2\n1\n/);
});

test('the entrypoint takes the terminal back when the child exits', () => {
  const check = 'import os; print("fg-is-mine=%s" % (os.tcgetpgrp(0) == os.getpgrp()))';
  const r = onPty(['sh', '-c', `"${ENTRYPOINT}" -- true; python3 -c '${check}'`]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /fg-is-mine=True/);
});
