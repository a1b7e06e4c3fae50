/**
 * A temp directory per test, with the files a test writes into it and a hook that dumps the
 * variables it sees as JSON: the variables are not visible from the child otherwise.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export interface Scratch {
  dir: string;
  /** Writes `text` at `rel` (parents created), mode 0600 unless given; returns the path. */
  file(rel: string, text: string, mode?: number): string;
  path(rel: string): string;
  /** Arguments every run gets: a private cache directory, so tests never share one. */
  cacheArgs: string[];
}

export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-cfg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(rel, text, mode = 0o600) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      chmodSync(p, mode);
      return p;
    },
    path: (rel) => join(dir, rel),
    cacheArgs: ['--cache-dir', join(dir, 'cache')],
  };
}

/** A hook file that writes the variables its `stage` sees to `out` as JSON. */
export function dumpHook(out: string, stage: 'prehook' | 'hook' | 'posthook' = 'posthook'): string {
  return `import { writeFileSync } from 'node:fs';
export function ${stage}(vars: Record<string, unknown>): void {
  writeFileSync(${JSON.stringify(out)}, JSON.stringify(vars));
}
`;
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** The error lines of a run's stderr. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes('error:'));
}
