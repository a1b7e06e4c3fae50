/**
 * Jinja semantics on nunjucks: strict undefined in every construct, `default` and `is defined`,
 * include lookup order, the seed's filters and globals, Jinja built-ins nunjucks lacks, and
 * error messages that name the file, line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, templateScratch } from './fixture';

const STRICT_CASES: [string, string, string][] = [
  ['output', '{{ NOPE }}', "'NOPE' is undefined"],
  ['if', '{% if NOPE %}y{% endif %}', "'NOPE' is undefined"],
  ['for', '{% for x in NOPE %}{{ x }}{% endfor %}', "'NOPE' is undefined"],
  ['filter', '{{ NOPE | upper }}', "'NOPE' is undefined"],
  ['attribute of a defined value', '{{ HOME.nope }}', "'HOME.nope' is undefined"],
  ['attribute of an undefined value', '{{ NOPE.attr | default("d") }}', "'NOPE' is undefined"],
  ['~ concatenation', '{{ NOPE ~ "a" }}', "'NOPE' is undefined"],
  ['comparison', '{{ NOPE == 1 }}', "'NOPE' is undefined"],
  ['set', '{% set y = NOPE %}', "'NOPE' is undefined"],
  ['inline if', '{{ "a" if NOPE else "b" }}', "'NOPE' is undefined"],
];

test('an undefined name is an error in every construct, naming template, line and column', () => {
  const s = templateScratch();
  for (const [what, body, message] of STRICT_CASES) {
    s.template('case.conf', `first line\n  ${body}\n`);
    const r = s.render({ env: { NOPE: undefined } });
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    const line = errorLine(r.stderr);
    assert.ok(line.startsWith(`[entrypoint] error: template ${join(s.T, 'case.conf')}:2:`), `${what}: ${line}`);
    assert.ok(line.endsWith(`: ${message}`), `${what}: ${line}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no JS stack');
    assert.equal(s.exists('case.conf'), false);
  }
});

test('default, is defined and is undefined still work on undefined names', () => {
  const s = templateScratch();
  s.template('ok.conf', [
    '{{ NOPE | default("d1") }}',
    '{{ NOPE | d("d2") }}',
    '{{ HOME.nope | default("d3") }}',
    '{{ EMPTY | default("d4", true) }}|{{ EMPTY | default("d5", boolean=true) }}|{{ EMPTY | default("d6") }}|',
    '{{ NOPE is defined }} {{ NOPE is undefined }} {{ HOME is defined }}',
    '{% if NOPE is defined and NOPE %}bad{% else %}guarded{% endif %}',
    '{{ none }} {{ None }}|{% set n = none %}{{ n | default("not used") }}',
    '{{ "<b>&" }}',
    '',
  ].join('\n'));
  const r = s.render({ env: { NOPE: undefined, EMPTY: '' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('ok.conf'), [
    'd1', 'd2', 'd3', 'd4|d5||', 'false true true', 'guarded',
    'None None|None', // null prints like Jinja's None, and is defined (default does not apply)
    '<b>&', // autoescape is off
    '',
  ].join('\n'));
});

test('include, import and extends look in the templates root first, then the jinja dir', () => {
  const s = templateScratch();
  s.template('shared.j2', 'from templates root\n');
  s.include('shared.j2', 'from jinja dir (shadowed)\n');
  s.include('only-jinja.j2', 'from jinja dir {{ V }}\n');
  s.include('macros.j2', '{% macro pair(k, v) %}{{ k }}={{ v }}{% endmacro %}');
  s.include('base.j2', 'head\n{% block body %}{% endblock %}tail\n');
  s.template('app.conf', [
    '{% extends "base.j2" %}{% import "macros.j2" as m %}',
    '{% block body %}{% include "shared.j2" %}{% include "only-jinja.j2" %}{{ m.pair("a", V) }}',
    '{% endblock %}',
  ].join('\n'));
  const r = s.render({ env: { V: 'v' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.read('app.conf'), 'head\nfrom templates root\nfrom jinja dir v\na=v\ntail\n');
  assert.equal(s.exists('only-jinja.j2'), false, 'include-only templates are not rendered');
  assert.equal(s.read('shared.j2'), 'from templates root\n', 'a template in the tree is rendered too');
});

test('an undefined name inside an included template names the included file', () => {
  const s = templateScratch();
  s.include('inner.j2', 'ok\n{{ INNER_NOPE }}\n');
  s.template('outer.conf', 'x\n{% include "inner.j2" %}\n');
  const r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), new RegExp(`template ${join(s.J, 'inner.j2')}:2:4: 'INNER_NOPE' is undefined$`));
});

test("the seed's filters and globals, and Jinja built-ins nunjucks lacks", () => {
  const s = templateScratch();
  const lines: [string, string][] = [
    ['{{ " a b  c " | split | tojson }}', '["a", "b", "c"]'],
    ['{{ "a,b,c" | split(",") | tojson }} {{ "a,b,c" | split(",", maxsplit=1) | tojson }}', '["a", "b", "c"] ["a", "b,c"]'],
    ['{{ {"a": [0, 1], "b": none} | to_json }}', '{"a": [0, 1], "b": null}'],
    ['{{ {"b": 1, "a": 2} | to_pretty_json }}', '{\n    "a": 2,\n    "b": 1\n}'],
    ['{{ {"b": "<&>", "a": 1} | tojson }}', '{"a": 1, "b": "\\u003c\\u0026\\u003e"}'],
    ['{{ [3, 1, 3, 2, 1] | unique | tojson }} {{ [{"x": 1}, {"x": 1}] | unique | tojson }}', '[3, 1, 2] [{"x": 1}]'],
    ['{{ [1, 2] | union([2, 3]) | tojson }} {{ [1, 2, 3] | intersect([2, 3, 4]) | tojson }}', '[1, 2, 3] [2, 3]'],
    ['{{ [1, 2, 3] | difference([2]) | tojson }} {{ [1, 2, 3] | symmetric_difference([3, 5]) | tojson }}', '[1, 3] [1, 2, 5]'],
    ['{{ [[1, 2]] | intersect([[1, 2], [3]]) | tojson }} {{ [1] | intersect([2]) | tojson }}', '[[1, 2]] []'],
    ['{{ {"a": 1, "b": 2} | items | tojson }}', '[["a", 1], ["b", 2]]'],
    ['{% for k, v in {"a": 1} | items %}{{ k }}={{ v }}{% endfor %} {% for k, v in {"b": 2}.items() %}{{ k }}={{ v }}{% endfor %}', 'a=1 b=2'],
    ['{{ USERS | map(attribute="name") | join(",") }} {{ ["a", "b"] | map("upper") | join }}', 'ann,bob AB'],
    ['{{ USERS | selectattr("admin") | map(attribute="name") | join }} {{ USERS | rejectattr("admin") | map(attribute="name") | join }}', 'ann bob'],
    ['{{ USERS | selectattr("name", "equalto", "bob") | list | length }} {{ USERS | join(",", attribute="name") }}', '1 ann,bob'],
    ['{{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ (USERS | max(attribute="age")).name }}', '1 3 ann'],
    ['{{ min(3, 1, 2) }} {{ max([4, 9]) }} {{ abs(-42) }} {{ round(3.14159) }} {{ round(3.14159, 1) }} {{ round(2.5) }}', '1 9 42 3 3.1 2'],
    ['{{ all([1, 0]) }} {{ any([0, 1]) }} {{ zip([0, 1], [1, 2]) | tojson }}', 'false true [[0, 1], [1, 2]]'],
    ['{{ dict(a=1, b="x") | tojson }} {% set ns = namespace(n=0) %}{% for i in [1, 2, 3] %}{% do ns.update({"n": ns.n + i}) %}{% endfor %}{{ ns.n }}', '{"a": 1, "b": "x"} 6'],
    ['{% set ns = namespace(n=0, s="") %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% set ns.s %}{{ ns.s }}{{ i }}{% endset %}{% endfor %}{{ ns.n }} {{ ns.s }}', '6 123'],
    ['{{ context().V }} {{ "V" in context() }}', 'v true'],
    ['{{ glob(GLOB) | length }} {{ glob(GLOB)[0] | replace(BASE, "") }}', '2 /g/a.txt'],
    ['{{ [1, 2, 3][1:] | tojson }} {{ True }} {{ "%s" | length }}', '[2, 3] true 2'],
  ];
  const g = join(s.dir, 'g');
  mkdirSync(g);
  for (const name of ['b.txt', 'a.txt', '.hidden.txt', 'c.log']) writeFileSync(join(g, name), '');
  const users = '{% set USERS = [{"name": "ann", "admin": true, "age": 40}, {"name": "bob", "admin": false, "age": 30}] -%}\n';
  s.template('filters.conf', users + lines.map(([src]) => src).join('\n') + '\n');
  const r = s.render({ env: { V: 'v', GLOB: join(g, '*.txt'), BASE: s.dir } });
  assert.equal(r.code, 0, r.stderr);
  const got = s.read('filters.conf').split('\n');
  let at = 0;
  for (const [src, want] of lines) {
    const n = want.split('\n').length;
    assert.equal(got.slice(at, at + n).join('\n'), want, src);
    at += n;
  }
});

test('only a namespace() takes attribute assignment', () => {
  const s = templateScratch();
  s.template('ns.conf', '{% set d = dict(a=1) %}\n{% set d.a = 2 %}\n');
  const r = s.render();
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /ns\.conf:2:\d+: cannot assign 'a': only namespace\(\) objects take attribute assignment$/);
});

test('fatal_error stops the start with the message and position', () => {
  const s = templateScratch();
  s.template('check.conf', '{% if not PORT %}\n{% do fatal_error("PORT must be set") %}\n{% endif %}\n');
  const r = s.render({ env: { PORT: '' } });
  assert.equal(r.code, 1);
  assert.match(errorLine(r.stderr), /check\.conf:2:\d+: fatal_error: PORT must be set$/);
});

test('a syntax error names file, line and column and shows the line', () => {
  const s = templateScratch();
  s.template('bad.conf', 'ok\nok {{ V }}\nvalue = {{ V }\n');
  let r = s.render({ env: { V: 'v' } });
  assert.equal(r.code, 1);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => l.includes('error:'));
  assert.match(lines[at]!, new RegExp(`error: template ${join(s.T, 'bad.conf')}:3:\\d+: syntax error: `));
  assert.equal(lines[at + 1], '    3 | value = {{ V }');
  assert.match(lines[at + 2]!, /^\s+\^$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);

  s.template('bad.conf', '{% with x = 1 %}{% endwith %}');
  r = s.render();
  assert.match(errorLine(r.stderr), /bad\.conf:1:4: syntax error: unknown block tag: with$/);
  s.template('bad.conf', '{% for x in [1, 2] if x > 1 %}{{ x }}{% endfor %}');
  r = s.render();
  assert.match(errorLine(r.stderr), /bad\.conf:1:\d+: syntax error: 'for … in … if …' \(a filtered loop\) is not supported/);
  s.template('bad.conf', 'a\n{{ V');
  r = s.render();
  assert.match(errorLine(r.stderr), /bad\.conf:2: syntax error: expected variable end$/);
});
