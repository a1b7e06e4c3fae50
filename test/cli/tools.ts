/**
 * Running the entrypoint under the names `tini` and `dumb-init` (symlinks to the installed bin,
 * as an image would have them), and the real Debian tools next to it for comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRYPOINT, type Result } from '../helpers/cli';

export type Tool = 'tini' | 'dumb-init';

export interface ToolRun {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** A directory holding `tini` and `dumb-init` symlinks to the entrypoint; remove() when done. */
export function personalityDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-compat-'));
  for (const name of ['tini', 'dumb-init']) symlinkSync(ENTRYPOINT, join(dir, name));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function exec(file: string, args: string[], opts: ToolRun, argv0: string): Result {
  const r = spawnSync(file, args, {
    argv0,
    env: { ...process.env, ...opts.env } as NodeJS.ProcessEnv,
    cwd: opts.cwd,
    input: '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 20_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Our personality, run through its symlink. */
export function ours(dir: string, tool: Tool, args: string[], opts: ToolRun = {}): Result {
  return exec(join(dir, tool), args, opts, tool);
}

/** Where Debian installs the real tool; undefined when it is not installed. */
export function realTool(tool: Tool): string | undefined {
  const path = `/usr/bin/${tool}`;
  return existsSync(path) ? path : undefined;
}

/** The real tool, with argv[0] its bare name (as a PATH lookup gives it). */
export function theirs(tool: Tool, args: string[], opts: ToolRun = {}): Result {
  return exec(realTool(tool)!, args, opts, tool);
}

/** Our version strings carry pid1's version after the tool's; theirs do not. */
export function sameVersion(text: string): string {
  return text.replace(/ - pid1 [^\s)]+/g, '').replace(/ \(pid1 [^)]+\)/g, '').replace(/\((\d+)\)/g, '(PID)');
}
