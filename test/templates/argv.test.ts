/**
 * The command line as templates: each argument with `{{`/`{%`/`{#` is rendered with the same
 * variables; the others pass untouched and never load nunjucks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { errorLine, templateScratch } from './fixture';

const NO_TREE = ['-t', '/nonexistent-templates', '--cache-dir', ''];

test('arguments are rendered with the variables', () => {
  const r = run([...NO_TREE, '--', 'printf', '%s|', '{{ GREETING }} {{ NAME | upper }}', '{% if N == "2" %}two{% endif %}', 'plain {not a template}'], {
    env: { GREETING: 'hello', NAME: 'world', N: '2' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello WORLD|two|plain {not a template}|');
});

test('the command itself may be a template', () => {
  const r = run([...NO_TREE, '--', '{{ TOOL }}', 'ok'], { env: { TOOL: 'echo' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ok\n');
});

test('an undefined variable in an argument is exit 1 naming the argument, and nothing runs', () => {
  const s = templateScratch();
  const marker = join(s.dir, 'ran');
  const r = run([...NO_TREE, '--', 'sh', '-c', `touch ${marker}; echo {{ NOT_SET }}`], { env: { NOT_SET: undefined } });
  assert.equal(r.code, 1);
  assert.equal(errorLine(r.stderr), `[entrypoint] error: argument 2, column ${`touch ${marker}; echo `.length + 4}: 'NOT_SET' is undefined`);
  assert.equal(require('node:fs').existsSync(marker), false);
});

test('--no-render-args passes arguments through untouched', () => {
  for (const args of [['--no-render-args'], []]) {
    const env = args.length ? { X: 'x' } : { X: 'x', ENTRYPOINT_NO_RENDER_ARGS: '1' };
    const r = run([...NO_TREE, ...args, '--', 'printf', '%s', '{{ X }}'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{{ X }}');
  }
});

test('arguments render with the variables even under SKIP_ENTRYPOINT', () => {
  const r = run([...NO_TREE, '--', 'printf', '%s', '{{ X }}'], { env: { X: 'x', SKIP_ENTRYPOINT: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'x');
});

test('nunjucks is not loaded without templates or template syntax in argv', () => {
  let r = run([...NO_TREE, '-v', '--', 'echo', 'a {b} c']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /loading nunjucks/);
  r = run([...NO_TREE, '-v', '--', 'echo', '{{ "a" }}']);
  assert.match(r.stderr, /loading nunjucks/);
  assert.equal(r.stdout, 'a\n');
});

test('an include from the jinja dir works in an argument', () => {
  const s = templateScratch();
  s.include('name.j2', '{{ NAME }}-suffix');
  const r = s.render({ env: { NAME: 'n' }, command: ['printf', '%s', '{% include "name.j2" %}'] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'n-suffix');
});
