/** Unit tests for the pure parts: option and signal parsing, .env expansion, cache keys, plugin names. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/parse';
import { candidateNames, parsePluginSpec } from '../../src/loadPlugins';
import { UsageError } from '../../src/errors';
import type { OptionSpec } from '../../src/plugin';
import { parseSignal, signalName } from '../../src/signals';
import { parseRewrite } from '../../plugins/signal-rewrite';
import { expand, singleQuotedKeys } from '../../plugins/env-files/expand';
import { cacheKey } from '../../plugins/cache';

const SPECS: OptionSpec[] = [
  { name: 'verbose', short: 'v', kind: 'flag', description: '' },
  { name: 'no-setsid', short: 'c', aliases: ['single-child'], kind: 'flag', description: '' },
  { name: 'rewrite', short: 'r', kind: 'list', description: '', parse: parseRewrite },
  { name: 'grace', kind: 'value', description: '', parse: Number },
];

describe('parseArgs', () => {
  test('stops at the first non-option, honours --, bundles short flags', () => {
    assert.deepEqual(parseArgs(['-vc', 'sh', '-c', 'x'], SPECS).command, ['sh', '-c', 'x']);
    const r = parseArgs(['-v', '--', '-c'], SPECS);
    assert.deepEqual([...r.values], [['verbose', true]]);
    assert.deepEqual(r.command, ['-c']);
  });
  test('values attach or follow; lists accumulate; aliases map to the option', () => {
    const r = parseArgs(['-rterm:quit', '-r', 'hup:none', '--grace=3', '--single-child', 'true'], SPECS);
    assert.deepEqual(r.values.get('rewrite'), [[15, 3], [1, 0]]);
    assert.equal(r.values.get('grace'), 3);
    assert.equal(r.values.get('no-setsid'), true);
  });
  test('unknown options, missing values and flag values are usage errors', () => {
    assert.throws(() => parseArgs(['--nope', 'x'], SPECS), (e) => e instanceof UsageError && /unknown option '--nope'/.test(e.message));
    assert.throws(() => parseArgs(['-r'], SPECS), /option '-r' needs a value/);
    assert.throws(() => parseArgs(['--verbose=1', 'x'], SPECS), /takes no value/);
    assert.throws(() => parseArgs(['-r', 'term', 'x'], SPECS), /option -r: expected SRC:DST/);
  });
  test('tolerant mode skips what it does not know', () => {
    const r = parseArgs(['--later-option', '-v', 'cmd'], SPECS, true);
    assert.equal(r.values.get('verbose'), true);
    assert.deepEqual(r.command, ['cmd']);
  });
});

describe('signals', () => {
  test('names in any case, with or without SIG, and numbers', () => {
    for (const raw of ['term', 'TERM', 'SigTerm', 'SIGTERM', '15']) assert.equal(parseSignal(raw), 15, raw);
    assert.equal(parseSignal('none', true), 0);
    assert.equal(parseSignal('0', true), 0);
    assert.throws(() => parseSignal('none'), /not a signal name/);
    assert.throws(() => parseSignal('65'), /not a signal number/);
    assert.equal(signalName(10), 'SIGUSR1');
    assert.equal(signalName(40), 'SIG40');
  });
  test('rewrites are SRC:DST, DST may drop', () => {
    assert.deepEqual(parseRewrite('15:3'), [15, 3]);
    assert.deepEqual(parseRewrite('winch:none'), [28, 0]);
    for (const bad of ['term', 'term:', ':quit', 'term:quit:x', 'none:term']) assert.throws(() => parseRewrite(bad), bad);
  });
});

describe('.env expansion', () => {
  const env: Record<string, string> = { HOST: 'db', EMPTY: '' };
  const unset: string[] = [];
  const run = (v: string) => expand(v, (n) => env[n], (n) => unset.push(n));
  test('${NAME}, ${NAME:-default}, \\${ and bare $', () => {
    assert.equal(run('postgres://${HOST}:5432'), 'postgres://db:5432');
    assert.equal(run('${EMPTY:-x} ${MISSING:-y}'), 'x y');
    assert.equal(run('\\${HOST} $HOST pa$$word'), '${HOST} $HOST pa$$word');
    assert.equal(run('[${MISSING}]'), '[]');
    assert.deepEqual(unset, ['MISSING']);
  });
  test('single-quoted assignments are literal, the last assignment decides', () => {
    assert.deepEqual([...singleQuotedKeys("A='${X}'\nexport B=\"${X}\"\nC='x'\nC=y\n")], ['A']);
  });
});

describe('cache keys', () => {
  test('parts are length-prefixed: a boundary shift is another key', () => {
    assert.notEqual(cacheKey('ab', 'c'), cacheKey('a', 'bc'));
    assert.equal(cacheKey('a', Buffer.from('b')), cacheKey('a', 'b'));
    assert.match(cacheKey('x'), /^[0-9a-f]{64}$/);
  });
});

describe('plugin names', () => {
  test('resolution candidates follow the eslint/babel rule', () => {
    assert.deepEqual(candidateNames('foo'), ['foo', 'pid1-plugin-foo']);
    assert.deepEqual(candidateNames('pid1-plugin-foo'), ['pid1-plugin-foo']);
    assert.deepEqual(candidateNames('@acme/foo'), ['@acme/foo', '@acme/pid1-plugin-foo']);
    assert.deepEqual(candidateNames('@acme'), ['@acme/pid1-plugin']);
  });
  test('NAME=JSON options must be a JSON object', () => {
    assert.deepEqual(parsePluginSpec('x={"a":1}'), { name: 'x', options: { a: 1 } });
    assert.deepEqual(parsePluginSpec('./p.js'), { name: './p.js', options: {} });
    assert.throws(() => parsePluginSpec('x=[1]'), /options must be a JSON object/);
    assert.throws(() => parsePluginSpec('x={'), /bad options JSON/);
  });
});
