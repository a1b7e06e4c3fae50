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
import { alive, podman, podmanOk, STATE_DIR } from './podman';

/** Where the project lives inside the image (the layout of an npm install, minus the noise). */
const APP_DIR = '/opt/pid1';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const REPO = 'localhost/pid1-e2e';

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
  const bundle = ['cli.cjs', 'entrypoint.cjs'].map((f) => readFileSync(join(ROOT, 'dist', f), 'utf8')).join('\n');
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
    // Test builds (dist/test-PID) come and go while other test files run; types are not run.
    if (!/^dist\/(test|types)[-/]/.test(rel)) entries.push(app(rel));
  }
  const elves: string[] = [node, busybox]; // busybox may be a dynamic build
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
