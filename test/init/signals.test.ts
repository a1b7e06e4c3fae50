/**
 * Signals reach the child: every forwardable one, in arrival order, through the rewrite table,
 * to the whole group by default and to the pid only with --no-setsid. Both as PID 1 of a PID
 * namespace and as a plain parent (subreaper).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { constants } from 'node:os';
import { IS_ROOT, ROOT, start } from '../helpers/cli';
import { entrypointPid } from '../helpers/proc';

const PRINTER = join(ROOT, 'test', 'fixtures', 'init', 'print-signals.py');
const sig = (name: string) => (constants.signals as Record<string, number>)[`SIG${name}`]!;

/** Every catchable 1-31 but CHLD and the three job-control stops (tested separately). */
const FORWARDED = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM',
  'TERM', 'STKFLT', 'CONT', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

async function withPrinter(args: string[], pid1: boolean, body: (send: (s: string) => Promise<string[]>) => Promise<void>) {
  const ep = start([...args, '--', 'python3', PRINTER], { pid1 });
  try {
    await ep.waitFor('ready');
    const pid = await entrypointPid(ep.child.pid!, pid1);
    let seen = 0;
    const lines = () => ep.stdout.split('\n').filter((l) => l && !l.startsWith('ready'));
    await body(async (name: string) => {
      const before = lines().length;
      process.kill(pid, sig(name));
      // Wait for the answer, then a little longer so that a wrong extra delivery shows up.
      for (let i = 0; i < 100 && lines().length === before; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 30));
      const now = lines();
      const fresh = now.slice(seen);
      seen = now.length;
      return fresh;
    });
  } finally {
    await ep.stop();
  }
}

for (const pid1 of [false, true]) {
  const where = pid1 ? 'as PID 1' : 'as a plain parent';
  test(`every forwardable signal arrives, in arrival order, ${where}`, { skip: pid1 && !IS_ROOT }, async () => {
    await withPrinter(['--grace', '60'], pid1, async (send) => {
      for (const name of FORWARDED) assert.deepEqual(await send(name), [`SIG${name}`], name);
    });
  });
  test(`a burst of every forwardable signal all arrive ${where}`, { skip: pid1 && !IS_ROOT }, async () => {
    const ep = start(['--grace', '60', '--', 'python3', PRINTER], { pid1 });
    try {
      await ep.waitFor('ready');
      const pid = await entrypointPid(ep.child.pid!, pid1);
      // Pending standard signals are delivered by number, not by sending order, so only the
      // set is compared here; the order is checked one signal at a time above.
      for (const name of FORWARDED) process.kill(pid, sig(name));
      const expected = FORWARDED.map((n) => `SIG${n}`).sort();
      const got = () => ep.stdout.split('\n').filter((l) => l && !l.startsWith('ready')).sort();
      for (let i = 0; i < 200 && got().length < expected.length; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(got(), expected);
    } finally {
      await ep.stop();
    }
  });
}

test('rewrites: names, SIG prefix, numbers, none, later wins, one lookup (swap)', async () => {
  await withPrinter(['--grace', '60', '-r', 'term:quit', '-r', 'SIGHUP:SIGUSR1', '-r', '12:10', '-r', 'winch:none', '-r', 'urg:0',
    '-r', 'alrm:usr1', '-r', 'alrm:prof', '-r', 'int:pwr', '-r', 'pwr:int'], false, async (send) => {
    assert.deepEqual(await send('TERM'), ['SIGQUIT']);
    assert.deepEqual(await send('HUP'), ['SIGUSR1']);
    assert.deepEqual(await send('USR2'), ['SIGUSR1']);
    assert.deepEqual(await send('WINCH'), []);
    assert.deepEqual(await send('URG'), []);
    assert.deepEqual(await send('ALRM'), ['SIGPROF']);
    assert.deepEqual(await send('INT'), ['SIGPWR']);
    assert.deepEqual(await send('PWR'), ['SIGINT']);
    assert.deepEqual(await send('IO'), ['SIGIO']);
  });
});

/** A shell that starts two printers in its group and traps USR2 itself. */
function family(): string[] {
  return ['sh', '-c', `trap 'echo sh:SIGUSR2' USR2; PRINT_PREFIX=a: python3 ${PRINTER} & PRINT_PREFIX=b: python3 ${PRINTER} & while :; do wait; done`];
}

test('by default signals go to the whole process group', async () => {
  const ep = start(['--', ...family()]);
  try {
    await ep.waitFor(/a:ready[\s\S]*b:ready|b:ready[\s\S]*a:ready/);
    process.kill(ep.child.pid!, 'SIGUSR2');
    await ep.waitFor(/a:SIGUSR2/);
    await ep.waitFor(/b:SIGUSR2/);
    await ep.waitFor(/sh:SIGUSR2/);
  } finally {
    await ep.stop();
  }
});

test('with --no-setsid signals go to the child pid only', async () => {
  const ep = start(['--no-setsid', '--', ...family()]);
  try {
    await ep.waitFor(/a:ready[\s\S]*b:ready|b:ready[\s\S]*a:ready/);
    process.kill(ep.child.pid!, 'SIGUSR2');
    await ep.waitFor(/sh:SIGUSR2/);
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(ep.stdout, /[ab]:SIGUSR2/);
  } finally {
    await ep.stop();
  }
});

test('SIGUSR1 to the entrypoint does not open the Node inspector', async () => {
  await withPrinter([], false, async (send) => {
    assert.deepEqual(await send('USR1'), ['SIGUSR1']);
    const tcp = require('node:fs').readFileSync('/proc/net/tcp', 'utf8') as string;
    assert.doesNotMatch(tcp, /:240D /i, 'nothing listens on port 9229');
  });
});
