/**
 * Real containers for the end-to-end tests: rootful podman with runc, no registry.
 *
 * The base image is built from local files only: busybox-static (every applet), the host's `node`
 * with the shared libraries `ldd` lists, /etc/passwd, and the project as npm would install it
 * (dist/, src/bin/, package.json and the runtime packages dist/ loads). `/usr/local/bin/entrypoint`
 * and the `pid1`, `tini` and `dumb-init` names are symlinks to the bin wrapper, so a Dockerfile
 * can say `ENTRYPOINT ["tini", "--"]` and get us. The image is tagged with a hash of everything
 * that went into it, so a second run with the same build reuses it.
 *
 * Derived images are built with `podman build --pull=never` from a real Dockerfile, as users
 * write them (ENTRYPOINT, CMD, STOPSIGNAL).
 *
 * Containers outlive the process that started them (conmon is re-parented), so every container
 * is labelled with the run it belongs to and removed by `removeAll()` in the test's `after`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync,
  rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli';

/** Where the project lives inside the image (the layout of an npm install, minus the noise). */
const APP_DIR = '/opt/pid1';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const REPO = 'localhost/pid1-e2e';
const STATE_DIR = join(tmpdir(), 'pid1-e2e');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

// ---------------------------------------------------------------------------------------------
// podman itself

let globalArgs: string[] | undefined;

/**
 * Writes the containers.conf this machine kind needs: crun fails on hybrid cgroups (runc works),
 * there is no systemd or journald, and runc may not raise rlimits above the host's hard limits.
 */
function containersConf(): string {
  const hard = (flag: string, cap: number) => {
    const out = spawnSync('sh', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' }).stdout.trim();
    const n = out === 'unlimited' ? cap : Number(out);
    return Math.min(Number.isFinite(n) && n > 0 ? n : cap, cap);
  };
  const nofile = hard('n', 1 << 20);
  const nproc = hard('u', 32768);
  const file = join(STATE_DIR, 'containers.conf');
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(file, [
    '[containers]',
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
    '',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    '',
  ].join('\n'));
  return file;
}

/**
 * The global flags every podman call gets. The default storage (overlay on ext4) is used when it
 * works; otherwise a separate vfs store, so a broken default store is never touched.
 */
function podmanArgs(): string[] {
  if (globalArgs) return globalArgs;
  process.env.CONTAINERS_CONF = containersConf();
  const probe = spawnSync('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], { encoding: 'utf8' });
  if (probe.status === 0) {
    globalArgs = [];
  } else {
    globalArgs = ['--storage-driver', 'vfs', '--root', '/var/lib/pid1-e2e/storage', '--runroot', '/run/pid1-e2e'];
    const again = spawnSync('podman', [...globalArgs, 'info'], { encoding: 'utf8' });
    if (again.status !== 0) throw new Error(`podman does not work here:\n${probe.stderr}\n${again.stderr}`);
  }
  return globalArgs;
}

/** Runs `podman ARGS` to completion. */
export function podman(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Result {
  const r = spawnSync('podman', [...podmanArgs(), ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like podman(), but a non-zero exit is an error carrying podman's message. */
export function podmanOk(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): string {
  const r = podman(args, opts);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Why the e2e tests cannot run here, or undefined when they can. In CI nothing may be skipped:
 * a missing podman is a failure there, not a quiet pass.
 */
export function unavailable(): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'needs root (rootful podman)';
  else if (spawnSync('sh', ['-c', 'command -v podman && command -v runc']).status !== 0) reason = 'needs podman and runc (apt-get install podman runc)';
  else if (!existsSync('/bin/busybox') && !existsSync('/usr/bin/busybox')) reason = 'needs busybox-static';
  if (reason && process.env.CI) throw new Error(`e2e: ${reason}`);
  return reason;
}

// ---------------------------------------------------------------------------------------------
// The base image

/** One file of the rootfs: where it goes and where its bytes come from. */
interface Entry {
  dest: string;
  src?: string;
  /** A symlink target instead of a file. */
  link?: string;
  text?: string;
  mode?: number;
}

function which(cmd: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} not found on the host`);
  return r.stdout.trim();
}

/** The shared libraries (and the loader) an ELF file needs, as absolute host paths. */
function sharedLibraries(file: string): string[] {
  const r = spawnSync('ldd', [file], { encoding: 'utf8' });
  if (r.status !== 0) return []; // static, or not an ELF file
  const libs: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

/**
 * The packages dist/ loads at run time (esbuild keeps them external) and what they depend on,
 * as installed in node_modules/.
 */
function runtimePackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const wanted = new Set<string>(Object.keys(pkg.dependencies ?? {}));
  const bundle = readFileSync(join(ROOT, 'dist', 'entrypoint.cjs'), 'utf8');
  for (const m of bundle.matchAll(/require\("([^".][^"]*)"\)/g)) {
    const name = m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!;
    if (!name.startsWith('node:')) wanted.add(name);
  }
  const found = new Set<string>();
  const visit = (name: string) => {
    const dir = join(ROOT, 'node_modules', name);
    if (found.has(name) || !existsSync(join(dir, 'package.json'))) return; // a builtin, or an optional dep for another platform
    found.add(name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...meta.dependencies, ...meta.optionalDependencies })) visit(dep);
  };
  for (const name of wanted) visit(name);
  return [...found].sort();
}

/** Every file under `dir` (symlinks followed only when they point at files). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...walk(p));
    else if (name.isFile()) out.push(p);
  }
  return out;
}

function baseEntries(): Entry[] {
  const entries: Entry[] = [];
  const busybox = existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox';
  entries.push({ dest: '/bin/busybox', src: busybox });
  const applets = spawnSync(busybox, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'bin/busybox') entries.push({ dest: `/${applet}`, link: '/bin/busybox' });

  const node = realpathSync(which('node'));
  entries.push({ dest: '/usr/bin/node', src: node });

  const app = (rel: string) => ({ dest: `${APP_DIR}/${rel}`, src: join(ROOT, rel) });
  entries.push(app('package.json'), app('src/bin/entrypoint'));
  for (const f of walk(join(ROOT, 'dist'))) {
    const rel = f.slice(ROOT.length + 1);
    if (!rel.startsWith('dist/test/')) entries.push(app(rel));
  }
  const elves: string[] = [node];
  for (const name of runtimePackages()) {
    for (const f of walk(join(ROOT, 'node_modules', name))) {
      entries.push(app(f.slice(ROOT.length + 1)));
      if (f.endsWith('.node')) elves.push(f);
    }
  }
  const libs = new Set(elves.flatMap(sharedLibraries));
  for (const lib of libs) entries.push({ dest: lib, src: realpathSync(lib) });

  for (const name of ['entrypoint', 'pid1', 'tini', 'dumb-init']) {
    entries.push({ dest: `/usr/local/bin/${name}`, link: `${APP_DIR}/src/bin/entrypoint` });
  }
  entries.push(
    { dest: '/etc/passwd', text: 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { dest: '/etc/group', text: 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' },
  );
  // Entries with later duplicates win (a library listed twice, an applet shadowing nothing).
  const byDest = new Map(entries.map((e) => [e.dest, e]));
  return [...byDest.values()].sort((a, b) => (a.dest < b.dest ? -1 : 1));
}

/** A hash of every path, mode and byte that goes into the image. */
function hashEntries(entries: Entry[]): string {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(`${e.dest}\0${e.link ?? ''}\0${e.text ?? ''}\0`);
    if (e.src) {
      h.update(`${statSync(e.src).mode & 0o777}\0`);
      h.update(readFileSync(e.src));
    }
  }
  return h.digest('hex').slice(0, 16);
}

function writeRootfs(dir: string, entries: Entry[]) {
  for (const d of ['proc', 'sys', 'dev', 'etc', 'root', 'home/node', 'run', 'var/tmp']) mkdirSync(join(dir, d), { recursive: true });
  mkdirSync(join(dir, 'tmp'));
  chmodSync(join(dir, 'tmp'), 0o1777);
  for (const e of entries) {
    const dest = join(dir, e.dest);
    mkdirSync(dirname(dest), { recursive: true });
    if (e.link) symlinkSync(e.link, dest);
    else if (e.text !== undefined) writeFileSync(dest, e.text, { mode: 0o644 });
    else {
      copyFileSync(e.src!, dest);
      chmodSync(dest, statSync(e.src!).mode & 0o777);
    }
  }
}

function imageExists(tag: string): boolean {
  return podman(['image', 'exists', tag]).code === 0;
}

/**
 * Drops builds older than ten minutes (derived images first: they hold their base). Newer ones
 * stay even when stale, because the shared tree's dist/ may be rebuilt while another test file
 * of the same run (well under a minute long) still uses the image of the previous build.
 */
function pruneStale() {
  const tags = podman(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${REPO}*`, '--filter', 'until=10m'])
    .stdout.split('\n').filter(Boolean);
  const derivedFirst = [...tags.filter((t) => !t.startsWith(`${REPO}:`)), ...tags.filter((t) => t.startsWith(`${REPO}:`))];
  for (const tag of derivedFirst) podman(['rmi', tag]); // fails harmlessly while a container uses it
}

/**
 * Test files run two at a time; only one of them builds an image, the other waits for it.
 * The lock is a directory holding the builder's pid, so a crashed builder's lock is taken over.
 */
function withBuildLock<T>(fn: () => T): T {
  const lock = join(STATE_DIR, 'build.lock');
  mkdirSync(STATE_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = 0;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written or removed */ }
      if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let baseTag: string | undefined;

/** The base image for this build of the project (built once, then reused by hash). */
export function baseImage(): string {
  if (baseTag) return baseTag;
  const entries = baseEntries();
  const tag = `${REPO}:${hashEntries(entries)}`;
  withBuildLock(() => {
    if (imageExists(tag)) return;
    const dir = mkdtempSync(join(tmpdir(), 'pid1-rootfs-'));
    try {
      writeRootfs(dir, entries);
      const tar = spawnSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
      if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
      podmanOk(['import', '--change', `ENV PATH=${PATH_ENV}`, '--change', 'CMD ["sh"]', '-', tag], { input: tar.stdout, timeoutMs: 120_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    pruneStale();
  });
  baseTag = tag;
  return tag;
}

/**
 * An image built from `dockerfile` (its FROM line is added: the base image), cached by the hash
 * of the base and the Dockerfile text.
 */
export function derivedImage(name: string, dockerfile: string): string {
  const base = baseImage();
  const text = `FROM ${base}\n${dockerfile.trim()}\n`;
  const tag = `${REPO}-${name}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  withBuildLock(() => {
    if (imageExists(tag)) return;
    const dir = mkdtempSync(join(tmpdir(), 'pid1-build-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), text);
      podmanOk(['build', '--pull=never', '--network', 'none', '-q', '-t', tag, '-f', join(dir, 'Dockerfile'), dir], { timeoutMs: 120_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return tag;
}

// ---------------------------------------------------------------------------------------------
// Containers of one test run

const RUN_LABEL = 'pid1-e2e-run';

/**
 * Removes the containers of earlier runs whose test process is gone (killed before its `after`
 * hook ran): without this they would run on forever, as containers outlive their starter.
 */
function removeAbandoned() {
  const rows = podman(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}} {{index .Labels "${RUN_LABEL}"}}`]).stdout;
  const ids = rows.split('\n').filter(Boolean).map((row) => row.split(' ')).filter(([, run]) => !alive(Number(run?.split('-')[0]))).map(([id]) => id!);
  if (ids.length) podman(['rm', '-f', '-t', '0', ...ids]);
}

/** The containers one test file starts, all labelled with its run id and removed together. */
export class Containers {
  readonly label = `${RUN_LABEL}=${process.pid}-${Date.now()}`;
  private cleaned = false;

  /** `podman run -d` with the limits every test container gets; returns the container id. */
  start(image: string, args: string[] = [], runOptions: string[] = []): string {
    if (!this.cleaned) {
      removeAbandoned();
      this.cleaned = true;
    }
    return podmanOk(['run', '-d', '--label', this.label, '--memory', '256m', '--network', 'none', ...runOptions, image, ...args]).trim();
  }

  /** Every container of this run, running or not, is removed (killed first). */
  removeAll() {
    const ids = podman(['ps', '-aq', '--filter', `label=${this.label}`]).stdout.split('\n').filter(Boolean);
    if (ids.length) podman(['rm', '-f', '-t', '0', ...ids]);
  }
}

/** The exit code podman recorded (waits for the container to end). */
export function exitCode(id: string): number {
  return Number(podmanOk(['wait', id], { timeoutMs: 30_000 }).trim());
}

export function logs(id: string): string {
  const r = podman(['logs', id]);
  return r.stdout + r.stderr;
}

/** Resolves once the container's output contains `text`; rejects with the output after `ms`. */
export async function waitForLog(id: string, text: string, ms = 10_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const out = logs(id);
    if (out.includes(text)) return out;
    if (!running(id)) {
      const last = logs(id);
      if (last.includes(text)) return last;
      throw new Error(`the container ended (exit ${exitCode(id)}) before printing '${text}':\n${last}`);
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for '${text}' in the logs of ${id}:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function running(id: string): boolean {
  return podman(['inspect', '--format', '{{.State.Running}}', id]).stdout.trim() === 'true';
}

/** `ps`-like rows of the processes in a container, seen from the host. */
export function processes(id: string): { pid: number; ppid: number; state: string; comm: string }[] {
  const out = podmanOk(['top', id, 'pid', 'ppid', 'state', 'comm']);
  return out.split('\n').slice(1).filter((l) => l.trim()).map((l) => {
    const [pid, ppid, state, ...comm] = l.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), state: state!, comm: comm.join(' ') };
  });
}

/** Wall-clock seconds a synchronous call takes. */
export function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
