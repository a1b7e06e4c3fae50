#!/usr/bin/env node
// The templates benchmark: 100 templates (~20 lines: if/for/set/default/join/upper) rendered
// through the real CLI (`entrypoint -t T -o O -j J -- true`), cold (empty compile cache) and
// warm (cache filled), against Python Jinja2 doing the same work (the seed's template stage,
// templates-jinja2.py), in paired rounds so machine noise hits every side alike.
//   npm run build && node test/bench/templates.mjs
// Knobs (environment): BENCH_ROUNDS (15), BENCH_TEMPLATES (100), BENCH_PYTHON.
// Writes test/bench/results/templates.json. Target: warm ≤ 0.3 × Jinja2 (process wall time).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnv } from './env.mjs';
import { fmt, markdownTable, median, printTable } from './stats.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRYPOINT = join(ROOT, 'src/bin/entrypoint');
const HERE = join(ROOT, 'test/bench');
const RESULTS = join(HERE, 'results/templates.json');
const TARGET_WARM_RATIO = 0.3;

const num = (name, dflt) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};
const rounds = num('BENCH_ROUNDS', 15);
const count = num('BENCH_TEMPLATES', 100);

function fail(msg) {
  console.error(`templates bench: ${msg}`);
  process.exit(1);
}

/** The first python with jinja2: BENCH_PYTHON, python3 on PATH, then Debian's (python3-jinja2). */
function findPython() {
  for (const p of [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(p, ['-c', 'import jinja2, sys; print(jinja2.__version__, sys.executable)'], { encoding: 'utf8' });
    if (r.status === 0) return { python: p, version: r.stdout.trim() };
  }
  return undefined;
}

/** One template of about 20 lines; the same text is valid Jinja2 and nunjucks. */
function templateText(i) {
  return `# generated for {{ NAME }}, template ${i}
{% set items = ITEMS.split(",") %}
{% set port = PORT | default("8080") %}
server {
  name = "{{ NAME | upper }}";
  listen = {{ port }};
{% if DEBUG == "1" %}
  log_level = debug;
{% else %}
  log_level = info;
{% endif %}
{% for item in items %}
  upstream_{{ loop.index }} = "{{ item | upper }}";
{% endfor %}
  all = "{{ items | join(", ") }}";
  region = "{{ REGION | default("eu-west-1") }}";
{% if items | length > 2 %}
  many = true;
{% endif %}
  id = ${i};
}
`;
}

const found = findPython();
if (!found) fail('no python3 with jinja2 (pip install jinja2, or apt-get install python3-jinja2)');
const tmp = mkdtempSync(join(tmpdir(), 'pid1-bench-tpl-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const T = join(tmp, 'T');
const J = join(tmp, 'J');
for (let i = 0; i < count; i++) {
  const dir = join(T, `svc${i % 10}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `app${i}.conf`), templateText(i));
}
mkdirSync(J);
const out = (name) => join(tmp, `O-${name}`);
const warmCache = join(tmp, 'cache-warm');
const coldCache = join(tmp, 'cache-cold');
const env = benchEnv({ NAME: 'bench', ITEMS: 'alpha,beta,gamma,delta', DEBUG: '0' });

const commands = {
  'entrypoint, no templates': { argv: [ENTRYPOINT, '-t', join(tmp, 'none'), '--cache-dir', warmCache, '--', 'true'], clear: [] },
  'entrypoint cold': { argv: [ENTRYPOINT, '-t', T, '-o', out('cold'), '-j', J, '--cache-dir', coldCache, '--', 'true'], clear: [out('cold'), coldCache] },
  'entrypoint warm': { argv: [ENTRYPOINT, '-t', T, '-o', out('warm'), '-j', J, '--cache-dir', warmCache, '--', 'true'], clear: [out('warm')] },
  jinja2: { argv: [found.python, join(HERE, 'templates-jinja2.py'), T, out('jinja2'), J, 'true'], clear: [out('jinja2')] },
};
const names = Object.keys(commands);

function measure(order) {
  const spec = order.map((name) => ({ name, argv: commands[name].argv, clear: commands[name].clear, env }));
  const r = spawnSync(found.python, [join(HERE, 'templates-measure.py')], { input: JSON.stringify(spec), encoding: 'utf8' });
  if (r.status !== 0) fail(`templates-measure.py failed:\n${r.stderr}`);
  const res = JSON.parse(r.stdout);
  for (const [name, m] of Object.entries(res)) if (m.status !== 0) fail(`${name} exited ${m.status}`);
  return res;
}

// Warm-up: fills the warm cache and the page cache, and checks both engines agree.
measure(names);
const listing = (dir) => readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.conf')).sort();
const files = listing(out('warm'));
if (files.length !== count) fail(`expected ${count} outputs, got ${files.length}`);
const differing = files.filter((f) => readFileSync(join(out('warm'), f), 'utf8') !== readFileSync(join(out('jinja2'), f), 'utf8'));
if (differing.length) fail(`outputs differ between nunjucks and Jinja2, e.g. ${differing[0]}`);

const samples = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [], rss: [] }]));
for (let round = 0; round < rounds; round++) {
  // Rotate the order every round so no side always runs first (or right after a given other).
  const order = names.map((_, i) => names[(i + round) % names.length]);
  const res = measure(order);
  for (const n of names) {
    samples[n].wall.push(res[n].wall_ms);
    samples[n].cpu.push(res[n].cpu_ms);
    samples[n].rss.push(res[n].rss_kb / 1024);
  }
}

const med = Object.fromEntries(names.map((n) => [n, { wall: median(samples[n].wall), cpu: median(samples[n].cpu), rss: median(samples[n].rss) }]));
/** Median of the per-round ratios (paired), which cancels round-to-round noise. */
const pairedRatio = (a, b, key) => median(samples[a][key].map((v, i) => v / samples[b][key][i]));
const header = ['command', 'wall ms', 'cpu ms', 'max RSS MiB', 'wall / jinja2', 'cpu / jinja2'];
const rows = names.map((n) => [
  n, fmt(med[n].wall, 1), fmt(med[n].cpu, 1), fmt(med[n].rss, 1), fmt(pairedRatio(n, 'jinja2', 'wall'), 2), fmt(pairedRatio(n, 'jinja2', 'cpu'), 2),
]);
console.log(`templates: ${count} templates of ~20 lines, ${rounds} paired rounds (medians), ${found.version}`);
printTable(header, rows);
const warmRatio = pairedRatio('entrypoint warm', 'jinja2', 'wall');
const verdict = warmRatio <= TARGET_WARM_RATIO ? 'met' : 'NOT met';
console.log(`\ntarget: warm ≤ ${TARGET_WARM_RATIO} × Jinja2 wall time: ${fmt(warmRatio, 2)} (${verdict})`);
console.log(`template cost over a bare start: cold ${fmt(med['entrypoint cold'].wall - med['entrypoint, no templates'].wall, 1)} ms, warm ${fmt(med['entrypoint warm'].wall - med['entrypoint, no templates'].wall, 1)} ms`);

mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(RESULTS, JSON.stringify({
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, kernel: release(), loadavg: loadavg(), node: process.version, python: found.version },
  templates: count,
  rounds,
  medians: med,
  ratios: Object.fromEntries(names.map((n) => [n, { wall: pairedRatio(n, 'jinja2', 'wall'), cpu: pairedRatio(n, 'jinja2', 'cpu') }])),
  target: { warmWallRatio: TARGET_WARM_RATIO, measured: warmRatio, met: warmRatio <= TARGET_WARM_RATIO },
  table: markdownTable(header, rows),
  samples,
}, null, 2) + '\n');
console.log(`\nwrote ${RESULTS}`);
