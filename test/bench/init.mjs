#!/usr/bin/env node
// The init benchmark: the installed `entrypoint` against `node -e 0`, tini and dumb-init, in one
// run, on the same machine, with paired or interleaved runs so that noise hits every side.
//   npm run build && node test/bench/init.mjs
// measure.py does the measuring (wait4 rusage, blocking reads); this file chooses what to run,
// does the statistics, prints the tables and writes test/bench/results/init.json.
// Knobs (environment): BENCH_ROUNDS (startup pairs, 30), BENCH_SIGNAL_SAMPLES (300),
// BENCH_ZOMBIES (10000), BENCH_REAP_ROUNDS (3), BENCH_IDLE_SECONDS (30),
// BENCH_SECTIONS (startup,signal,reap,idle), BENCH_PYTHON, BENCH_KEEP_ENV, BENCH_NO_PID1.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { benchEnv, droppedVariables } from './env.mjs';
import { fmt, markdownTable, median, percentile, printTable } from './stats.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRYPOINT = join(ROOT, 'src/bin/entrypoint');
const BUNDLE = join(ROOT, 'dist/entrypoint.cjs');
const MEASURE = join(ROOT, 'test/bench/measure.py');
const RESULTS = join(ROOT, 'test/bench/results/init.json');

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const num = (name, dflt) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v <= 0) fail(`${name} must be a positive number, not '${process.env[name]}'`);
  return v;
};
const knobs = {
  rounds: num('BENCH_ROUNDS', 30),
  signalSamples: num('BENCH_SIGNAL_SAMPLES', 300),
  zombies: num('BENCH_ZOMBIES', 10000),
  reapRounds: num('BENCH_REAP_ROUNDS', 3),
  idleSeconds: num('BENCH_IDLE_SECONDS', 30),
};
const SECTIONS = ['startup', 'signal', 'reap', 'idle'];
const sections = new Set((process.env.BENCH_SECTIONS ?? SECTIONS.join(',')).split(','));
for (const s of sections) if (!SECTIONS.includes(s)) fail(`BENCH_SECTIONS: unknown section '${s}' (known: ${SECTIONS.join(', ')})`);

/** The project's targets for the entrypoint (issue #3). */
const TARGETS = {
  startupRatio: 1.25, // entrypoint / node -e 0, wall time
  rssRatio: 1.15, // entrypoint / node -e 0, peak RSS
  signalP99Us: 1000,
  reapPerSecond: 20000,
  idleTicks: 0,
};

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

if (!existsSync(BUNDLE)) fail('dist/entrypoint.cjs is missing: run `npm run build` first');
const python = process.env.BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which('python3'));
if (!python) fail('python3 is needed (it measures max RSS with wait4 and times signals with blocking reads)');
const tini = which('tini');
const dumbInit = which('dumb-init');
const missing = [!tini && 'tini', !dumbInit && 'dumb-init'].filter(Boolean);
if (missing.length) console.warn(`bench: ${missing.join(' and ')} not installed (apt-get install -y tini dumb-init): left out`);
const node = which('node') ?? process.execPath; // what the wrapper in src/bin runs

const env = benchEnv();
const dropped = droppedVariables(env);
if (dropped.length) console.log(`bench: children run without ${dropped.join(', ')} (BENCH_KEEP_ENV=1 keeps them)`);

const isRoot = process.getuid?.() === 0;
const canPid1 = !process.env.BENCH_NO_PID1 && isRoot && !!which('unshare') && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const asPid1 = (argv) => ['unshare', '--pid', '--fork', '--mount-proc', ...argv];

/** Runs one measure.py section with a JSON spec and returns its JSON answer. */
function measure(mode, spec) {
  const r = spawnSync(python, [MEASURE, mode], { input: JSON.stringify({ ...spec, env }), maxBuffer: 64 << 20, encoding: 'utf8' });
  if (r.status !== 0) fail(`measure.py ${mode} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Each init as PID 1 when we can (the real deployment), else as a plain parent / subreaper. */
function inits(childArgv, { pid1 = canPid1, group = true } = {}) {
  const list = [{ name: 'entrypoint', argv: [ENTRYPOINT, '--', ...childArgv] }];
  // tini needs -s to reap orphans when it is not PID 1; -g makes it signal the child's group,
  // as the entrypoint (setsid mode) and dumb-init do.
  if (tini) list.push({ name: 'tini', argv: [tini, ...(pid1 ? [] : ['-s']), ...(group ? ['-g'] : []), '--', ...childArgv] });
  if (dumbInit) list.push({ name: 'dumb-init', argv: [dumbInit, ...childArgv] });
  return list.map((t) => (pid1 ? { ...t, pid1: true, argv: asPid1(t.argv) } : t));
}

const results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    kernel: release(),
    cpus: cpus().length,
    loadavgBefore: loadavg(),
    pid1: canPid1,
    childEnv: Object.keys(env),
    knobs,
    targets: TARGETS,
  },
};
const summary = []; // rows of the final Markdown table
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'pid1-bench-'));

try {
  // --- 1 and 2: startup wall time and peak RSS --------------------------------------------------
  if (sections.has('startup')) {
    const commands = {
      entrypoint: [ENTRYPOINT, '--', 'true'],
      // The same without the sh wrapper, then its parts: the bundle loaded and parsing its
      // options (--version starts no plugin), and koffi alone (the FFI: as a plain parent the
      // entrypoint needs it for prctl(PR_SET_CHILD_SUBREAPER)).
      'node dist/entrypoint.cjs': [node, '--', BUNDLE, '--', 'true'],
      'node dist/entrypoint.cjs --version': [node, '--', BUNDLE, '--version'],
      "node -e require('koffi')": [node, '-e', `require(${JSON.stringify(join(ROOT, 'node_modules/koffi'))})`],
      'node -e 0': [node, '-e', '0'],
    };
    if (tini) commands.tini = [tini, '--', 'true'];
    if (dumbInit) commands['dumb-init'] = [dumbInit, 'true'];
    // As PID 1, the real deployment (and a different code path). unshare's own cost is measured
    // (`unshare true`) and taken off each run of the same round before the ratio.
    const PID1 = ', PID 1';
    const FLOOR = 'unshare … true';
    if (canPid1) {
      commands[`entrypoint${PID1}`] = asPid1([ENTRYPOINT, '--', 'true']);
      commands[`node -e 0${PID1}`] = asPid1([node, '-e', '0']);
      if (tini) commands[`tini${PID1}`] = asPid1([tini, '--', 'true']);
      if (dumbInit) commands[`dumb-init${PID1}`] = asPid1([dumbInit, 'true']);
      commands[FLOOR] = asPid1(['true']);
    }
    console.log(`\n## startup and peak RSS (${knobs.rounds} interleaved rounds, \`CMD true\`)`);
    const { rss_by: rssBy, runs } = measure('startup', { rounds: knobs.rounds, commands, tmpdir: tmp });
    for (const [name, rs] of Object.entries(runs)) {
      const bad = rs.filter((r) => r.exit !== 0);
      if (bad.length) fail(`${name} exited with ${bad[0].exit}: the startup numbers would be meaningless`);
    }
    const zero = runs['node -e 0'].map(() => ({ wall_ms: 0, cpu_ms: 0 }));
    const rows = Object.entries(runs).map(([name, rs]) => {
      const pid1 = name.endsWith(PID1);
      const base = runs[pid1 ? `node -e 0${PID1}` : 'node -e 0'];
      const floor = pid1 ? runs[FLOOR] : zero;
      // Time: ratio of the costs above the floor, round by round. Memory: a peak, nothing to subtract.
      const net = (key) => rs.map((r, i) => r[key] - floor[i][key]);
      const ratio = (key) => median(rs.map((r, i) => (r[key] - floor[i][key]) / (base[i][key] - floor[i][key])));
      return {
        command: name,
        pid1,
        wall: median(net('wall_ms')),
        cpu: median(net('cpu_ms')),
        rss: median(rs.map((r) => r.maxrss_kib)) / 1024,
        wallRatio: name === FLOOR ? NaN : ratio('wall_ms'),
        cpuRatio: name === FLOOR ? NaN : ratio('cpu_ms'),
        rssRatio: name === FLOOR ? NaN : median(rs.map((r, i) => r.maxrss_kib / base[i].maxrss_kib)),
        floorWall: pid1 ? median(runs[FLOOR].map((r) => r.wall_ms)) : 0,
      };
    });
    const x = (v) => (Number.isFinite(v) ? `${fmt(v, 2)}×` : '');
    printTable(['command', 'wall ms', 'CPU ms', 'peak RSS MiB', 'wall ÷ node', 'CPU ÷ node', 'RSS ÷ node'],
      rows.map((r) => [r.command, fmt(r.wall, 1), fmt(r.cpu, 1), fmt(r.rss, 1), x(r.wallRatio), x(r.cpuRatio), x(r.rssRatio)]));
    console.log(`(medians; ratios are medians of per-round ratios to \`node -e 0\` run the same way; peak RSS by ${rssBy};`);
    console.log(' CPU = user+sys of the process and the children it waited for: steadier than wall time on a busy machine;');
    if (canPid1) console.log(` ", PID 1" rows: under unshare --pid --fork --mount-proc, with \`${FLOOR}\` (${fmt(rows.find((r) => r.command === FLOOR).wall, 1)} ms) taken off time and CPU)`);
    else console.log(' not root: no PID 1 rows)');
    results.startup = { rssBy, summary: rows, runs };
    const by = Object.fromEntries(rows.map((r) => [r.command, r]));
    const modes = canPid1 ? [PID1, ''] : [''];
    for (const mode of modes) {
      const ep = by[`entrypoint${mode}`];
      const values = {};
      for (const peer of ['entrypoint', 'node -e 0', 'tini', 'dumb-init']) {
        if (by[`${peer}${mode}`]) values[peer] = fmt(by[`${peer}${mode}`].wall, 1);
      }
      summary.push({
        measure: `startup, wall (\`CMD true\`${mode ? ', PID 1, net of unshare' : ', plain parent'})`, unit: 'ms', values,
        ratio: `${fmt(ep.wallRatio, 2)}× node (CPU ${fmt(ep.cpuRatio, 2)}×)`, target: `≤ ${TARGETS.startupRatio}× node`, met: ep.wallRatio <= TARGETS.startupRatio,
      });
    }
    for (const mode of modes) {
      const ep = by[`entrypoint${mode}`];
      const values = {};
      for (const peer of ['entrypoint', 'node -e 0', 'tini', 'dumb-init']) {
        if (by[`${peer}${mode}`]) values[peer] = fmt(by[`${peer}${mode}`].rss, 1);
      }
      summary.push({
        measure: `peak RSS (${mode ? 'PID 1' : 'plain parent'})`, unit: 'MiB', values,
        ratio: `${fmt(ep.rssRatio, 2)}× node`, target: `≤ ${TARGETS.rssRatio}× node`, met: ep.rssRatio <= TARGETS.rssRatio,
      });
    }
  }

  // --- 3: signal round trip ---------------------------------------------------------------------
  if (sections.has('signal')) {
    const responder = [python, MEASURE, 'respond'];
    const targets = [{ name: 'no init (direct)', argv: responder }];
    for (const t of inits(responder, { pid1: false })) targets.push({ ...t, name: `${t.name}, parent` });
    targets.push({ name: 'bare Node forwarder, parent', argv: [node, join(ROOT, 'test/bench/node-forwarder.cjs'), join(ROOT, 'node_modules/koffi'), ...responder] });
    if (canPid1) for (const t of inits(responder, { pid1: true })) targets.push({ ...t, name: `${t.name}, PID 1` });
    const samples = knobs.signalSamples;
    console.log(`\n## signal round trip (${samples} samples each, interleaved; SIGUSR1 to the init → child answers on a pipe)`);
    const raw = measure('signal', { targets, samples, warmup: 20, gap_ms: 2 });
    const rows = Object.entries(raw).map(([name, r]) => ({
      target: name, n: r.us.length, lost: r.lost, p50: percentile(r.us, 50), p99: percentile(r.us, 99), max: Math.max(...r.us),
    }));
    const direct = rows[0];
    printTable(['target', 'samples', 'lost', 'p50 µs', 'p99 µs', 'max µs', 'p50 added by the init µs'],
      rows.map((r) => [r.target, r.n, r.lost, fmt(r.p50, 0), fmt(r.p99, 0), fmt(r.max, 0), r === direct ? '' : fmt(r.p50 - direct.p50, 0)]));
    console.log('("direct" is the child\'s own wake-up, part of every other row; "bare Node forwarder" is Node\'s own floor:');
    console.log(' a listener calling kill(2) through koffi, test/bench/node-forwarder.cjs. The first 20 signals are warm-up, not counted)');
    results.signal = { summary: rows, raw };
    const mode = canPid1 ? 'PID 1' : 'parent';
    const pick = (init) => rows.find((r) => r.target === `${init}, ${mode}`);
    const ep = pick('entrypoint');
    const values = { 'node -e 0': '–' };
    for (const init of ['entrypoint', 'tini', 'dumb-init']) {
      const r = pick(init);
      if (r) values[init] = `${fmt(r.p50, 0)} / ${fmt(r.p99, 0)}`;
    }
    values['no init'] = `${fmt(rows[0].p50, 0)} / ${fmt(rows[0].p99, 0)}`;
    summary.push({
      measure: `signal round trip p50 / p99 (${mode})`, unit: 'µs', values,
      ratio: pick('tini') ? `p99 ${fmt(ep.p99 / pick('tini').p99, 2)}× tini` : '',
      target: `p99 ≤ ${TARGETS.signalP99Us} µs, 0 lost`, met: ep.p99 <= TARGETS.signalP99Us && rows.every((r) => r.lost === 0),
    });
  }

  // --- 4: zombies reaped per second -------------------------------------------------------------
  if (sections.has('reap')) {
    const maker = [python, MEASURE, 'orphans']; // measure.py appends the count
    // dumb-init cannot be a child subreaper: without PID 1 its orphans would never reach it.
    const targets = inits(maker, { group: false }).filter((t) => canPid1 || t.name !== 'dumb-init');
    const how = canPid1 ? 'as PID 1 (unshare)' : 'as a child subreaper';
    console.log(`\n## zombies reaped per second (${knobs.zombies} waiting for the stopped init, ${how}, ${knobs.reapRounds} rounds)`);
    const raw = measure('reap', { targets, zombies: knobs.zombies, rounds: knobs.reapRounds, poll_ms: 0.5 });
    const rows = Object.entries(raw).map(([name, runs]) => ({
      init: name, zombies: runs[0].zombies, ms: median(runs.map((r) => r.ms)),
      firstMs: median(runs.map((r) => r.first_reap_ms)), perSecond: median(runs.map((r) => r.per_s)),
    }));
    printTable(['init', 'zombies', 'time to reap all ms', 'first reap ms', 'reaped / s'],
      rows.map((r) => [r.init, r.zombies, fmt(r.ms, 1), fmt(r.firstMs, 2), fmt(r.perSecond, 0)]));
    console.log('(medians; from SIGCONT to the last zombie gone from /proc, polled every 0.5 ms)');
    results.reap = { mode: how, summary: rows, raw };
    const ep = rows.find((r) => r.init === 'entrypoint');
    const t = rows.find((r) => r.init === 'tini');
    summary.push({
      measure: `zombies reaped / s, ${knobs.zombies} waiting`, unit: '/s',
      values: { ...Object.fromEntries(rows.map((r) => [r.init, fmt(r.perSecond, 0)])), 'node -e 0': '–' },
      ratio: t ? `${fmt(ep.perSecond / t.perSecond, 2)}× tini` : '', target: `≥ ${TARGETS.reapPerSecond}/s`, met: ep.perSecond >= TARGETS.reapPerSecond,
    });
  }

  // --- 5: idle ----------------------------------------------------------------------------------
  if (sections.has('idle')) {
    const seconds = knobs.idleSeconds;
    console.log(`\n## idle (${seconds} s side by side, each init with a sleeping child${canPid1 ? ', as PID 1' : ''})`);
    const targets = inits(['sleep', String(Math.ceil(seconds) + 60)]);
    const raw = measure('idle', { targets, seconds, settle_s: 1 });
    const rows = Object.entries(raw).map(([name, r]) => ({ init: name, ...r }));
    printTable(['init', 'CPU ticks', 'CPU ms', 'wake-ups (ctxt switches)', 'threads', 'RSS MiB'],
      rows.map((r) => [r.init, r.ticks, fmt(r.cpu_ms, 0), r.switches, r.threads, fmt(r.rss_kib / 1024, 1)]));
    console.log('(utime+stime from /proc/PID/stat; voluntary+nonvoluntary switches summed over /proc/PID/task/*/status)');
    results.idle = { summary: rows };
    const ep = rows.find((r) => r.init === 'entrypoint');
    summary.push({
      measure: `idle ${seconds} s: CPU ticks / wake-ups`, unit: '',
      values: { ...Object.fromEntries(rows.map((r) => [r.init, `${r.ticks} / ${r.switches}`])), 'node -e 0': '–' },
      ratio: '', target: `${TARGETS.idleTicks} ticks`, met: ep.ticks <= TARGETS.idleTicks,
    });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

results.meta.loadavgAfter = loadavg();
results.meta.seconds = (Date.now() - started) / 1000;
results.summary = summary;
mkdirSync(join(ROOT, 'test/bench/results'), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

const columns = ['entrypoint', 'node -e 0', 'tini', 'dumb-init'];
console.log(`\n## init summary (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} CPUs, ` +
  `load ${results.meta.loadavgBefore[0].toFixed(2)} → ${results.meta.loadavgAfter[0].toFixed(2)}, ${results.meta.seconds.toFixed(0)} s)\n`);
console.log(markdownTable(
  ['measure', ...columns, 'entrypoint ratio', 'target', 'met'],
  summary.map((s) => [`${s.measure}${s.unit ? ` (${s.unit})` : ''}`, ...columns.map((c) => s.values[c] ?? '–'), s.ratio, s.target, s.met ? 'yes' : '**no**']),
));
const extra = summary.find((s) => s.values['no init']);
if (extra) console.log(`\nSignal round trip straight to the child, no init in between: ${extra.values['no init']} µs (p50 / p99).`);
console.log(`Raw samples: ${RESULTS.replace(ROOT, '')}`);
