/** Which files of the hooks directory are hooks, and in which order. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EntrypointError } from '../../src/errors';

const HOOK_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$/;

/**
 * The hook files directly in `dir`, in plain string order (`10-b.ts` before `2-a.ts`, as the
 * Python entrypoint sorted them). Dotfiles, declaration files and subdirectories are not hooks;
 * subdirectories may hold modules the hooks import. A missing directory has no hooks, unless
 * `required`.
 */
export function findHookFiles(dir: string, required: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return [];
    const reason = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'is not a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new EntrypointError(`hooks directory ${dir}: ${reason}`);
  }
  return names
    .filter((name) => !name.startsWith('.') && HOOK_FILE.test(name) && !DECLARATION_FILE.test(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
}
