/**
 * The render stage: templates root → output root, in two phases.
 *
 *   1. plan and render everything in memory: walk the tree, decide per file (write, or skip
 *      because the destination exists), refuse destinations that lead out of the output root,
 *      render. Any error stops here, before a single byte is written or a directory created,
 *      so a failing 5th template leaves none of the 5 behind.
 *   2. write: create the missing directories (top-down, owner and mode of the template dir),
 *      then write each file atomically with its template's owner and mode.
 *
 * An I/O error in phase 2 (disk full, read-only mount) stops the start too; files written
 * before it stay (each of them complete), none is ever partial.
 */
import { lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../src/log';
import { EntrypointError } from '../../src/errors';
import type { Engine } from './environment';
import { isInside, realPath, safeRelative } from './paths';
import type { TemplateTree } from './tree';
import { makeDirectory, syncDirectories, writeFilesAtomic } from './write';

export interface RenderOptions {
  templates: string;
  output: string;
  force: boolean;
  log: Logger;
}

interface PlannedFile {
  dest: string;
  stat: Stats;
  content: string;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EntrypointError(`output ${path}: ${(err as Error).message}`);
  }
}

export async function renderTree(tree: TemplateTree, engine: () => Engine, variables: Record<string, unknown>, opts: RenderOptions): Promise<number> {
  const { output, log } = opts;
  const realOutput = realPath(output);

  // Every existing destination directory must really be inside the output root: a symlinked
  // /etc/app -> /root/.ssh must not turn a template into a write elsewhere.
  for (const dir of tree.dirs) {
    const dest = join(output, safeRelative(dir.rel || '.', 'template directory'));
    const st = lstatOrUndefined(dest);
    if (!st) continue;
    const real = realPath(dest);
    if (!real) throw new EntrypointError(`output ${dest} is a dangling symlink`);
    if (realOutput && !isInside(realOutput, real)) throw new EntrypointError(`output ${dest} leads to ${real}, outside the output directory ${output}`);
    if (!statSync(dest).isDirectory()) throw new EntrypointError(`output ${dest} exists and is not a directory (template ${join(opts.templates, dir.rel)} is one)`);
  }

  const planned: PlannedFile[] = [];
  for (const file of tree.files) {
    const dest = join(output, safeRelative(file.rel, 'template'));
    const st = lstatOrUndefined(dest);
    if (st?.isDirectory()) throw new EntrypointError(`output ${dest} is a directory; cannot render template ${file.path} there`);
    if (st?.isSymbolicLink() && !realPath(dest) && !opts.force) {
      throw new EntrypointError(`output ${dest} is a dangling symlink: not writing through it (remove it, or --force-render replaces the link)`);
    }
    if (st && !opts.force) {
      log.warn(`${dest} already exists: not rendering template ${file.path} (--force-render to replace it)`);
      continue;
    }
    planned.push({ dest, stat: file.stat, content: engine().renderFile(file.rel, variables) });
  }

  // Phase 2: directories, then files.
  if (!lstatOrUndefined(output)) mkdirSync(dirname(output), { recursive: true, mode: 0o755 });
  try {
    for (const dir of tree.dirs) {
      const dest = dir.rel ? join(output, dir.rel) : output;
      if (!lstatOrUndefined(dest)) makeDirectory(dest, dir.stat);
    }
    await writeFilesAtomic(planned.map((f) => ({ dest: f.dest, data: f.content, like: f.stat })));
    for (const file of planned) log.debug(`rendered ${file.dest}`);
    await syncDirectories(new Set(planned.map((f) => dirname(f.dest))));
  } catch (err) {
    if (err instanceof EntrypointError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new EntrypointError(`writing templates to ${output}: ${e.path ? `${e.path}: ` : ''}${e.code ?? e.message}`);
  }
  return planned.length;
}
