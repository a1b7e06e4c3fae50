/**
 * Writing the output. Files are replaced atomically: the content goes to a temp file in the
 * destination's directory that already has the final owner and mode before its first byte
 * (so no reader ever sees a secret under looser permissions), is fsync'ed, then renamed over
 * the destination. rename() replaces a symlink itself, never what it points to.
 */
import {
  chmodSync, chownSync, closeSync, constants, fchmodSync, fchownSync, fsync, mkdirSync, openSync, renameSync,
  unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Owners are copied only as root; otherwise chown would fail for any other uid. */
const IS_ROOT = process.getuid?.() === 0;

/** Permission bits including setuid, setgid and sticky. */
const PERMISSIONS = 0o7777;

/** Creates one directory with the template directory's owner and mode. */
export function makeDirectory(path: string, like: Stats): void {
  // Private until it has its final owner and mode; chmod last, as chown may clear set-id bits.
  mkdirSync(path, { mode: 0o700 });
  if (IS_ROOT) chownSync(path, like.uid, like.gid);
  chmodSync(path, like.mode & PERMISSIONS);
}

export interface OutputFile {
  dest: string;
  data: string;
  /** The template's stat: owner and mode to give the file. */
  like: Stats;
}

interface Staged {
  file: OutputFile;
  tmp: string;
  fd: number | undefined;
}

/** A random temp-file suffix. node:crypto is loaded only here: it costs 7-18 ms to load. */
function randomSuffix(): string {
  return (require('node:crypto') as typeof import('node:crypto')).randomBytes(6).toString('hex');
}

/** At most this many temp files are open at once (fds are finite). */
const BATCH = 64;

/**
 * Writes files atomically with their templates' owner and mode. The fsyncs of a batch run
 * concurrently on libuv's thread pool: the filesystem journal then commits them together, which
 * is several times faster than one fsync after another (about 2 ms each on a VM disk).
 */
export async function writeFilesAtomic(files: OutputFile[]): Promise<void> {
  for (let i = 0; i < files.length; i += BATCH) await writeBatch(files.slice(i, i + BATCH));
}

async function writeBatch(files: OutputFile[]): Promise<void> {
  const staged: Staged[] = [];
  try {
    for (const file of files) staged.push(stage(file));
    await Promise.all(staged.map((s) => fsyncAsync(s.fd!)));
    for (const s of staged) {
      closeSync(s.fd!);
      s.fd = undefined;
      renameSync(s.tmp, s.file.dest);
      s.tmp = '';
    }
  } finally {
    for (const s of staged) {
      if (s.fd !== undefined) closeSync(s.fd);
      if (s.tmp) {
        try { unlinkSync(s.tmp); } catch { /* not there */ }
      }
    }
  }
}

/** A temp file next to the destination, already with the final owner and mode, then the data. */
function stage(file: OutputFile): Staged {
  const tmp = join(dirname(file.dest), `.${basename(file.dest)}.${randomSuffix()}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  const staged: Staged = { file, tmp, fd };
  try {
    if (IS_ROOT) fchownSync(fd, file.like.uid, file.like.gid);
    fchmodSync(fd, file.like.mode & PERMISSIONS);
    const buf = Buffer.from(file.data, 'utf8');
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    return staged;
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* not there */ }
    throw err;
  }
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Makes the renames in these directories durable (concurrently, like the files' fsyncs). */
export async function syncDirectories(dirs: Iterable<string>): Promise<void> {
  await Promise.all([...dirs].map(async (dir) => {
    let fd: number | undefined;
    try {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
      await fsyncAsync(fd);
    } catch {
      // Some filesystems refuse fsync on directories; the data itself is already synced.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }));
}
