/**
 * A temp tree per test: T (templates), O (output), J (jinja includes) and C (cache), and a
 * `render` that runs the real CLI on them: `entrypoint -t T -o O -j J --cache-dir C -- ...`.
 * Variables come from the environment (the runner seeds them from it).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { run, type Result } from '../helpers/cli';

export interface TemplateScratch {
  dir: string;
  T: string;
  O: string;
  J: string;
  C: string;
  /** Writes a template (parents created) under T; mode 0644 unless given. Returns its path. */
  template(rel: string, text: string, mode?: number): string;
  /** Writes an include-only template under J. */
  include(rel: string, text: string): string;
  /** Runs `entrypoint -t T -o O -j J --cache-dir C [extra] -- command`. */
  render(opts?: { env?: Record<string, string | undefined>; extra?: string[]; command?: string[] }): Result;
  /** The text of a rendered file, relative to O. */
  read(rel: string): string;
  exists(rel: string): boolean;
  mode(path: string): number;
}

export function templateScratch(): TemplateScratch {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-tpl-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const T = join(dir, 'T');
  const O = join(dir, 'O');
  const J = join(dir, 'J');
  const C = join(dir, 'C');
  mkdirSync(T);
  const write = (path: string, text: string, mode: number) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };
  return {
    dir, T, O, J, C,
    template: (rel, text, mode = 0o644) => write(join(T, rel), text, mode),
    include: (rel, text) => write(join(J, rel), text, 0o644),
    render: ({ env, extra = [], command = ['true'] } = {}) =>
      run(['-t', T, '-o', O, '-j', J, '--cache-dir', C, ...extra, '--', ...command], { env }),
    read: (rel) => readFileSync(join(O, rel), 'utf8'),
    exists: (rel) => existsSync(join(O, rel)),
    mode: (path) => statSync(path).mode & 0o7777,
  };
}

/** Every file and directory below `root` (relative paths, sorted), temp files included. */
export function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      if (statSync(join(root, r)).isDirectory()) visit(r);
    }
  };
  visit('');
  return out;
}

/** The `[entrypoint] error:` lines of stderr. */
export function errorLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.includes('error:')) ?? '';
}
