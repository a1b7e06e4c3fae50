/**
 * Walks the templates directory: every directory (empty ones too, top-down, so parents are
 * created first) and every file to render, in a stable sorted order.
 *
 * Symlinks: a link to a file inside the templates root is rendered (like the seed); a link that
 * leads out of the root is refused, since rendering it would copy any file PID 1 can read (say
 * /etc/shadow) into the output. Linked directories are not followed (they could loop), and
 * FIFOs, sockets and devices are skipped: reading a FIFO would block the start for ever.
 *
 * A world-writable template is refused: nunjucks is no sandbox (a template can reach
 * JavaScript's Function constructor), so whoever can write a template can run code as PID 1.
 */
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../src/log';
import { EntrypointError } from '../../src/errors';
import { modeString } from '../../src/trustedFile';
import { isInside, realPath } from './paths';

export interface TemplateFile {
  /** Path relative to the templates root, '/'-separated: also its template name. */
  rel: string;
  /** Absolute path in the templates tree (as named, for messages). */
  path: string;
  /** Mode and owner to give the output (the link target's, for a symlink). */
  stat: Stats;
}

export interface TemplateDir {
  /** Relative path ('' for the root itself). */
  rel: string;
  stat: Stats;
}

export interface TemplateTree {
  dirs: TemplateDir[];
  files: TemplateFile[];
}

/** Templates (and include files) that anybody could have written are not run. */
export function refuseWorldWritable(path: string, st: Stats): void {
  if (st.mode & 0o002) {
    throw new EntrypointError(`template ${path} is world-writable (mode ${modeString(st.mode)}): anybody could run code through it as PID 1; run chmod o-w on it`);
  }
}

/** The tree under `root`, or undefined when `root` does not exist. */
export function walkTemplates(root: string, log: Logger): TemplateTree | undefined {
  let rootStat: Stats;
  try {
    rootStat = statSync(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EntrypointError(`templates directory ${root}: ${(err as Error).message}`);
  }
  if (!rootStat.isDirectory()) throw new EntrypointError(`templates directory ${root} is not a directory`);
  const realRoot = realPath(root)!;
  const tree: TemplateTree = { dirs: [{ rel: '', stat: rootStat }], files: [] };

  const visit = (rel: string): void => {
    const dir = rel ? join(root, rel) : root;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      throw new EntrypointError(`templates directory ${dir}: ${(err as Error).message}`);
    }
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      const path = join(root, childRel);
      let st = lstatSync(path);
      if (st.isSymbolicLink()) {
        const target = realPath(path);
        if (!target) throw new EntrypointError(`template ${path} is a dangling symlink`);
        if (!isInside(realRoot, target)) throw new EntrypointError(`template ${path} is a symlink to ${target}, outside the templates directory ${root}`);
        st = statSync(path);
        if (st.isDirectory()) {
          log.warn(`template ${path} is a symlink to a directory: not followed`);
          continue;
        }
      }
      if (st.isDirectory()) {
        tree.dirs.push({ rel: childRel, stat: st });
        visit(childRel);
      } else if (st.isFile()) {
        refuseWorldWritable(path, st);
        tree.files.push({ rel: childRel, path, stat: st });
      } else {
        log.warn(`template ${path} is not a regular file: skipped`);
      }
    }
  };
  visit('');
  return tree;
}
