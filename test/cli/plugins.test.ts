/**
 * Third-party plugins (`--plugin NAME[=JSON]`), black-box: packages are written into a temp
 * dir's node_modules (and a fake global prefix) and the entrypoint runs with that cwd. The probe
 * fixture passes what it was given to the child in $PROBE.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IS_ROOT, ROOT, run, type RunOptions } from '../helpers/cli';

const PROBE = join(ROOT, 'test', 'fixtures', 'plugins', 'probe.js');
const image = mkdtempSync(join(tmpdir(), 'pid1-plugins-'));
const globalPrefix = join(image, 'usr-local');
after(() => rmSync(image, { recursive: true, force: true }));

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
/** A package `name` in node_modules under `root`, whose main is the probe (or `source`). */
function pkg(root: string, name: string, source?: string): void {
  const at = join(root, 'node_modules', name);
  mkdirSync(at, { recursive: true });
  writeFile(join(at, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'main.js' }));
  if (source === undefined) copyFileSync(PROBE, join(at, 'main.js'));
  else writeFile(join(at, 'main.js'), source);
}

pkg(image, 'pid1-plugin-probe');
pkg(image, '@acme/pid1-plugin-probe');
pkg(image, 'plain-probe');
pkg(join(globalPrefix, 'lib'), 'pid1-plugin-global');
copyFileSync(PROBE, join(image, 'local-probe.js'));
pkg(image, 'pid1-plugin-esm-default', `exports.default = { name: 'esm-default', apply(ep) { ep.hooks.spawn.tap('esm-default', (c) => ({ ...c, env: { ...c.env, PROBE: '"esm"' } })); } };`);
pkg(image, 'pid1-plugin-throws', `throw new Error('broken on load');`);
pkg(image, 'pid1-plugin-syntax', `module.exports = {;`);
pkg(image, 'pid1-plugin-nothing', `module.exports = { hello: 1 };`);

let marks = 0;
/** The child prints $PROBE; the marker file proves whether it ran. */
function probeCommand(): { argv: string[]; ran(): boolean } {
  const file = join(image, `ran-${++marks}`);
  return { argv: ['sh', '-c', `touch ${file}; printf '%s' "$PROBE"`], ran: () => existsSync(file) };
}
const opts = (extra: RunOptions = {}): RunOptions => ({ cwd: image, ...extra, env: { npm_config_prefix: globalPrefix, ...extra.env } });

/** Runs with the plugin args and returns what the probe saw. */
function probe(args: string[], extra: RunOptions = {}): { options: Record<string, unknown>; greeting: string; loud: boolean } {
  const cmd = probeCommand();
  const r = run([...args, '--', ...cmd.argv], opts(extra));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

/** Exit 2 (or `code`), one error line matching `reason`, nothing started. */
function rejects(args: string[], reason: RegExp, code = 2, extra: RunOptions = {}): void {
  const cmd = probeCommand();
  const r = run([...args, '--', ...cmd.argv], opts(extra));
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^\[entrypoint\] error: /);
  assert.match(lines[0]!, reason);
  assert.ok(!cmd.ran(), 'the command must not start');
}

describe('resolving --plugin NAME', () => {
  test('NAME finds pid1-plugin-NAME in the working directory\'s node_modules', () => {
    assert.deepEqual(probe(['--plugin', 'probe']).options, {});
  });

  test('the full package name, a bare package name, a scoped one', () => {
    assert.equal(probe(['--plugin', 'pid1-plugin-probe']).greeting, 'default');
    assert.equal(probe(['--plugin', 'plain-probe']).greeting, 'default');
    assert.equal(probe(['--plugin', '@acme/probe']).greeting, 'default');
    assert.equal(probe(['--plugin', '@acme/pid1-plugin-probe']).greeting, 'default');
  });

  test('a path, relative to the working directory or absolute', () => {
    assert.equal(probe(['--plugin', './local-probe.js']).greeting, 'default');
    assert.equal(probe(['--plugin', join(image, 'local-probe.js')]).greeting, 'default');
  });

  test('the global node_modules (<prefix>/lib/node_modules)', () => {
    assert.equal(probe(['--plugin', 'global']).greeting, 'default');
  });

  test('an ES-module style `default` export', () => {
    const cmd = probeCommand();
    const r = run(['--plugin', 'esm-default', '--', ...cmd.argv], opts());
    assert.equal(r.stdout, '"esm"');
  });

  test('from ENTRYPOINT_PLUGIN and from the config file', () => {
    assert.equal(probe([], { env: { ENTRYPOINT_PLUGIN: 'probe' } }).greeting, 'default');
    writeFile(join(image, 'plugins.yml'), 'plugin: [probe]\nprobe-greeting: from-file\n');
    assert.equal(probe(['--config', 'plugins.yml']).greeting, 'from-file');
  });
});

describe('options of and for a plugin', () => {
  test('--plugin NAME=JSON hands the JSON to a factory export', () => {
    assert.deepEqual(probe(['--plugin', 'probe={"level":3,"tags":["a"]}']).options, { level: 3, tags: ['a'] });
  });

  test('ENTRYPOINT_PLUGIN splits at commas, but not inside the JSON', () => {
    const seen = probe([], { env: { ENTRYPOINT_PLUGIN: 'probe={"a":1,"b":"x,y"}' } });
    assert.deepEqual(seen.options, { a: 1, b: 'x,y' });
    const cmd = probeCommand();
    const two = run(['--', ...cmd.argv], opts({ env: { ENTRYPOINT_PLUGIN: 'probe={"a":[1,2]},esm-default' } }));
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, '"esm"', 'both loaded: the later spawn tap wins');
  });

  test('a plugin\'s declared options become --flags, ENTRYPOINT_ variables and config keys', () => {
    assert.equal(probe(['--plugin', 'probe', '--probe-greeting', 'hi']).greeting, 'hi');
    assert.equal(probe(['--plugin', 'probe', '--probe-greeting=hi', '--probe-loud']).loud, true);
    assert.equal(probe(['--plugin', 'probe'], { env: { ENTRYPOINT_PROBE_GREETING: 'env' } }).greeting, 'env');
    assert.equal(probe(['--plugin', 'probe', '--probe-greeting', 'cli'], { env: { ENTRYPOINT_PROBE_GREETING: 'env' } }).greeting, 'cli');
  });

  test('a --plugin after another plugin\'s `--option VALUE` is loaded too', () => {
    const cmd = probeCommand();
    const r = run(['--plugin', 'probe', '--probe-greeting', 'hi', '--plugin', 'esm-default', '--', ...cmd.argv], opts());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"esm"', 'esm-default loaded: its spawn tap runs last');
  });

  test('a --plugin the first look could not see is an error, never silently dropped', () => {
    rejects(['--probe-greeting', 'hi', '--plugin', 'esm-default'], /--plugin esm-default was not seen before the options around it were known: put --plugin options first/, 2, { env: { ENTRYPOINT_PLUGIN: 'probe' } });
  });

  test('--help lists a loaded plugin\'s options', () => {
    const r = run(['--plugin', 'probe', '--help'], opts());
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--probe-greeting TEXT +what the probe reports \(default: default\)/);
  });

  test('without the plugin its options are unknown', () => {
    rejects(['--probe-greeting', 'hi'], /unknown option '--probe-greeting'/);
  });
});

describe('plugins that fail: one line naming the plugin, nothing started', () => {
  test('not found', () => {
    rejects(['--plugin', 'nope'], /plugin 'nope': not found \(looked for nope, pid1-plugin-nope from /);
    rejects(['--plugin', './missing.js'], /plugin '\.\/missing\.js': no such file/);
  });

  test('bad JSON options', () => {
    rejects(['--plugin', 'probe={level:3}'], /plugin 'probe': bad options JSON: /);
    rejects(['--plugin', 'probe=[1]'], /plugin 'probe': bad options JSON: options must be a JSON object/);
  });

  test('throws while loading, or does not even parse', () => {
    rejects(['--plugin', 'throws'], /plugin 'throws' failed to load: broken on load/);
    rejects(['--plugin', 'syntax'], /plugin 'syntax' failed to load: Unexpected token/);
  });

  test('is not a plugin', () => {
    rejects(['--plugin', 'nothing'], /plugin 'nothing' \(.*pid1-plugin-nothing.*\) does not export a plugin/);
  });

  test('anybody could have changed it: a world-writable file or directory', () => {
    pkg(image, 'pid1-plugin-open-file');
    chmodSync(join(image, 'node_modules', 'pid1-plugin-open-file', 'main.js'), 0o666);
    rejects(['--plugin', 'open-file'], /plugin 'open-file': \S+pid1-plugin-open-file\/main\.js is world-writable \(mode 0666\); run chmod o-w on it/);
    pkg(image, 'pid1-plugin-open-dir');
    chmodSync(join(image, 'node_modules', 'pid1-plugin-open-dir'), 0o777);
    rejects(['--plugin', 'open-dir'], /plugin 'open-dir': \S+pid1-plugin-open-dir is world-writable \(mode 0777\)/);
  });

  test('as root, a plugin file that is not root\'s, or is group-writable, is refused (it is code PID 1 runs)', { skip: !IS_ROOT }, () => {
    pkg(image, 'pid1-plugin-foreign');
    chownSync(join(image, 'node_modules', 'pid1-plugin-foreign', 'main.js'), 4242, 4242);
    rejects(['--plugin', 'foreign'], /plugin 'foreign': \S+main\.js is owned by uid 4242, not root, and the entrypoint runs as root/);
    pkg(image, 'pid1-plugin-group');
    chmodSync(join(image, 'node_modules', 'pid1-plugin-group', 'main.js'), 0o664);
    rejects(['--plugin', 'group'], /plugin 'group': \S+main\.js is group-writable \(mode 0664\)/);
  });

  test('throws in apply: exit 2', () => {
    rejects(['--plugin', 'probe={"fail":"apply"}'], /plugin 'probe' failed to start: cannot apply/);
  });

  test('a tap throws at run time: exit 1 naming the plugin and the stage', () => {
    rejects(['--plugin', 'probe={"fail":"hook"}'], /plugin 'probe' failed in hook: boom in hook/, 1);
  });
});
