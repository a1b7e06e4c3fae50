/**
 * A content-addressed cache on disk for compiled artefacts (nunjucks templates, esbuild output),
 * so a warm container start skips the compilers. Keys are sha256 hashes of everything that
 * determines the output; a hit is only ever the exact bytes a miss would have produced.
 *
 * The cache holds code that PID 1 runs as root, so a directory that anybody else could have
 * written is not trusted: it must be ours and not group- or world-writable, else the cache
 * falls back to memory. A missing, read-only or unusable directory is never an error.
 */
import type * as Crypto from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Entrypoint } from '../../src/context';
import { definePlugin } from '../../src/plugin';

export const PLUGIN_NAME = 'cache';
export const DEFAULT_CACHE_DIR = '/tmp/entrypoint-cache';

export interface Cache {
  /** Where entries are stored, or undefined when the cache lives in memory only. */
  readonly dir: string | undefined;
  get(key: string): Buffer | undefined;
  set(key: string, data: string | Buffer): void;
}

// node:crypto costs 7-18 ms to load (OpenSSL start-up): only a start that uses the cache pays it.
function crypto(): typeof Crypto {
  return require('node:crypto');
}

/** sha256 over the parts, each length-prefixed so that ('ab','c') and ('a','bc') differ. */
export function cacheKey(...parts: (string | Buffer)[]): string {
  const h = crypto().createHash('sha256');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    h.update(`${b.length}:`);
    h.update(b);
  }
  return h.digest('hex');
}

/** Creates (or checks) a directory that only we can write. Returns false if it is not safe. */
function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.() ?? 0;
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

class DiskCache implements Cache {
  private readonly memory = new Map<string, Buffer>();
  private writable = true;
  constructor(readonly dir: string | undefined) {}

  get(key: string): Buffer | undefined {
    const hit = this.memory.get(key);
    if (hit || !this.dir) return hit;
    try {
      return readFileSync(join(this.dir, key));
    } catch {
      return undefined;
    }
  }

  set(key: string, data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (!this.dir || !this.writable) {
      this.memory.set(key, buf);
      return;
    }
    const tmp = join(this.dir, `.${key}.${crypto().randomBytes(6).toString('hex')}.tmp`);
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, buf);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, key));
    } catch {
      // Read-only or full: keep working from memory.
      try { unlinkSync(tmp); } catch { /* not created */ }
      this.writable = false;
      this.memory.set(key, buf);
    }
  }
}

const caches = new WeakMap<Entrypoint, Map<string, Cache>>();

/** The cache for one kind of artefact (`templates`, `hooks`), in its own subdirectory. */
export function openCache(ep: Entrypoint, namespace: string): Cache {
  let byName = caches.get(ep);
  if (!byName) caches.set(ep, (byName = new Map()));
  let cache = byName.get(namespace);
  if (!cache) {
    const root = ep.option<string>('cache-dir');
    const dir = root && privateDir(root) && privateDir(join(root, namespace)) ? join(root, namespace) : undefined;
    if (!dir) ep.log.debug(`cache ${namespace}: ${root ? `${root} is not usable or not private` : 'disabled'}; caching in memory`);
    cache = new DiskCache(dir);
    byName.set(namespace, cache);
  }
  return cache;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [
    {
      name: 'cache-dir', kind: 'value', arg: 'DIR', default: DEFAULT_CACHE_DIR,
      description: "where compiled templates and hooks are cached ('' for memory only)",
    },
  ],
  apply() {},
});
