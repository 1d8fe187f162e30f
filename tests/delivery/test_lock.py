#!/usr/bin/python3
"""--lock: a held lock makes a run exit 75 at once with a clear message;
concurrent runs (with and without --lock) never corrupt the history."""
import glob
import json
import os
import subprocess
import sys

import common
from common import check, main, report, run, setup, write_json, finding

TMP = setup(sys.argv)
T0 = 1795000000


def held():
    lock = os.path.join(TMP, "run.lock")
    cfg = write_json(os.path.join(TMP, "cfg.json"), {"history": {"dir": os.path.join(TMP, "h1")}})
    rin = write_json(os.path.join(TMP, "r.json"), report(T0, 2, [], {}))
    holder = subprocess.Popen([common.DRIVER, "hold-lock", lock], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        check(holder.stdout.readline().strip() == "locked", "holder took the lock")
        p = run(["record", rin, cfg, os.path.join(TMP, "o.json"), "--lock", lock])
        check(p.returncode == 75, "second run exits 75 (EX_TEMPFAIL), got %d" % p.returncode)
        check("another run holds the lock" in p.stderr and "pid %d" % holder.pid in p.stderr,
              "clear message naming the holder: %s" % p.stderr.strip())
        check(not os.path.exists(os.path.join(TMP, "h1")), "the locked-out run wrote nothing")
    finally:
        holder.stdin.close()
        holder.wait(30)
    p = run(["record", rin, cfg, os.path.join(TMP, "o.json"), "--lock", lock])
    check(p.returncode == 0, "after release the run proceeds")
    p = run(["record", rin, cfg, os.path.join(TMP, "o.json"), "--lock",
             os.path.join(TMP, "no", "such", "dir.lock")])
    check(p.returncode == 0 and os.path.exists(os.path.join(TMP, "no", "such", "dir.lock")),
          "a lock's missing directory is created (cron on a fresh account)")
    with open(os.path.join(TMP, "plainfile"), "w") as f:
        f.write("x")
    p = run(["record", rin, cfg, os.path.join(TMP, "o.json"), "--lock",
             os.path.join(TMP, "plainfile", "x.lock")])
    check(p.returncode != 0 and "cannot open lock file" in p.stderr, "unopenable lock file reported")


def concurrent():
    for mode in ("lock", "nolock"):
        hist = os.path.join(TMP, "h-" + mode)
        cfg = write_json(os.path.join(TMP, "cfg-%s.json" % mode), {"history": {"dir": hist}})
        procs = []
        for i in range(12):
            t = T0 + 86400 * i
            fs = [finding("f%03d" % k, "high") for k in range(i * 50)]
            rin = write_json(os.path.join(TMP, "c-%s-%d.json" % (mode, i)),
                             report(t, 1 + i % 5, fs, {"x": "met"}))
            args = [common.DRIVER, "record", rin, cfg, rin + ".out"]
            if mode == "lock":
                args += ["--lock", os.path.join(TMP, "c.lock")]
            procs.append(subprocess.Popen(args, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        codes = []
        for p in procs:
            _, err = p.communicate(timeout=120)
            codes.append(p.returncode)
            if p.returncode not in (0, 75):
                print("#", err)
        check(all(c in (0, 75) for c in codes) and (mode == "lock" or set(codes) == {0}),
              "%s: every run exits 0%s (%s)" % (mode, " or 75" if mode == "lock" else "", codes))
        files = glob.glob(os.path.join(hist, "*"))
        snaps = [f for f in files if os.path.basename(f).startswith("snapshot-")]
        hidden = [os.path.basename(f) for f in glob.glob(os.path.join(hist, ".*"))]
        check(len(snaps) == codes.count(0) and len(files) == len(snaps)
              and hidden == [".opsgrade-history.lock"],
              "%s: one snapshot per successful run, no stray or temporary files" % mode)
        ok = True
        for f in snaps:
            with open(f) as fh:
                doc = json.load(fh)
            ok = ok and doc["schema"] == "opsgrade.snapshot/1"
        check(ok, "%s: every snapshot parses" % mode)
        p = run(["history", cfg, "acme/widgets", "--json"])
        check(p.returncode == 0 and "warning" not in p.stderr and
              len(json.loads(p.stdout)["snapshots"]) == len(snaps),
              "%s: history lists them without warnings" % mode)


main([held, concurrent])
