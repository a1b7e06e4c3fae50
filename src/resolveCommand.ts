/**
 * Finds the program to run the way a shell does (PATH of the child's environment), and turns
 * the two classic failures into the shell's exit codes with one line naming the command:
 * not found → 127, found but not executable → 126.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { EntrypointError } from './errors';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function resolveCommand(file: string, env: Record<string, string | undefined>): string {
  if (file === '') throw new EntrypointError('the command is an empty string', 127);
  if (file.includes('/')) {
    checkExecutable(file, file);
    return file;
  }
  let found: string | undefined;
  for (const dir of (env.PATH ?? DEFAULT_PATH).split(':')) {
    const candidate = join(dir || '.', file);
    let st;
    try {
      st = statSync(candidate);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      found ??= candidate;
    }
  }
  if (found) throw new EntrypointError(`${file}: permission denied (${found} is not executable)`, 126);
  throw new EntrypointError(`${file}: command not found`, 127);
}

function checkExecutable(path: string, shown: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EntrypointError(`${shown}: no such file or directory`, 127);
    if (code === 'ENOTDIR') throw new EntrypointError(`${shown}: not a directory`, 127);
    throw new EntrypointError(`${shown}: ${(err as Error).message}`, 126);
  }
  if (st.isDirectory()) throw new EntrypointError(`${shown}: is a directory`, 126);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new EntrypointError(`${shown}: permission denied`, 126);
  }
}

/** `KEY=value` strings for execve / posix_spawn. */
export function envArray(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out.push(`${k}=${v}`);
  return out;
}
