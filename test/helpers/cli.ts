/**
 * Driving the built CLI as a user would: through the installed bin (src/bin/entrypoint), as a
 * real PID 1 inside `unshare --pid --fork --mount-proc` when asked.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
/** The installed command, exactly as npm links it. */
export const ENTRYPOINT = join(ROOT, 'src', 'bin', 'entrypoint');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Run as PID 1 of a new PID namespace (root only). */
  pid1?: boolean;
  timeoutMs?: number;
}

/** argv for running the entrypoint with `args`, optionally as PID 1. */
export function entrypointArgv(args: string[], pid1 = false): string[] {
  return pid1 ? ['unshare', '--pid', '--fork', '--mount-proc', ENTRYPOINT, ...args] : [ENTRYPOINT, ...args];
}

/** Runs the entrypoint to completion. */
export function run(args: string[], opts: RunOptions = {}): Result {
  const [file, ...rest] = entrypointArgv(args, opts.pid1);
  const r = spawnSync(file!, rest, {
    env: { ...process.env, ...opts.env } as NodeJS.ProcessEnv,
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Starts the entrypoint in the background; the caller talks to it and awaits `done`. */
export function start(args: string[], opts: RunOptions & SpawnOptions = {}) {
  const [file, ...rest] = entrypointArgv(args, opts.pid1);
  const child = spawn(file!, rest, { env: { ...process.env, ...opts.env } as NodeJS.ProcessEnv, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Result>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    /** SIGKILLs the entrypoint and every descendant (under unshare, the whole namespace), then waits. */
    async stop(): Promise<Result> {
      killTree(child.pid!);
      return done;
    },
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    /** Resolves once stdout contains `text` (rejects after `ms`). */
    waitFor(text: string | RegExp, ms = 10_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const check = () => {
          const hit = typeof text === 'string' ? stdout.includes(text) : text.test(stdout);
          if (hit) return resolve(stdout);
          if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${text}; stdout: ${stdout}; stderr: ${stderr}`));
          setTimeout(check, 10);
        };
        check();
      });
    },
  };
}

/** Every descendant of `pid`, deepest last. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let kids: string[] = [];
      try {
        kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').split(' ').filter((k) => k.trim());
      } catch {
        continue;
      }
      for (const k of kids) {
        out.push(Number(k));
        walk(Number(k));
      }
    }
  };
  walk(pid);
  return out;
}

/** SIGKILL to `pid` and all its descendants (stopped ones too). */
export function killTree(pid: number): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** True when running as root (PID-namespace tests need it). */
export const IS_ROOT = process.getuid?.() === 0;

/** `sh -c` exists everywhere; tests use it to build children. */
export function sh(script: string): string[] {
  return ['sh', '-c', script];
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
