/**
 * The dumb-init personality, black-box through a `dumb-init` symlink to the installed bin. Wherever
 * the real Debian tool is installed, the same command line is run through both and the answers
 * (stdout, stderr, exit code) must agree.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { ours, ownSession, personalityKit, SESSION } from './tools';

const { bin, marker, agrees, cleanup } = personalityKit();
after(cleanup);

describe('dumb-init personality', () => {
  test('-h and -V print on stderr and exit 0, as dumb-init does', () => {
    for (const flag of ['-h', '--help', '--he']) {
      const r = agrees('dumb-init', [flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^dumb-init v1\.2\.5 \(pid1 .*\)\nUsage: dumb-init \[option\] command \[\[arg\] \.\.\.\]\n/);
    }
    for (const flag of ['-V', '--version']) assert.match(agrees('dumb-init', [flag]).stderr, /^dumb-init v1\.2\.5 \(pid1 [^)]+\)\n$/);
  });

  test('bad usage: getopt_long\'s message, exit 1, nothing started', () => {
    for (const args of [['-x'], ['--bogus'], ['--bogus=1'], ['--ver'], ['--single-child=1'], ['-x', '-h']]) {
      const m = marker();
      const r = agrees('dumb-init', [...args, ...m.argv]);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^dumb-init: (invalid|unrecognized|option)/);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
      assert.ok(!m.ran());
    }
    assert.match(agrees('dumb-init', ['-r']).stderr, /^dumb-init: option requires an argument -- 'r'\n$/);
    assert.match(agrees('dumb-init', ['--rewrite']).stderr, /^dumb-init: option '--rewrite' requires an argument\n$/);
  });

  test('-r takes numbers s:r (s 1-31, r 0-31), like sscanf("%d:%d")', () => {
    for (const bad of ['15', '15:', 'foo:bar', 'term:quit', '0:3', '15:32', '-1:3', '0x0f:3', '']) {
      const m = marker();
      const r = agrees('dumb-init', ['-r', bad, ...m.argv]);
      assert.equal(r.code, 1, bad);
      assert.match(r.stderr, /^Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31\.\n/);
      assert.ok(!m.ran(), `-r ${bad} started the command`);
    }
    for (const good of ['15:3', '15:0', '15:3:4', '15:3x', ' 15: 3', '31:31']) {
      assert.equal(agrees('dumb-init', ['-r', good, 'sh', '-c', 'exit 7']).code, 7, good);
    }
    assert.equal(agrees('dumb-init', ['-r15:3', '--rewrite=2:0', '--rew', '3:1', 'true']).code, 0);
  });

  test('no command: two lines of usage on stderr, exit 1', () => {
    for (const args of [[], ['-c'], ['--']]) {
      const r = agrees('dumb-init', args);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n');
    }
  });

  test('the first operand ends the options: `dumb-init sh -c x` works', () => {
    const r = agrees('dumb-init', ['sh', '-c', 'echo "$@"; exit 3', 'sh', '-v', '--help']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '-v --help\n');
    assert.equal(agrees('dumb-init', ['-c', '--', 'sh', '-c', 'kill -QUIT $$']).code, 131);
  });

  test('setsid by default; -c, --single-child and DUMB_INIT_SETSID=0 signal the child only', () => {
    assert.equal(ownSession(ours(bin.dir, 'dumb-init', SESSION).stdout), true);
    assert.equal(ownSession(ours(bin.dir, 'dumb-init', ['-c', ...SESSION]).stdout), false);
    assert.equal(ownSession(ours(bin.dir, 'dumb-init', ['--single-child', ...SESSION]).stdout), false);
    assert.equal(ownSession(ours(bin.dir, 'dumb-init', SESSION, { env: { DUMB_INIT_SETSID: '0' } }).stdout), false);
    assert.equal(ownSession(ours(bin.dir, 'dumb-init', SESSION, { env: { DUMB_INIT_SETSID: 'no' } }).stdout), true);
  });

  test('-v and DUMB_INIT_DEBUG=1 (only 1) log debug lines', () => {
    assert.equal(ours(bin.dir, 'dumb-init', ['true']).stderr, '');
    assert.match(ours(bin.dir, 'dumb-init', ['-v', 'true']).stderr, /child spawned with PID/);
    assert.match(ours(bin.dir, 'dumb-init', ['true'], { env: { DUMB_INIT_DEBUG: '1' } }).stderr, /child spawned with PID/);
    assert.equal(ours(bin.dir, 'dumb-init', ['true'], { env: { DUMB_INIT_DEBUG: 'yes' } }).stderr, '');
  });

  test('-r 15:10 delivers SIGUSR1 when SIGTERM arrives', async () => {
    const child = spawn(join(bin.dir, 'dumb-init'), ['-r', '15:10', 'sh', '-c', 'trap "echo usr1; exit 0" USR1; echo ready; while :; do sleep 0.05; done'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out === 'ready\n') child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(out, 'ready\nusr1\n');
    assert.equal(code, 0);
  });

  test('a command that cannot be executed exits 2, as with dumb-init', () => {
    for (const cmd of ['/does/not/exist', 'no-such-command-anywhere', '/tmp']) {
      const r = agrees('dumb-init', [cmd], { LC_ALL: 'C' }, { stderr: false });
      assert.equal(r.code, 2, cmd);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
    }
    assert.equal(run(['no-such-command-anywhere']).code, 127, 'the entrypoint itself keeps 127');
  });

  test('--compat dumb-init works on the entrypoint itself', () => {
    const r = run(['--compat', 'dumb-init', '-c', 'sh', '-c', 'exit 9']);
    assert.equal(r.code, 9);
  });
});
