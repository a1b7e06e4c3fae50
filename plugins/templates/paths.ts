/**
 * Where a path really lands. PID 1 runs as root and the template tree, the include roots and the
 * destination may all contain symlinks planted to redirect a write (or a read) elsewhere, so
 * every check is done on real paths, never on the names as written.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, normalize, sep } from 'node:path';
import { EntrypointError } from '../../src/errors';

/** True when `path` is `root` or below it (both real, absolute paths). */
export function isInside(root: string, path: string): boolean {
  if (root === sep) return path.startsWith(sep);
  return path === root || path.startsWith(root + sep);
}

/** The real path, or undefined when nothing exists there (a dangling link counts as nothing). */
export function realPath(path: string): string | undefined {
  try {
    // The native realpath(3): one syscall, where the JS version lstats every component.
    return realpathSync.native(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * A relative name inside a root (`etc/app.conf`): no absolute paths, no `..` climbing out.
 * Returns the normalised name.
 */
export function safeRelative(name: string, what: string): string {
  const n = normalize(name);
  if (isAbsolute(n) || n === '..' || n.startsWith('..' + sep) || n.includes('\0')) {
    throw new EntrypointError(`${what} '${name}' escapes its root directory`);
  }
  return n;
}
