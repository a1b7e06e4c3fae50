/**
 * The tini personality, black-box through a `tini` symlink to the installed bin. Wherever
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

describe('tini personality', () => {
  test('-h prints the usage on stdout and exits 0', () => {
    const r = agrees('tini', ['-h']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^tini \(tini version 0\.19\.0 - pid1 /);
    assert.match(r.stdout, /-e EXIT_CODE: Remap EXIT_CODE/);
    assert.equal(r.stderr, '');
  });

  test('--version alone prints the version; anywhere else it is an invalid option', () => {
    const r = agrees('tini', ['--version']);
    assert.match(r.stdout, /^tini version 0\.19\.0 - pid1 \d/);
    const m = marker();
    const bad = agrees('tini', ['--version', ...m.argv]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^tini: invalid option -- '-'\n/);
    assert.ok(!m.ran());
  });

  test('bad usage: tini\'s message and usage on stderr, exit 1, nothing started', () => {
    for (const args of [['-x'], ['--help'], ['-V'], ['-:'], ['-sx']]) {
      const m = marker();
      const r = agrees('tini', [...args, '--', ...m.argv]);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^tini: invalid option -- '.'\ntini \(tini version/);
      assert.equal(r.stdout, '');
      assert.ok(!m.ran(), `${args.join(' ')} started the command`);
    }
    for (const flag of ['-e', '-p']) {
      const r = agrees('tini', [flag]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^tini: option requires an argument -- '${flag[1]}'\\ntini \\(tini version`));
    }
  });

  test('options after the command are still options (glibc getopt): `tini sh -c x` fails, `--` fixes it', () => {
    const m = marker();
    const r = agrees('tini', m.argv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tini: invalid option -- 'c'/);
    assert.ok(!m.ran());
    assert.equal(agrees('tini', ['-s', '--', 'sh', '-c', 'exit 3']).code, 3);
    // Operands before `--` come first, in order: `tini -s sh -- -c 'exit 5'` runs sh -c 'exit 5'.
    assert.equal(agrees('tini', ['sh', '-s', '--', '-c', 'exit 5']).code, 5);
    // POSIXLY_CORRECT makes getopt stop at the first operand.
    assert.equal(agrees('tini', ['-s', 'sh', '-c', 'exit 4'], { POSIXLY_CORRECT: '1' }).code, 4);
  });

  test('no command: the usage on stderr, exit 1', () => {
    const r = agrees('tini', []);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tini \(tini version.*\nUsage: tini \[OPTIONS\] PROGRAM -- \[ARGS\] \| --version\n/);
  });

  test('-e CODE remaps to 0 (repeatable, attached or not); a bad CODE is fatal', () => {
    assert.equal(agrees('tini', ['-s', '-e', '3', '--', 'sh', '-c', 'exit 3']).code, 0);
    assert.equal(agrees('tini', ['-s', '-e4', '-e', '3', '--', 'sh', '-c', 'exit 4']).code, 0);
    assert.equal(agrees('tini', ['-s', '-e', '3', '--', 'sh', '-c', 'exit 5']).code, 5);
    assert.equal(agrees('tini', ['-s', '-e', '137', '--', 'sh', '-c', 'kill -9 $$']).code, 0);
    for (const bad of ['300', 'abc', '-1', '3x']) {
      const m = marker();
      const r = agrees('tini', ['-e', bad, '--', ...m.argv]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^\\[FATAL tini \\(\\d+\\)\\] Not a valid option for -e: ${bad}\\n$`));
      assert.ok(!m.ran());
    }
  });

  test('-p takes tini\'s signal names only', () => {
    for (const bad of ['sigkill', 'KILL', '9']) {
      const r = agrees('tini', ['-p', bad, '--', 'true']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`Not a valid option for -p: ${bad}\\n$`));
    }
    assert.equal(agrees('tini', ['-s', '-p', 'SIGKILL', '--', 'true']).code, 0);
  });

  test('-p SIGTERM: when the parent dies the entrypoint gets SIGTERM and forwards it', async () => {
    // The parent is a plain shell that exits after 0.5 s; nobody else would signal tini.
    const script = 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.05; done';
    const parent = spawn('sh', ['-c', `${join(bin.dir, 'tini')} -s -p SIGTERM -- sh -c '${script}' & sleep 0.5`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const check = () => (out.includes('got-term') ? resolve() : Date.now() - t0 > 10_000 ? reject(new Error(`no SIGTERM forwarded: ${out}`)) : setTimeout(check, 20));
        check();
      });
    } finally {
      try {
        process.kill(-parent.pid!, 'SIGKILL');
      } catch {
        // everything already exited
      }
    }
    assert.equal(out, 'ready\ngot-term\n');
  });

  test('-l prints a license, exit 0', () => {
    const r = ours(bin.dir, 'tini', ['-l']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /MIT License/);
  });

  test('signals go to the child only (own session only with -g or TINI_KILL_PROCESS_GROUP)', () => {
    assert.equal(ownSession(ours(bin.dir, 'tini', ['--', ...SESSION]).stdout), false);
    assert.equal(ownSession(ours(bin.dir, 'tini', ['-g', '--', ...SESSION]).stdout), true);
    assert.equal(ownSession(ours(bin.dir, 'tini', ['--', ...SESSION], { env: { TINI_KILL_PROCESS_GROUP: '' } }).stdout), true);
  });

  test('verbosity: -vv and TINI_VERBOSITY=3 log debug lines; TINI_VERBOSITY overrides -v', () => {
    assert.equal(ours(bin.dir, 'tini', ['--', 'true']).stderr, '');
    assert.match(ours(bin.dir, 'tini', ['-vv', '--', 'true']).stderr, /child spawned with PID/);
    assert.match(ours(bin.dir, 'tini', ['--', 'true'], { env: { TINI_VERBOSITY: '3' } }).stderr, /child spawned with PID/);
    assert.equal(ours(bin.dir, 'tini', ['-vvv', '--', 'true'], { env: { TINI_VERBOSITY: '1' } }).stderr, '');
    // TINI_VERBOSITY=0 is errors only: the warning of -w is gone, the exit code stays.
    const quiet = ours(bin.dir, 'tini', ['-w', '--', 'sh', '-c', '(sleep 0.05 &); sleep 0.3; exit 6'], { env: { TINI_VERBOSITY: '0' } });
    assert.equal(quiet.code, 6);
    assert.equal(quiet.stderr, '');
  });

  test('-w warns when an orphan is reaped', () => {
    const r = ours(bin.dir, 'tini', ['-w', '--', 'sh', '-c', '(sleep 0.05 &); sleep 0.3']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /reaped zombie process with pid=\d+/);
  });

  test('ENTRYPOINT ["tini", "--"] with a CMD: exit codes and signals as with tini', () => {
    assert.equal(agrees('tini', ['-s', '--', 'sh', '-c', 'echo out; echo err >&2; exit 42']).code, 42);
    assert.equal(agrees('tini', ['-s', '--', 'sh', '-c', 'kill -TERM $$']).code, 143);
    const missing = ours(bin.dir, 'tini', ['--', '/does/not/exist']);
    assert.equal(missing.code, 127);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
  });

  test('ENTRYPOINT_* variables still apply, below tini\'s own flags and variables', () => {
    const env = { ENTRYPOINT_REMAP_EXIT: '3' };
    assert.equal(ours(bin.dir, 'tini', ['--', 'sh', '-c', 'exit 3'], { env }).code, 0);
    assert.equal(ours(bin.dir, 'tini', ['-e', '4', '--', 'sh', '-c', 'exit 3'], { env }).code, 3);
    // tini's default (signal the child only) is explicit, so it beats ENTRYPOINT_NO_SETSID.
    assert.equal(ownSession(ours(bin.dir, 'tini', ['--', ...SESSION], { env: { ENTRYPOINT_NO_SETSID: '0' } }).stdout), false);
    assert.equal(ours(bin.dir, 'tini', ['--', 'true'], { env: { ENTRYPOINT_GRACE: 'abc' } }).code, 2);
  });

  test('--compat tini and ENTRYPOINT_COMPAT=tini select the same personality', () => {
    assert.match(run(['--compat', 'tini', '-h']).stdout, /^tini \(tini version/);
    assert.match(run(['--compat=tini', '--version']).stdout, /^tini version/);
    assert.equal(run(['-e', '3', '--', 'sh', '-c', 'exit 3'], { env: { ENTRYPOINT_COMPAT: 'tini' } }).code, 0);
    const bad = run(['--compat', 'runit', 'true']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^\[entrypoint\] error: --compat: expected dumb-init or tini, got 'runit'/);
  });
});

