#!/usr/bin/env python3
"""interleave.py RUNS CMD... - runs each shell-quoted CMD RUNS times, in
turns (A B C A B C ...), after three warm-up turns, and prints one line per
command: median wall ms, median CPU ms (user + system of the child, from
getrusage), last exit status. Taking turns gives every command the same
share of whatever else the shared machine is doing while it is measured."""
import resource
import shlex
import statistics
import subprocess
import sys
import time


def once(argv):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return (t1 - t0) * 1000, cpu * 1000, rc


def main():
    runs = int(sys.argv[1])
    cmds = [shlex.split(c) for c in sys.argv[2:]]
    wall = [[] for _ in cmds]
    cpu = [[] for _ in cmds]
    rcs = [0 for _ in cmds]
    for turn in range(runs + 3):
        for i, c in enumerate(cmds):
            w, u, rcs[i] = once(c)
            if turn >= 3:
                wall[i].append(w)
                cpu[i].append(u)
    for i in range(len(cmds)):
        print("%.2f %.2f %d" % (statistics.median(wall[i]), statistics.median(cpu[i]), rcs[i]))


if __name__ == "__main__":
    main()
