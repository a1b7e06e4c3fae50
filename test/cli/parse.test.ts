/**
 * The entrypoint's own command line, black-box: where options stop, bundling and attached
 * values, bad input (one line, exit 2, nothing started), --help and --version, shebang use and
 * an entrypoint running an entrypoint.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRYPOINT, ROOT, run } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'pid1-parse-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let marks = 0;
/** A command that leaves a file behind if it runs: proof that nothing was started. */
function marker(): { argv: string[]; ran(): boolean } {
  const file = join(dir, `ran-${++marks}`);
  return { argv: ['sh', '-c', `touch ${file}`], ran: () => existsSync(file) };
}

/** Exit 2, exactly one line on stderr naming the problem and pointing to --help, nothing ran. */
function rejects(args: string[], reason: RegExp, env: Record<string, string> = {}): void {
  const m = marker();
  const r = run([...args, ...m.argv], { env });
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  assert.match(lines[0]!, /^\[entrypoint\] error: /);
  assert.match(lines[0]!, reason);
  assert.match(lines[0]!, /\(see 'entrypoint --help'\)$/);
  assert.ok(!m.ran(), `${args.join(' ')} started the command`);
}

describe('where options end', () => {
  test('the first non-option is the command: its own flags are its own', () => {
    const r = run(['sh', '-c', 'echo "$@"', 'sh', '-v', '--grace', 'x', '--']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '-v --grace x --\n');
    assert.equal(r.stderr, '');
  });

  test('-- ends the options, even before a dash-named command', () => {
    const r = run(['-q', '--', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
    assert.equal(run(['--', '-c']).code, 127);
  });

  test('bundled flags and attached values: -vc, -rterm:quit, -r term:quit, --grace=3', () => {
    const bundled = run(['-vc', 'true']);
    assert.equal(bundled.code, 0);
    assert.match(bundled.stderr, /child spawned with PID/);
    for (const args of [['-rterm:quit'], ['-r', 'term:quit'], ['--rewrite=term:quit'], ['-vrterm:quit'], ['--grace=3'], ['--grace', '3']]) {
      const r = run([...args, '--', 'sh', '-c', 'exit 4']);
      assert.equal(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('bad input: one line, exit 2, nothing started', () => {
  test('unknown options, a missing value, a value on a flag', () => {
    rejects(['--bogus'], /unknown option '--bogus'/);
    rejects(['-x'], /unknown option '-x'/);
    rejects(['-vx'], /unknown option '-x'/);
    rejects(['--no-setsid=1'], /option '--no-setsid' takes no value/);
    const r = run(['--grace']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^\[entrypoint\] error: option '--grace' needs a value \(SECONDS\)/);
  });

  test('--compat anywhere but first', () => {
    rejects(['-v', '--compat', 'tini'], /--compat must be the first argument/);
  });

  test('missing command', () => {
    for (const args of [[], ['-v'], ['--']]) {
      const r = run(args);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, "[entrypoint] error: missing COMMAND (see 'entrypoint --help')\n");
    }
  });

  test('bad rewrites name the option and the value', () => {
    rejects(['-r', 'term'], /option -r: expected SRC:DST \(e\.g\. term:quit\), got 'term'/);
    rejects(['-r', 'term:'], /option -r: expected SRC:DST.*got 'term:'/);
    rejects(['-r', ':quit'], /option -r: expected SRC:DST.*got ':quit'/);
    rejects(['-r', 'foo:bar'], /option -r: 'foo' is not a signal name/);
    rejects(['-r', 'term:bar'], /option -r: 'bar' is not a signal name/);
    rejects(['--rewrite=term:quit:x'], /option --rewrite: expected SRC:DST.*got 'term:quit:x'/);
    rejects(['-r', '99:1'], /option -r: '99' is not a signal number/);
  });

  test('bad values of other options', () => {
    rejects(['--grace', 'abc'], /option --grace: expected a number of seconds >= 0, got 'abc'/);
    rejects(['--grace=-1'], /option --grace: expected a number of seconds >= 0/);
    rejects(['--remap-exit', '256'], /option --remap-exit: expected an exit code 0-255, got '256'/);
    rejects(['--log-format', 'xml'], /option --log-format: expected one of text, json, got 'xml'/);
  });

  test('bad environment values name the variable', () => {
    rejects([], /environment variable ENTRYPOINT_GRACE: expected a number of seconds >= 0, got 'abc'/, { ENTRYPOINT_GRACE: 'abc' });
    rejects([], /environment variable ENTRYPOINT_NO_SETSID: expected a boolean .* got 'maybe'/, { ENTRYPOINT_NO_SETSID: 'maybe' });
    rejects([], /environment variable ENTRYPOINT_REWRITE: expected SRC:DST/, { ENTRYPOINT_REWRITE: 'term:quit,int' });
  });
});

describe('--help and --version', () => {
  test('--help: usage on stdout, every visible option, no hidden one, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag, 'ignored']);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^entrypoint \d+\.\d+\.\d+\S*: /);
      assert.match(r.stdout, /\nUsage: entrypoint \[OPTIONS\] \[--\] COMMAND \[ARGS\.\.\.\]\n/);
      for (const option of ['--verbose', '--quiet', '--config FILE', '--plugin NAME[=JSON]', '--rewrite SRC:DST', '--grace SECONDS', '--remap-exit CODE', '--no-setsid', '--no-init']) {
        assert.ok(r.stdout.includes(option), `--help lists ${option}`);
      }
      for (const hidden of ['--compat', '--warn-on-reap', '--parent-death-signal']) assert.ok(!r.stdout.includes(hidden), `--help hides ${hidden}`);
    }
  });

  test('--help: lines fit a terminal', () => {
    const long = run(['--help']).stdout.split('\n').filter((l) => l.length > 100);
    assert.deepEqual(long, []);
  });

  test('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `entrypoint ${version}\n`);
  });
});

describe('shebang and chaining', () => {
  test('#!/path/to/entrypoint /bin/sh runs the script under the entrypoint', () => {
    const script = join(dir, 'script.sh');
    writeFileSync(script, `#!${ENTRYPOINT} /bin/sh\necho "args: $*"\nexit 5\n`);
    chmodSync(script, 0o755);
    const s = spawnSync(script, ['a', 'b c'], { encoding: 'utf8' });
    assert.equal(s.stdout, 'args: a b c\n');
    assert.equal(s.status, 5);
    assert.equal(s.stderr, '');
  });

  test('an entrypoint running an entrypoint is transparent (output and exit code)', () => {
    const r = run(['--no-setsid', '--', ENTRYPOINT, '--no-setsid', 'sh', '-c', 'echo hi; echo err >&2; exit 7']);
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.code, 7);
    const killed = run(['--', ENTRYPOINT, 'sh', '-c', 'kill -TERM $$']);
    assert.equal(killed.code, 143);
  });
});
