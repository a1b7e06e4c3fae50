/**
 * Reading a file that PID 1 (usually root) will act on (.env files, hook sources, secrets, the
 * config file, plugins). The file
 * is opened once and checked through that same descriptor (fstat), so it cannot be swapped
 * between the check and the read. Symlinks are followed on purpose: Kubernetes mounts
 * ConfigMaps and Secrets as symlinks into a `..data` directory.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';

/** Why a file was refused; the caller puts it after the file's name in one error line. */
export class UntrustedFile extends Error {}

export interface TrustPolicy {
  /**
   * When running as root, refuse files that someone other than root could have written:
   * group- or world-writable, or owned by a non-root user.
   */
  ownedByRoot: boolean;
  /** Largest size accepted, in bytes. */
  maxBytes: number;
}

/**
 * Reads a regular file, refusing directories, devices, FIFOs (a read could block forever) and,
 * per `policy`, files writable by others. A world-writable file is refused for every user.
 * Throws UntrustedFile with a short reason, or the fs error (ENOENT, EACCES…).
 */
export function readTrustedFile(path: string, policy: TrustPolicy): Buffer {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. (libuv adds O_CLOEXEC.)
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    checkTrusted(fstatSync(fd), policy);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The checks of readTrustedFile on a stat, for files that are not read here (plugins). */
export function checkTrusted(st: Stats, policy: TrustPolicy): void {
  if (st.isDirectory()) throw new UntrustedFile('is a directory, not a file');
  if (!st.isFile()) throw new UntrustedFile('is not a regular file');
  if (st.size > policy.maxBytes) throw new UntrustedFile(`is larger than ${policy.maxBytes} bytes`);
  if (st.mode & 0o002) throw new UntrustedFile(`is world-writable (mode ${modeString(st.mode)}); run chmod o-w on it`);
  if (process.getuid?.() === 0 && policy.ownedByRoot) {
    if (st.mode & 0o020) throw new UntrustedFile(`is group-writable (mode ${modeString(st.mode)}) and the entrypoint runs as root; run chmod g-w on it`);
    if (st.uid !== 0) throw new UntrustedFile(`is owned by uid ${st.uid}, not root, and the entrypoint runs as root; run chown root on it`);
  }
}

/** A mode as `ls -l` users read it in messages: 0644. */
export function modeString(m: number): string {
  return (m & 0o7777).toString(8).padStart(4, '0');
}

/** The reason an fs error gives, in words a user reads in one line. */
export function fsReason(err: unknown): string {
  if (err instanceof UntrustedFile) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ENOTDIR') return 'a parent of it is not a directory';
  return (err as Error).message ?? String(err);
}
