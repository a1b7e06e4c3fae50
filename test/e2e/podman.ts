/**
 * Rootful podman with runc, configured for this machine kind, and the containers of one test
 * run. Containers outlive the process that started them (conmon is re-parented), so every
 * container is labelled with the run it belongs to and removed by `removeAll()` in the test's
 * `after`; containers of runs that were killed before their `after` are removed on the next run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Scratch space shared by the e2e test files: containers.conf, the image build lock. */
export const STATE_DIR = join(tmpdir(), 'pid1-e2e');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let globalArgs: string[] | undefined;

/**
 * Writes the containers.conf this machine kind needs: crun fails on hybrid cgroups (runc works),
 * there is no systemd or journald, and runc may not raise rlimits above the host's hard limits.
 */
function containersConf(): string {
  const hard = (flag: string, cap: number) => {
    const out = spawnSync('sh', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' }).stdout.trim();
    const n = out === 'unlimited' ? cap : Number(out);
    return Math.min(Number.isFinite(n) && n > 0 ? n : cap, cap);
  };
  const nofile = hard('n', 1 << 20);
  const nproc = hard('u', 32768);
  const file = join(STATE_DIR, 'containers.conf');
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(file, [
    '[containers]',
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
    '',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    '',
  ].join('\n'));
  return file;
}

/**
 * The global flags every podman call gets. The default storage (overlay on ext4) is used when it
 * works; otherwise a separate vfs store, so a broken default store is never touched.
 */
function podmanArgs(): string[] {
  if (globalArgs) return globalArgs;
  process.env.CONTAINERS_CONF = containersConf();
  const probe = spawnSync('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], { encoding: 'utf8' });
  if (probe.status === 0) {
    globalArgs = [];
  } else {
    globalArgs = ['--storage-driver', 'vfs', '--root', '/var/lib/pid1-e2e/storage', '--runroot', '/run/pid1-e2e'];
    const again = spawnSync('podman', [...globalArgs, 'info'], { encoding: 'utf8' });
    if (again.status !== 0) throw new Error(`podman does not work here:\n${probe.stderr}\n${again.stderr}`);
  }
  return globalArgs;
}

/** Runs `podman ARGS` to completion. */
export function podman(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Result {
  const r = spawnSync('podman', [...podmanArgs(), ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like podman(), but a non-zero exit is an error carrying podman's message. */
export function podmanOk(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): string {
  const r = podman(args, opts);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Why the e2e tests cannot run here, or undefined when they can. In CI nothing may be skipped:
 * a missing podman is a failure there, not a quiet pass.
 */
export function unavailable(): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'needs root (rootful podman)';
  else if (spawnSync('sh', ['-c', 'command -v podman && command -v runc']).status !== 0) reason = 'needs podman and runc (apt-get install podman runc)';
  else if (!existsSync('/bin/busybox') && !existsSync('/usr/bin/busybox')) reason = 'needs busybox-static';
  if (reason && process.env.CI) throw new Error(`e2e: ${reason}`);
  return reason;
}

/** True while process `pid` exists (the owner of a lock or of a run label). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const RUN_LABEL = 'pid1-e2e-run';

/**
 * Removes the containers of earlier runs whose test process is gone (killed before its `after`
 * hook ran): without this they would run on forever, as containers outlive their starter.
 */
function removeAbandoned() {
  const rows = podman(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}} {{index .Labels "${RUN_LABEL}"}}`]).stdout;
  const ids = rows.split('\n').filter(Boolean).map((row) => row.split(' ')).filter(([, run]) => !alive(Number(run?.split('-')[0]))).map(([id]) => id!);
  if (ids.length) podman(['rm', '-f', '-t', '0', ...ids]);
}

/** The containers one test file starts, all labelled with its run id and removed together. */
export class Containers {
  readonly label = `${RUN_LABEL}=${process.pid}-${Date.now()}`;
  private cleaned = false;

  /** `podman run -d` with the limits every test container gets; returns the container id. */
  start(image: string, args: string[] = [], runOptions: string[] = []): string {
    if (!this.cleaned) {
      removeAbandoned();
      this.cleaned = true;
    }
    return podmanOk(['run', '-d', '--label', this.label, '--memory', '256m', '--network', 'none', ...runOptions, image, ...args]).trim();
  }

  /** Every container of this run, running or not, is removed (killed first). */
  removeAll() {
    const ids = podman(['ps', '-aq', '--filter', `label=${this.label}`]).stdout.split('\n').filter(Boolean);
    if (ids.length) podman(['rm', '-f', '-t', '0', ...ids]);
  }
}

/** The exit code podman recorded (waits for the container to end). */
export function exitCode(id: string): number {
  return Number(podmanOk(['wait', id], { timeoutMs: 30_000 }).trim());
}

export function logs(id: string): string {
  const r = podman(['logs', id]);
  return r.stdout + r.stderr;
}

/** Resolves once the container's output contains `text`; rejects with the output after `ms`. */
export async function waitForLog(id: string, text: string, ms = 10_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const out = logs(id);
    if (out.includes(text)) return out;
    if (!running(id)) {
      const last = logs(id);
      if (last.includes(text)) return last;
      throw new Error(`the container ended (exit ${exitCode(id)}) before printing '${text}':\n${last}`);
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for '${text}' in the logs of ${id}:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function running(id: string): boolean {
  return podman(['inspect', '--format', '{{.State.Running}}', id]).stdout.trim() === 'true';
}

/** `ps`-like rows of the processes in a container, seen from the host. */
export function processes(id: string): { pid: number; ppid: number; state: string; comm: string }[] {
  const out = podmanOk(['top', id, 'pid', 'ppid', 'state', 'comm']);
  return out.split('\n').slice(1).filter((l) => l.trim()).map((l) => {
    const [pid, ppid, state, ...comm] = l.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), state: state!, comm: comm.join(' ') };
  });
}

/** Wall-clock seconds a synchronous call takes. */
export function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * `podman stop -t TIMEOUT` of a container whose log already says it is ready; the time it took
 * (also shown as a test diagnostic) and the exit code it ended with.
 */
export function timedStop(id: string, t: { diagnostic(msg: string): void }, timeout = 10): { took: number; code: number } {
  const took = seconds(() => podmanOk(['stop', '-t', String(timeout), id], { timeoutMs: (timeout + 20) * 1000 }));
  t.diagnostic(`podman stop took ${took.toFixed(2)} s`);
  return { took, code: exitCode(id) };
}
