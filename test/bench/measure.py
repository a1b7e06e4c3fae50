#!/usr/bin/env python3
"""Measuring primitives for test/bench/init.mjs, which does the statistics and the tables.

Python is used where Node would blur the numbers:
  - a child's max RSS comes only from wait4(2)'s rusage (Node's child_process does not expose it);
  - a signal round trip is timed with a blocking read, so the harness adds no event-loop latency.

  measure.py startup|signal|reap|idle   read a JSON spec on stdin, print a JSON result on stdout
  measure.py respond                    (child) answer each SIGUSR1 with one byte on stdout
  measure.py orphans                    (child) on 'g' from stdin, leave N zombies to the init
"""
import json
import os
import random
import select
import signal
import sys
import time

NS = 1_000_000_000
CLK_TCK = os.sysconf('SC_CLK_TCK')


# --- /proc ----------------------------------------------------------------------------------------

def proc_stat(pid):
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...]."""
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    return s[s.rindex(')') + 2:].split()


def children(pid):
    """Direct children of pid, zombies included, over all of its threads."""
    out = []
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f'/proc/{pid}/task/{tid}/children') as f:
                out.extend(int(p) for p in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def state(pid):
    try:
        return proc_stat(pid)[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def wait_until(fn, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError(f'timed out waiting for {what}')
        time.sleep(0.005)


def init_pid(started, pid1):
    """The init under test: the started process, or unshare's only child (PID 1 of the namespace)."""
    if not pid1:
        return started
    return wait_until(lambda: (children(started) or [None])[0], 10, 'the init under unshare')


# --- helpers for spawning -------------------------------------------------------------------------

def spawn(argv, env, stdin=None, stdout=None, stderr=None):
    """posix_spawnp with the given fds (None → /dev/null) as 0, 1, 2."""
    devnull = os.open(os.devnull, os.O_RDWR)
    actions = []
    for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
        actions.append((os.POSIX_SPAWN_DUP2, devnull if fd is None else fd, target))
    try:
        return os.posix_spawnp(argv[0], argv, env, file_actions=actions)
    finally:
        os.close(devnull)


def read_exact(fd, n, timeout):
    """Reads n bytes or returns what arrived before the timeout (s)."""
    buf = b''
    deadline = time.monotonic() + timeout
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def read_line(fd, timeout):
    buf = b''
    while not buf.endswith(b'\n'):
        c = read_exact(fd, 1, timeout)
        if not c:
            raise TimeoutError(f'no line from the child (got {buf!r})')
        buf += c
    return buf.decode().strip()


def stop(proc_pid, target_pid, timeout=10):
    """SIGTERM to the init, then SIGKILL to the started process if it lingers; returns wait status."""
    try:
        os.kill(target_pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status = os.waitpid(proc_pid, os.WNOHANG)
        if pid:
            return status
        time.sleep(0.01)
    os.kill(proc_pid, signal.SIGKILL)
    return os.waitpid(proc_pid, 0)[1]


# --- 1 and 2: startup wall time and max RSS -------------------------------------------------------

def gnu_time():
    """GNU time, if installed: it forks from a ~1 MiB process, so its %M is the command's own peak.
    wait4 from here would count this Python's pages too (a vfork child shares them until exec)."""
    for path in ('/usr/bin/time',):
        if os.access(path, os.X_OK):
            r = os.popen(f'{path} --version 2>&1').read()
            if 'GNU' in r:
                return path
    return None


def max_rss(argv, env, time_path, out_file):
    """Peak RSS (KiB) of one run of argv: by GNU time, else by wait4 (includes the harness floor)."""
    if time_path:
        _, status = os.waitpid(spawn([time_path, '-f', '%M', '-o', out_file, '--'] + argv, env), 0)
        with open(out_file) as f:
            return int(f.read().split()[-1])
    return os.wait4(spawn(argv, env), 0)[2].ru_maxrss


def bench_startup(spec, env):
    """Every round runs every command once for time and once for memory, in a shuffled order, so
    that noise hits all of them alike. Wall time is timed without any wrapper."""
    names = list(spec['commands'])
    out = {n: [] for n in names}
    rng = random.Random(spec.get('seed', 1))
    time_path = gnu_time()
    out_file = os.path.join(spec['tmpdir'], 'maxrss')
    for _ in range(spec.get('warmup', 2)):
        for n in names:
            os.waitpid(spawn(spec['commands'][n], env), 0)
    for _ in range(spec['rounds']):
        rng.shuffle(names)
        for n in names:
            argv = spec['commands'][n]
            t0 = time.perf_counter_ns()
            pid = spawn(argv, env)
            _, status, ru = os.wait4(pid, 0)
            t1 = time.perf_counter_ns()
            out[n].append({
                'wall_ms': (t1 - t0) / 1e6,
                'cpu_ms': (ru.ru_utime + ru.ru_stime) * 1000,
                'maxrss_kib': max_rss(argv, env, time_path, out_file),
                'exit': os.waitstatus_to_exitcode(status),
            })
    return {'rss_by': 'GNU time %M' if time_path else 'wait4 ru_maxrss (includes ~10 MiB of the Python harness)',
            'runs': out}


# --- 3: signal round trip -------------------------------------------------------------------------

def respond():
    """The child: blocks SIGUSR1 and takes it with sigwait, the cheapest wake-up Python has."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    os.write(1, b'R')
    while True:
        signal.sigwait({signal.SIGUSR1})
        os.write(1, b'x')


def bench_signal(spec, env):
    """All targets run side by side; each round signals each of them once, in a shuffled order."""
    rng = random.Random(spec.get('seed', 2))
    live = []  # (target, started pid, pid to signal, read end)
    out = {}
    try:
        for target in spec['targets']:
            r, w = os.pipe()
            pid = spawn(target['argv'], env, stdout=w)
            os.close(w)
            live.append([target, pid, pid, r])
        for entry in live:
            target, pid, _, r = entry
            if read_exact(r, 1, 20) != b'R':
                raise RuntimeError(f"{target['name']}: the responder did not start")
            entry[2] = init_pid(pid, target.get('pid1', False))
            out[target['name']] = {'us': [], 'lost': 0}
        order = list(live)
        for i in range(spec['warmup'] + spec['samples']):
            rng.shuffle(order)
            for target, _, sig_pid, r in order:
                t0 = time.perf_counter_ns()
                os.kill(sig_pid, signal.SIGUSR1)
                got = read_exact(r, 1, 2)
                t1 = time.perf_counter_ns()
                res = out[target['name']]
                if got != b'x':
                    res['lost'] += 1
                    read_exact(r, 1, 0.5)  # a late answer must not count for the next signal
                elif i >= spec['warmup']:
                    res['us'].append((t1 - t0) / 1e3)
                time.sleep(spec['gap_ms'] / 1000)
    finally:
        for target, pid, sig_pid, r in live:
            stop(pid, sig_pid)
            os.close(r)
    return out


# --- 4: zombies reaped per second -----------------------------------------------------------------

def orphans():
    """The child: says ready, waits for 'g', then an intermediate process forks N children that
    exit at once and exits itself, so that all N zombies are re-parented to the init."""
    n = int(sys.argv[2])
    os.write(1, b'ready\n')
    if os.read(0, 1) != b'g':
        return
    r, w = os.pipe()
    a = os.fork()
    if a == 0:
        os.close(r)
        made = 0
        for _ in range(n):
            try:
                if os.fork() == 0:
                    os._exit(0)
                made += 1
            except OSError:
                break
        os.write(w, f'{made}\n'.encode())
        os._exit(0)
    os.close(w)
    made = os.read(r, 32).decode().strip()
    os.waitpid(a, 0)
    os.write(1, f'made {made}\n'.encode())
    os.read(0, 1)  # EOF from the bench ends us, and with us the init


def zombies_of(pid):
    return [k for k in children(pid) if state(k) == 'Z']


def bench_reap(spec, env):
    """Rounds alternate between the inits. In each, the init is stopped while the zombies pile up."""
    n = spec['zombies']
    out = {t['name']: [] for t in spec['targets']}
    for _ in range(spec['rounds']):
        for target in spec['targets']:
            runs = out[target['name']]
            rin, win = os.pipe()
            rout, wout = os.pipe()
            pid = spawn(target['argv'] + [str(n)], env, stdin=rin, stdout=wout)
            os.close(rin)
            os.close(wout)
            ipid = pid
            try:
                if read_line(rout, 20) != 'ready':
                    raise RuntimeError(f"{target['name']}: the orphan maker did not start")
                ipid = init_pid(pid, target.get('pid1', False))
                os.kill(ipid, signal.SIGSTOP)
                wait_until(lambda: state(ipid) == 'T', 5, 'the init to stop')
                os.write(win, b'g')
                made = int(read_line(rout, 120).split()[1])
                wait_until(lambda: len(zombies_of(ipid)) >= made, 60, f'{made} zombies')
                # Every init here reaps in the order of the children list (oldest first), so the
                # first and last zombies of that list mark the first and last reap. Watching their
                # /proc entries is cheap; re-reading the whole list would take the tasklist lock
                # that every reap needs, and slow down the very thing measured.
                kids = zombies_of(ipid)
                first_z, last_z = f'/proc/{kids[0]}', f'/proc/{kids[-1]}'
                first = None
                t0 = time.perf_counter_ns()
                os.kill(ipid, signal.SIGCONT)
                while True:
                    time.sleep(spec['poll_ms'] / 1000)
                    t = time.perf_counter_ns()
                    if first is None and not os.path.exists(first_z):
                        first = t
                    if not os.path.exists(last_z):
                        left = len(children(ipid)) - 1  # the orphan maker itself is still alive
                        t = time.perf_counter_ns()
                        if left <= 0:
                            break
                    if t - t0 > 60 * NS:
                        raise TimeoutError(f"{target['name']}: zombies left after 60 s")
                first = first or t
                runs.append({'zombies': made, 'ms': (t - t0) / 1e6, 'first_reap_ms': (first - t0) / 1e6,
                             'per_s': made / ((t - t0) / NS)})
            finally:
                try:
                    os.kill(ipid, signal.SIGCONT)
                except ProcessLookupError:
                    pass
                os.close(win)  # the orphan maker exits, then the init
                deadline = time.monotonic() + 10
                while not os.waitpid(pid, os.WNOHANG)[0]:
                    if time.monotonic() > deadline:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        break
                    time.sleep(0.01)
                os.close(rout)
    return out


# --- 5: idle cost ---------------------------------------------------------------------------------

def idle_snapshot(pid):
    st = proc_stat(pid)
    ticks = int(st[11]) + int(st[12])  # utime, stime (fields 14 and 15 of stat)
    switches = 0
    tids = os.listdir(f'/proc/{pid}/task')
    for tid in tids:
        try:
            with open(f'/proc/{pid}/task/{tid}/status') as f:
                for line in f:
                    if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')):
                        switches += int(line.split()[1])
        except FileNotFoundError:
            pass
    rss = 0
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                rss = int(line.split()[1])
    return {'ticks': ticks, 'switches': switches, 'threads': len(tids), 'rss_kib': rss}


def bench_idle(spec, env):
    """All inits idle side by side over the same window, each with one sleeping child."""
    started = {}
    try:
        for target in spec['targets']:
            started[target['name']] = [spawn(target['argv'], env), None]
        for target in spec['targets']:
            entry = started[target['name']]
            entry[1] = init_pid(entry[0], target.get('pid1', False))
            wait_until(lambda: any(state(k) == 'S' for k in children(entry[1])), 20, f"{target['name']} to start its child")
        time.sleep(spec['settle_s'])
        before = {name: idle_snapshot(ipid) for name, (_, ipid) in started.items()}
        time.sleep(spec['seconds'])
        after = {name: idle_snapshot(ipid) for name, (_, ipid) in started.items()}
    finally:
        for pid, ipid in started.values():
            stop(pid, ipid or pid)
    return {name: {'ticks': after[name]['ticks'] - before[name]['ticks'],
                   'cpu_ms': (after[name]['ticks'] - before[name]['ticks']) * 1000 / CLK_TCK,
                   'switches': after[name]['switches'] - before[name]['switches'],
                   'threads': after[name]['threads'], 'rss_kib': after[name]['rss_kib'],
                   'seconds': spec['seconds']}
            for name in started}


def main():
    mode = sys.argv[1]
    if mode == 'respond':
        return respond()
    if mode == 'orphans':
        return orphans()
    spec = json.load(sys.stdin)
    env = spec.get('env', dict(os.environ))
    bench = {'startup': bench_startup, 'signal': bench_signal, 'reap': bench_reap, 'idle': bench_idle}[mode]
    json.dump(bench(spec, env), sys.stdout)


if __name__ == '__main__':
    main()
