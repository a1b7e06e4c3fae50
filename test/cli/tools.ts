/**
 * Running the entrypoint under the names `tini` and `dumb-init` (symlinks to the installed bin,
 * as an image would have them), and the real Debian tools next to it for comparison.
 */
import assert from 'node:assert/strict';
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

/**
 * What both personality test files need: the symlink dir, a scratch dir for markers, and the
 * side-by-side comparison with the real tool. Call `cleanup()` in `after`.
 */
export function personalityKit() {
  const bin = personalityDir();
  const scratch = mkdtempSync(join(tmpdir(), 'pid1-compat-ran-'));
  let marks = 0;
  return {
    bin,
    cleanup() {
      bin.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
    /** A command that leaves a file behind if it runs: proof that nothing was started. */
    marker(): { argv: string[]; ran(): boolean } {
      const file = join(scratch, `ran-${++marks}`);
      return { argv: ['sh', '-c', `touch ${file}`], ran: () => existsSync(file) };
    },
    /** Runs `args` through ours and (when installed) the real tool; both must answer the same. */
    agrees(tool: Tool, args: string[], env: Record<string, string> = {}, compare = { stderr: true }): Result {
      const mine = ours(bin.dir, tool, args, { env });
      if (realTool(tool)) {
        const real = theirs(tool, args, { env });
        assert.equal(mine.code, real.code, `exit code of ${tool} ${args.join(' ')}`);
        assert.equal(sameVersion(mine.stdout), sameVersion(real.stdout), `stdout of ${tool} ${args.join(' ')}`);
        if (compare.stderr) assert.equal(sameVersion(mine.stderr), sameVersion(real.stderr), `stderr of ${tool} ${args.join(' ')}`);
      }
      return mine;
    },
  };
}

/** The child's session leader and its own pid, as the child sees them. */
export const SESSION = ['sh', '-c', 'set -- $(cut -d")" -f2 /proc/$$/stat); echo "pid=$$ sid=$4"'];
export function ownSession(stdout: string): boolean {
  const m = /pid=(\d+) sid=(\d+)/.exec(stdout);
  assert.ok(m, `no session line in ${JSON.stringify(stdout)}`);
  return m[1] === m[2];
}
