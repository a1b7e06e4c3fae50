/**
 * The only door to libc. Every system call that Node does not offer (or offers with the wrong
 * semantics for a PID 1) is declared here, once, with a typed wrapper. Nothing else in the
 * project imports koffi.
 *
 * koffi is loaded lazily so that `--help`, `--version` and usage errors never pay for it, and it
 * binds against the already-loaded libc (`load(null)`), so the same code works on glibc and musl.
 */
import type * as Koffi from 'koffi';

/** Linux signal numbers, x86_64 / aarch64 numbering (identical for 1..31). */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20,
  TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29,
  PWR: 30, SYS: 31,
} as const;

/** How a process ended: exactly one of the two is a number. */
export interface WaitStatus {
  /** The exit code, when the process called exit(). */
  code: number | null;
  /** The signal that killed it. */
  signal: number | null;
}

/** A failed system call: the call's name and errno, with the C library's text. */
export class SyscallError extends Error {
  constructor(readonly call: string, readonly errno: number) {
    super(`${call}: ${errnoName(errno)}`);
  }
}

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM (operation not permitted)', 2: 'ENOENT (no such file or directory)',
  3: 'ESRCH (no such process)', 4: 'EINTR', 8: 'ENOEXEC (exec format error)', 10: 'ECHILD (no child processes)',
  12: 'ENOMEM', 13: 'EACCES (permission denied)', 20: 'ENOTDIR (not a directory)',
  21: 'EISDIR (is a directory)', 22: 'EINVAL (invalid argument)', 25: 'ENOTTY (not a terminal)',
  26: 'ETXTBSY (text file busy)', 36: 'ENAMETOOLONG', 40: 'ELOOP (too many symbolic links)',
};
function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

export const ERRNO = { EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, ENOEXEC: 8, ECHILD: 10, EACCES: 13, ENOTDIR: 20, EISDIR: 21, ELOOP: 40 } as const;

// Constants from the Linux UAPI / glibc headers (same values on musl).
const P_ALL = 0;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const PR_SET_PDEATHSIG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;
const O_NONBLOCK = 0o4000;
const SPAWN = { SETPGROUP: 0x02, SETSIGDEF: 0x04, SETSIGMASK: 0x08 } as const;

// Opaque C structs are handled as byte buffers sized generously: glibc's sigset_t is 128 bytes,
// posix_spawnattr_t 336, posix_spawn_file_actions_t 80, siginfo_t 128. musl's are smaller.
const SIGSET_BYTES = 128;
const SPAWNATTR_BYTES = 512;
const FILE_ACTIONS_BYTES = 256;
const SIGINFO_BYTES = 128;
const SIGINFO_PID_OFFSET = 16;

type Fn = (...args: unknown[]) => number;
interface Libc {
  koffi: typeof Koffi;
  waitid: Fn; waitpid: Fn; prctl: Fn; getpgrp: Fn;
  tcgetpgrp: Fn; tcsetpgrp: Fn; fcntl: Fn; signal: Fn; pthread_sigmask: Fn;
  sigemptyset: Fn; sigfillset: Fn; sigaddset: Fn; execve: Fn;
  posix_spawnattr_init: Fn; posix_spawnattr_destroy: Fn; posix_spawnattr_setflags: Fn;
  posix_spawnattr_setsigmask: Fn; posix_spawnattr_setsigdefault: Fn; posix_spawnattr_setpgroup: Fn;
  posix_spawn_file_actions_init: Fn; posix_spawn_file_actions_destroy: Fn; posix_spawn: Fn;
}

let libc: Libc | undefined;
function lib(): Libc {
  if (libc) return libc;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi: typeof Koffi = require('koffi');
  const c = koffi.load(null as unknown as string);
  const f = (sig: string) => c.func(sig) as unknown as Fn;
  libc = {
    koffi,
    waitid: f('int waitid(int idtype, int id, _Out_ uint8_t *infop, int options)'),
    waitpid: f('int waitpid(int pid, _Out_ int *status, int options)'),
    prctl: f('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    getpgrp: f('int getpgrp()'),
    tcgetpgrp: f('int tcgetpgrp(int fd)'),
    tcsetpgrp: f('int tcsetpgrp(int fd, int pgrp)'),
    fcntl: f('int fcntl(int fd, int cmd, ...)'),
    signal: f('void *signal(int sig, void *handler)'),
    pthread_sigmask: f('int pthread_sigmask(int how, const uint8_t *set, uint8_t *old)'),
    sigemptyset: f('int sigemptyset(_Inout_ uint8_t *set)'),
    sigfillset: f('int sigfillset(_Inout_ uint8_t *set)'),
    sigaddset: f('int sigaddset(_Inout_ uint8_t *set, int sig)'),
    execve: f('int execve(const char *path, const char **argv, const char **envp)'),
    posix_spawnattr_init: f('int posix_spawnattr_init(_Inout_ uint8_t *attr)'),
    posix_spawnattr_destroy: f('int posix_spawnattr_destroy(_Inout_ uint8_t *attr)'),
    posix_spawnattr_setflags: f('int posix_spawnattr_setflags(_Inout_ uint8_t *attr, short flags)'),
    posix_spawnattr_setsigmask: f('int posix_spawnattr_setsigmask(_Inout_ uint8_t *attr, const uint8_t *set)'),
    posix_spawnattr_setsigdefault: f('int posix_spawnattr_setsigdefault(_Inout_ uint8_t *attr, const uint8_t *set)'),
    posix_spawnattr_setpgroup: f('int posix_spawnattr_setpgroup(_Inout_ uint8_t *attr, int pgroup)'),
    posix_spawn_file_actions_init: f('int posix_spawn_file_actions_init(_Inout_ uint8_t *fa)'),
    posix_spawn_file_actions_destroy: f('int posix_spawn_file_actions_destroy(_Inout_ uint8_t *fa)'),
    posix_spawn: f('int posix_spawn(_Out_ int *pid, const char *path, const uint8_t *fa, const uint8_t *attr, const char **argv, const char **envp)'),
  };
  return libc;
}

function errno(): number {
  return lib().koffi.errno();
}

function check(call: string, rc: number): number {
  if (rc < 0) throw new SyscallError(call, errno());
  return rc;
}

function sigset(fill: 'empty' | 'full', ...add: number[]): Buffer {
  const c = lib();
  const set = Buffer.alloc(SIGSET_BYTES);
  if (fill === 'full') c.sigfillset(set);
  else c.sigemptyset(set);
  for (const s of add) c.sigaddset(set, s);
  return set;
}

/** Decodes a wait(2) status word. */
function decodeWaitStatus(raw: number): WaitStatus {
  const low = raw & 0x7f;
  if (low === 0) return { code: (raw >> 8) & 0xff, signal: null };
  return { code: null, signal: low };
}

// ---- processes -----------------------------------------------------------------------------

/**
 * Makes this process a child subreaper (orphaned descendants are re-parented to it), or stops
 * being one. The setting survives execve, so exec mode turns it off first.
 */
export function setSubreaper(on: boolean): void {
  check('prctl(PR_SET_CHILD_SUBREAPER)', lib().prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0));
}

/** Asks the kernel to send `signal` to this process when its parent dies (tini -p). */
export function setParentDeathSignal(signal: number): void {
  check('prctl(PR_SET_PDEATHSIG)', lib().prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0));
}

/**
 * The pid of some exited child, without reaping it (waitid with WNOWAIT), or 0 when none has
 * exited (or there are no children at all).
 */
export function peekExitedChild(): number {
  const info = Buffer.alloc(SIGINFO_BYTES);
  const rc = lib().waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT);
  if (rc < 0) {
    const e = errno();
    if (e === ERRNO.ECHILD || e === ERRNO.EINTR) return 0;
    throw new SyscallError('waitid', e);
  }
  return info.readInt32LE(SIGINFO_PID_OFFSET);
}

/** Reaps one specific child if it has exited; null if it is still running or not ours. */
export function reap(pid: number): WaitStatus | null {
  const status = [0];
  const rc = lib().waitpid(pid, status, WNOHANG);
  if (rc <= 0) return null;
  return decodeWaitStatus(status[0]!);
}

/** Reaps any one exited child; its pid, or 0 when none has exited (or none is left). */
export function reapAny(): number {
  const status = [0];
  const rc = lib().waitpid(-1, status, WNOHANG);
  return rc > 0 ? rc : 0;
}

/**
 * kill(2). Returns 0 or the errno; ESRCH is an answer, not a failure, for a forwarder. Node's
 * process.kill is kill(2) itself (negative pids reach process groups), and using it keeps the
 * signal path free of the FFI's ~10 ms first load.
 */
export function kill(pid: number, signal: number): number {
  try {
    process.kill(pid, signal);
    return 0;
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).errno;
    return typeof errno === 'number' ? Math.abs(errno) : ERRNO.ESRCH;
  }
}

export function processGroup(): number {
  return lib().getpgrp();
}

export interface SpawnRequest {
  /** Absolute path of the program (PATH lookup is the caller's business). */
  path: string;
  argv: string[];
  env: string[];
  /** Put the child in a process group of its own. */
  newProcessGroup?: boolean;
  /** Make the child's new process group the foreground group of this terminal fd. */
  foreground?: number;
}

let addTcsetpgrp: Fn | null | undefined;
/** glibc >= 2.35 can hand the terminal over inside the child, before exec: no race. */
function tcsetpgrpFileAction(): Fn | null {
  if (addTcsetpgrp === undefined) {
    try {
      addTcsetpgrp = lib().koffi.load(null as unknown as string).func('int posix_spawn_file_actions_addtcsetpgrp_np(_Inout_ uint8_t *fa, int fd)') as unknown as Fn;
    } catch {
      addTcsetpgrp = null;
    }
  }
  return addTcsetpgrp;
}

/**
 * posix_spawn with every caught or ignored signal reset to default and an empty signal mask,
 * so the child starts as if from a clean exec. Throws SyscallError('posix_spawn', errno) when
 * the program cannot be executed (ENOENT, EACCES, ENOEXEC...).
 */
export function spawn(req: SpawnRequest): number {
  const c = lib();
  const attr = Buffer.alloc(SPAWNATTR_BYTES);
  const actions = Buffer.alloc(FILE_ACTIONS_BYTES);
  check('posix_spawnattr_init', -c.posix_spawnattr_init(attr));
  check('posix_spawn_file_actions_init', -c.posix_spawn_file_actions_init(actions));
  try {
    let flags = SPAWN.SETSIGDEF | SPAWN.SETSIGMASK;
    if (req.newProcessGroup) flags |= SPAWN.SETPGROUP;
    c.posix_spawnattr_setflags(attr, flags);
    c.posix_spawnattr_setsigmask(attr, sigset('empty'));
    // Every signal back to its default in the child (SIGKILL and SIGSTOP are skipped by libc):
    // Node ignores SIGPIPE and SIGXFSZ, and an ignored signal would survive the exec.
    c.posix_spawnattr_setsigdefault(attr, sigset('full'));
    c.posix_spawnattr_setpgroup(attr, 0);
    const inChild = req.foreground !== undefined ? tcsetpgrpFileAction() : null;
    if (inChild) inChild(actions, req.foreground);
    const pid = [0];
    const rc = c.posix_spawn(pid, req.path, actions, attr, [...req.argv, null], [...req.env, null]);
    if (rc !== 0) throw new SyscallError('posix_spawn', rc);
    // Without the file action (musl), hand the terminal over from here; the child may briefly
    // run in the background first.
    if (req.foreground !== undefined && !inChild) setForegroundGroup(req.foreground, pid[0]!);
    return pid[0]!;
  } finally {
    c.posix_spawn_file_actions_destroy(actions);
    c.posix_spawnattr_destroy(attr);
  }
}

// ---- terminals -----------------------------------------------------------------------------

export function foregroundGroup(fd: number): number {
  return lib().tcgetpgrp(fd);
}

/**
 * tcsetpgrp with SIGTTOU blocked: a background process that takes the terminal back would
 * otherwise be stopped (or, with a listener installed, signalled over and over).
 */
export function setForegroundGroup(fd: number, pgrp: number): void {
  const c = lib();
  const old = Buffer.alloc(SIGSET_BYTES);
  c.pthread_sigmask(SIG_BLOCK, sigset('empty', SIG.TTOU), old);
  try {
    check('tcsetpgrp', c.tcsetpgrp(fd, pgrp));
  } finally {
    c.pthread_sigmask(SIG_SETMASK, old, null);
  }
}

// ---- exec ----------------------------------------------------------------------------------

/**
 * Node marks fds 0-2 close-on-exec and may leave them non-blocking; a program exec'd or
 * posix_spawn'ed from here would start without stdio, or with stdio that fails with EAGAIN.
 */
export function prepareStdioForChild(): void {
  const c = lib();
  for (const fd of [0, 1, 2]) {
    const fdFlags = c.fcntl(fd, F_GETFD);
    if (fdFlags >= 0 && fdFlags & FD_CLOEXEC) c.fcntl(fd, F_SETFD, 'int', fdFlags & ~FD_CLOEXEC);
    const flFlags = c.fcntl(fd, F_GETFL);
    if (flFlags >= 0 && flFlags & O_NONBLOCK) c.fcntl(fd, F_SETFL, 'int', flFlags & ~O_NONBLOCK);
  }
}

/**
 * Replaces this process with `path`. Before the call: stdio made inheritable and blocking,
 * SIGPIPE and SIGXFSZ back to default (Node ignores them, and ignored signals survive exec),
 * and an empty signal mask. Returns only on failure, by throwing.
 */
export function exec(path: string, argv: string[], env: string[]): never {
  const c = lib();
  prepareStdioForChild();
  c.signal(SIG.PIPE, null);
  c.signal(SIG.XFSZ, null);
  c.pthread_sigmask(SIG_SETMASK, sigset('empty'), null);
  c.execve(path, [...argv, null], [...env, null]);
  throw new SyscallError('execve', errno());
}
