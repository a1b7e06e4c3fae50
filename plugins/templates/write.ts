/**
 * Writing the output. Files are replaced atomically: the content goes to a temp file in the
 * destination's directory that already has the final owner and mode before its first byte
 * (so no reader ever sees a secret under looser permissions), is fsync'ed, then renamed over
 * the destination. rename() replaces a symlink itself, never what it points to.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, mkdirSync, openSync, renameSync,
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

/** Writes `data` to `dest` atomically with the owner and mode of `like`. */
export function writeFileAtomic(dest: string, data: string, like: Stats): void {
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let open = true;
  let renamed = false;
  try {
    if (IS_ROOT) fchownSync(fd, like.uid, like.gid);
    fchmodSync(fd, like.mode & PERMISSIONS);
    const buf = Buffer.from(data, 'utf8');
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(tmp, dest);
    renamed = true;
  } finally {
    if (!renamed) {
      if (open) closeSync(fd);
      try { unlinkSync(tmp); } catch { /* not there */ }
    }
  }
}

/** Makes renames in `dir` durable (a crash right after start must not lose the files). */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some filesystems refuse fsync on directories; the data itself is already synced.
  }
}
