import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { IS_ROOT, run } from '../helpers/cli';
import { errorLines, readJson, scratch } from '../config/fixture';

/** Writes hook files (mode 0644) into `<scratch>/hooks`; returns the args that select them. */
function hooks(s: ReturnType<typeof scratch>, files: Record<string, string>): string[] {
  for (const [name, text] of Object.entries(files)) s.file(`hooks/${name}`, text, 0o644);
  return [...s.cacheArgs, '-H', s.path('hooks')];
}

/** A hook line that appends `text` to the trace file. */
const trace = (s: ReturnType<typeof scratch>, text: string) =>
  `require('node:fs').appendFileSync(${JSON.stringify(s.path('trace'))}, ${text} + '\\n');`;

test('hooks run in plain string order, prehooks before hooks before posthooks; prehook changes are seen later', () => {
  const s = scratch();
  const args = hooks(s, {
    '2-second.ts': `export function prehook(vars: any) { ${trace(s, "'pre 2 sees ' + vars.FIRST")} vars.SECOND = 'b'; }
export function hook(vars: any) { ${trace(s, "'hook 2 ' + vars.REPLACED")} }
export function posthook() { ${trace(s, "'post 2'")} }`,
    '10-first.mts': `export async function prehook(vars: any) {
  await new Promise((r) => setTimeout(r, 30));
  // import() of a module left external (a builtin) must work from a compiled hook.
  const { platform } = await import('node:os');
  ${trace(s, "'pre 10 on ' + platform()")}
  vars.FIRST = 'a';
}
export function posthook() { ${trace(s, "'post 10'")} }`,
    '3-replace.js': `module.exports = { prehook: async (vars) => ({ ...vars, REPLACED: vars.FIRST + vars.SECOND }), hook: () => { ${trace(s, "'hook 3'")} } };`,
    '.hidden.ts': `export function prehook() { ${trace(s, "'hidden ran'")} }`,
    'types.d.ts': 'export type X = number;\n',
    'README.md': 'not a hook\n',
  });
  const r = run([...args, '--', 'sh', '-c', `echo command >> ${s.path('trace')}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Warning/);
  assert.equal(readFileSync(s.path('trace'), 'utf8'), 'pre 10 on linux\npre 2 sees a\nhook 2 ab\nhook 3\npost 10\npost 2\ncommand\n');
});

test('ctx.env changes reach the child; vars changes do not', () => {
  const s = scratch();
  const args = hooks(s, {
    'env.ts': `import { defineHooks } from 'pid1';
export default defineHooks({
  prehook(vars, ctx) { ctx.env.FROM_PREHOOK = 'p'; vars.ONLY_VAR = 'v'; },
  async posthook(vars, ctx) { ctx.env.FROM_POSTHOOK = String(ctx.paths.hooks.endsWith('hooks')) + ':' + ctx.stage; delete ctx.env.DROP_ME; },
});`,
  });
  const r = run([...args, '--', 'sh', '-c', 'echo "$FROM_PREHOOK $FROM_POSTHOOK ${ONLY_VAR-unset} ${DROP_ME-gone}"'], { env: { DROP_ME: 'x' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'p true:posthook unset gone\n');
});

test('a TypeScript hook can import a package installed beside it and a local module', () => {
  const s = scratch();
  s.file('node_modules/tiny-greeter/package.json', JSON.stringify({ name: 'tiny-greeter', version: '1.0.0', main: 'index.js' }), 0o644);
  s.file('node_modules/tiny-greeter/index.js', "exports.greet = (n) => 'hello ' + n;\n", 0o644);
  s.file('hooks/lib/shout.ts', 'export const shout = (s: string): string => s.toUpperCase();\n', 0o644);
  const args = hooks(s, {
    'greet.ts': `import { greet } from 'tiny-greeter';
import { shout } from './lib/shout';
export function prehook(_vars: unknown, ctx: { env: Record<string, string> }): void { ctx.env.GREETING = shout(greet('pid1')); }`,
  });
  const r = run([...args, '--', 'sh', '-c', 'echo "$GREETING"']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'HELLO PID1\n');
});

// Types and blank lines before the throw: the generated JavaScript has the throw on another line.
const FAILING = `import { defineHooks } from 'pid1';

interface Settings {
  retries: number;
  name: string;
}

type Maybe<T> = T | undefined;

export default defineHooks({
  async prehook(vars): Promise<void> {
    const settings: Maybe<Settings> = undefined;
    await Promise.resolve(settings);
    if (!vars.OK) throw new Error('DATABASE_URL is required');
  },
});
`;

test('a hook that throws: one error line with the TS file, line and column; the command is not started', () => {
  const s = scratch();
  const args = hooks(s, { '10-check.ts': FAILING, '20-later.ts': `export function prehook() { ${trace(s, "'later ran'")} }` });
  const marker = s.path('started');
  for (const cold of [true, false]) {
    const r = run([...args, '--', 'sh', '-c', `touch ${marker}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: hook ${s.path('hooks/10-check.ts')}:14:25: prehook failed: DATABASE_URL is required`], `cold=${cold}`);
    assert.equal(existsSync(marker), false);
    assert.equal(existsSync(s.path('trace')), false);
  }
});

test('a rejection from a hook imported module is located in that module', () => {
  const s = scratch();
  s.file('hooks/lib/check.ts', `export async function check(): Promise<never> {\n  const why: string = 'nope';\n  throw new TypeError(why);\n}\n`, 0o644);
  const args = hooks(s, { 'a.ts': `import { check } from './lib/check';\nexport const hook = async () => { await check(); };\n` });
  const r = run([...args, '--', 'true']);
  assert.equal(r.code, 1);
  assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: hook ${s.path('hooks/lib/check.ts')}:3:9: hook failed: TypeError: nope`]);
});

test('a compile error names file:line:column and esbuild\'s reason; no hook runs', () => {
  const s = scratch();
  const args = hooks(s, {
    '1-ok.ts': `export function prehook() { ${trace(s, "'ok ran'")} }`,
    '2-broken.ts': 'export function prehook() {\n  const x: number = ;\n}\n',
  });
  const r = run([...args, '--', 'true']);
  assert.equal(r.code, 1);
  const lines = errorLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^\\[entrypoint\\] error: hook ${s.path('hooks/2-broken.ts')}:2:21: Unexpected ";"`));
  assert.equal(existsSync(s.path('trace')), false);
});

test('an export that is not a function is an error; a module exporting none is skipped', () => {
  const s = scratch();
  let args = hooks(s, { 'none.ts': 'export const unrelated = 1;\n' });
  let r = run(['-v', ...args, '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /hook none\.ts: exports no prehook, hook or posthook; skipped/);
  args = hooks(s, { 'bad.ts': 'export const hook = 5;\n' });
  r = run([...args, '--', 'true']);
  assert.equal(r.code, 1);
  assert.deepEqual(errorLines(r.stderr), [`[entrypoint] error: hook ${s.path('hooks/bad.ts')}: 'hook' must be a function, not number`]);
});

test('a hooks directory that was asked for but is missing is an error; a world-writable hook is refused', () => {
  const s = scratch();
  let r = run([...s.cacheArgs, '-H', s.path('nope'), '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: hooks directory .*nope: no such directory/);
  s.file('hooks/ww.ts', 'export function prehook() {}\n', 0o666);
  r = run([...s.cacheArgs, '-H', s.path('hooks'), '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: hook .*ww\.ts: is world-writable/);
});

/** The command line is rendered as templates when the templates plugin is built in. */
const RENDERS_ARGV = run(['--help']).stdout.includes('--no-render-args');

test('SKIP_ENTRYPOINT: no hook runs, the command does, and its argv still sees the environment', () => {
  const s = scratch();
  const args = hooks(s, { 'a.ts': `export function prehook() { ${trace(s, "'ran'")} }` });
  const r = run([...args, '--', 'sh', '-c', 'echo started'], { env: { SKIP_ENTRYPOINT: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'started\n');
  assert.equal(existsSync(s.path('trace')), false);
  if (RENDERS_ARGV) {
    const t = run([...args, '--', 'sh', '-c', 'echo "{{ GREETING }}"'], { env: { SKIP_ENTRYPOINT: '1', GREETING: 'hi' } });
    assert.equal(t.stdout, 'hi\n', t.stderr);
  }
});

test('prehook variables and YAML variables reach the rendered command line', { skip: !RENDERS_ARGV && 'templates are not built in' }, () => {
  const s = scratch();
  const yml = s.file('v.yml', 'FROM_YAML: y\n');
  const args = hooks(s, { 'a.ts': 'export function prehook(vars: Record<string, unknown>) { vars.FROM_HOOK = 42; }\n' });
  const r = run([...args, '-V', yml, '--', 'sh', '-c', 'echo "{{ FROM_YAML }} {{ FROM_HOOK }}"']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'y 42\n');
});

/**
 * Preloaded into the entrypoint: exits 99 the moment anything requires esbuild. The cold run
 * proves the trap works; the warm run must then get through without it firing.
 */
const ESBUILD_TRAP = `const Module = require('module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'esbuild' || /[\\\\/]esbuild[\\\\/]lib[\\\\/]/.test(request)) {
    require('fs').writeSync(2, 'TRAP: esbuild was loaded\\n');
    process.exit(99);
  }
  return load.call(this, request, ...rest);
};
`;

test('a warm start takes the compiled hook from the cache and never loads esbuild; a changed input is recompiled', () => {
  const s = scratch();
  const trap = s.file('trap.cjs', ESBUILD_TRAP, 0o644);
  s.file('hooks/lib/value.ts', "export const value: string = 'one';\n", 0o644);
  const args = hooks(s, { 'a.ts': "import { value } from './lib/value';\nexport function prehook(_v: unknown, ctx: any) { ctx.env.VALUE = value; }\n" });
  const env = { NODE_OPTIONS: `--require ${trap}` };
  const cmd = ['--', 'sh', '-c', 'echo "$VALUE"'];

  let r = run([...args, ...cmd], { env });
  assert.equal(r.code, 99, `the trap must fire on a cold start: ${r.stderr}`);
  r = run([...args, ...cmd]);
  assert.equal(r.stdout, 'one\n', r.stderr);
  r = run(['-v', ...args, ...cmd], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'one\n');
  assert.match(r.stderr, /a\.ts: compiled code from the cache/);

  // An imported file changed: the cached entry's input manifest no longer matches.
  writeFileSync(s.path('hooks/lib/value.ts'), "export const value: string = 'two';\n");
  r = run([...args, ...cmd], { env });
  assert.equal(r.code, 99, 'a changed input must be recompiled');
  r = run([...args, ...cmd]);
  assert.equal(r.stdout, 'two\n', r.stderr);
});

test('esbuild\'s service is stopped once the hooks are compiled (it would wake PID 1 5 times a second)', { skip: !IS_ROOT && 'needs a PID namespace' }, () => {
  const s = scratch();
  const args = hooks(s, { 'a.ts': 'export function prehook(): void {}\n' });
  // Own PID namespace and /proc: only the entrypoint's processes are listed. The service, once
  // killed, is gone well within the half second.
  const count = 'sleep 0.5; n=0; for c in /proc/[0-9]*/comm; do [ "$(cat $c 2>/dev/null)" = esbuild ] && n=$((n+1)); done; echo "esbuild processes: $n"';
  const r = run([...args, '--', 'sh', '-c', count], { pid1: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'esbuild processes: 0\n');
});

test('a relative hooks directory is taken from the working directory', () => {
  const s = scratch();
  s.file('hooks/a.ts', 'export function prehook(_v: unknown, ctx: any) { ctx.env.SEEN = ctx.paths.file; }\n', 0o644);
  const r = run([...s.cacheArgs, '-H', 'hooks', '--', 'sh', '-c', 'echo "$SEEN"'], { cwd: s.dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${s.path('hooks/a.ts')}\n`);
});

test('packages are also found in the image\'s node_modules (the working directory\'s)', () => {
  const s = scratch();
  s.file('app/node_modules/app-config/package.json', JSON.stringify({ name: 'app-config', version: '1.0.0', main: 'index.js' }), 0o644);
  s.file('app/node_modules/app-config/index.js', "module.exports = { port: 8080 };\n", 0o644);
  s.file('hooks/a.ts', "import config from 'app-config';\nexport function prehook(_v: unknown, ctx: any) { ctx.env.PORT = String(config.port); }\n", 0o644);
  const r = run([...s.cacheArgs, '-H', s.path('hooks'), '--', 'sh', '-c', 'echo "$PORT"'], { cwd: s.path('app') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '8080\n');
});
