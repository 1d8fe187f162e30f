#!/usr/bin/python3
"""Time a command interleaved with its peer; print medians and ratios.

usage: measure.py NAME RUNS PREPARE CMD_A CMD_B [OUT.tsv]

Each command is a shell string (bash -c) run in its own process group;
PREPARE (may be "") runs untimed before every run of A.
A and B alternate (A B A B ...) so drift on a loaded machine hits both.
Per run: wall time and the largest single process (/usr/bin/time's
%e and %M).  The peak memory of the whole process tree (every process in
the group, its proportional set size summed, sampled every 10 ms from
/proc: pages a forked renderer shares copy-on-write with its parent
count once, as they are held once) comes from one more, untimed run of
each command: reading smaps_rollup walks a process's page tables under
its memory lock, which slows a command in proportion to its size (jq's
780 MB ran 1.6x slower sampled than not), so sampling would skew the
timed runs' ratio.
Prints min/median/max and the median of the pairwise ratios A/B.
"""
import os
import statistics
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def pss(pid, rss):
    """The process's proportional set size; its RSS when unreadable."""
    try:
        with open("/proc/%s/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss


def tree_rss(pgid):
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d, "rb") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rfind(b")") + 2:].split()
        # fields after comm: state ppid pgrp ... rss is field 24 (index 21)
        if int(rest[2]) == pgid:
            total += pss(d, int(rest[21]) * PAGE)
    return total


def run(cmd, tfile, sample):
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", "-o", tfile,
                          "bash", "-c", cmd], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if sample:
            peak = max(peak, tree_rss(p.pid))
            time.sleep(0.01)
        else:
            pid, status, ru = os.wait4(p.pid, 0)
            break
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    rc = os.waitstatus_to_exitcode(status)
    # /usr/bin/time's own figures: wall, and the largest single process
    try:
        with open(tfile) as f:
            last = f.read().split("\n")[-2].split()
        wall, single = float(last[0]), int(last[1]) * 1024
    except (OSError, IndexError, ValueError):
        wall, single = time.monotonic() - t0, ru.ru_maxrss * 1024
    return wall, max(peak, single), single, rc, err


def fmt(v):
    return "%.3f" % v


def main():
    name, runs, prep, a, b = sys.argv[1:6]
    out = sys.argv[6] if len(sys.argv) > 6 else None
    runs = int(runs)
    tfile = "/tmp/og-measure-%d.time" % os.getpid()
    res = {"A": [], "B": []}
    tree = {"A": 0, "B": 0}
    # the first pair warms the cache and samples the tree's memory
    for i in range(runs + 1):
        for k, cmd in (("A", a), ("B", b)):
            if not cmd:
                continue
            if prep and k == "A":
                subprocess.run(["bash", "-c", prep], check=True)
            wall, peak, single, rc, err = run(cmd, tfile, i == 0)
            if rc not in (0, 1, 3):
                sys.stderr.write("%s %s: exit %d\n%s" % (name, k, rc, err[-2000:]))
                sys.exit(1)
            if i:
                res[k].append((wall, max(tree[k], single), single))
            else:
                tree[k] = peak
    line = [name]
    for k in ("A", "B"):
        if not res[k]:
            line += ["-", "-", "-"]
            continue
        walls = [r[0] for r in res[k]]
        line += [fmt(statistics.median(walls)),
                 "%d" % (statistics.median(r[1] for r in res[k]) / 1048576),
                 "%d" % (statistics.median(r[2] for r in res[k]) / 1048576)]
        print("%-22s %s wall min/med/max %.3f/%.3f/%.3f s  tree peak %d MiB"
              " (largest process %d MiB)" % (
                  name, k, min(walls), statistics.median(walls), max(walls),
                  statistics.median(r[1] for r in res[k]) / 1048576,
                  statistics.median(r[2] for r in res[k]) / 1048576))
    if res["B"]:
        ratio = statistics.median(x[0] / y[0] for x, y in zip(res["A"], res["B"]))
        print("%-22s ratio A/B (median of pairs) %.3f  -> opsgrade %.2fx %s"
              % (name, ratio, 1 / ratio if ratio < 1 else ratio,
                 "faster" if ratio < 1 else "slower"))
        line.append("%.3f" % ratio)
    else:
        line.append("-")
    if os.path.exists(tfile):
        os.unlink(tfile)
    if out:
        with open(out, "a") as f:
            f.write("\t".join(line) + "\n")


main()
