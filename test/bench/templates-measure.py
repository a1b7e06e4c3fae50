#!/usr/bin/env python3
"""Runs commands one after the other and reports, for each, wall time and the child's own CPU
time and peak RSS from wait4(2) (Node cannot get a child's rusage). Reads a JSON list of
{"name", "argv", "env", "clear": [dirs removed before the run, untimed]} on stdin; prints
{"name": {"wall_ms", "cpu_ms", "rss_kb", "status"}} on stdout. For test/bench/templates.mjs.
"""
import json
import os
import shutil
import sys
import time


def main():
    out = {}
    for cmd in json.load(sys.stdin):
        for d in cmd.get('clear', []):
            shutil.rmtree(d, ignore_errors=True)
        devnull = os.open(os.devnull, os.O_RDWR)
        t0 = time.perf_counter_ns()
        pid = os.fork()
        if pid == 0:
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            try:
                os.execvpe(cmd['argv'][0], cmd['argv'], cmd['env'])
            finally:
                os._exit(127)
        _, status, ru = os.wait4(pid, 0)
        wall = (time.perf_counter_ns() - t0) / 1e6
        os.close(devnull)
        out[cmd['name']] = {
            'wall_ms': wall,
            'cpu_ms': (ru.ru_utime + ru.ru_stime) * 1000,
            'rss_kb': ru.ru_maxrss,
            'status': os.waitstatus_to_exitcode(status),
        }
    json.dump(out, sys.stdout)


main()
