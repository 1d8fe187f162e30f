#!/usr/bin/python3
"""History: deltas and trend over a sequence of runs, corrupt/foreign files,
retention, default directory, `history` listing, mail.on change."""
import glob
import json
import os
import sys

from common import check, finding, main, report, run, setup, write_json

TMP = setup(sys.argv)
T0 = 1795000000  # 2026-11-18
WEEK = 7 * 86400


def record(d, doc, epoch, cfg, name):
    rin = write_json(os.path.join(d, name + ".in.json"), doc)
    out = os.path.join(d, name + ".out.json")
    p = run(["record", rin, cfg, out], {"SOURCE_DATE_EPOCH": str(epoch)})
    check(p.returncode == 0, "%s: record exits 0 (stderr: %s)" % (name, p.stderr.strip()))
    with open(out) as f:
        return json.load(f), p.stderr


def sequence():
    d = os.path.join(TMP, "seq")
    os.makedirs(d)
    hist = os.path.join(d, "hist")
    cfg = write_json(os.path.join(d, "cfg.json"),
                     {"history": {"dir": hist}, "mail": {"to": "a@example.org", "on": "change"}})
    gate_pass = [{"id": "min_level", "description": "", "status": "pass", "actual": 2, "expected": 2}]
    gate_fail = [{"id": "min_level", "description": "", "status": "fail", "actual": 2, "expected": 3}]
    r1 = report(T0, 2, [finding("aa", "critical"), finding("bb", "high"), finding("cc", "medium")],
                {"x": "missing", "y": "met", "z": "met"}, kpis={"deploy_frequency": 1.0},
                gates=gate_pass)
    out1, _ = record(d, r1, T0, cfg, "run1")
    check(out1["history"] is None, "first run: history is null (nothing earlier)")
    check(run(["wanted", os.path.join(d, "run1.out.json"), cfg]).stdout.strip() == "yes",
          "mail.on change: first report is mailed")

    r2 = report(T0 + WEEK, 3, [finding("bb", "high"), finding("dd", "critical"),
                               finding("ee", "low", status="suppressed")],
                {"x": "met", "y": "met", "z": "unknown"}, kpis={"deploy_frequency": 4.5},
                gates=gate_pass)
    out2, _ = record(d, r2, T0 + WEEK, cfg, "run2")
    h = out2["history"]
    dl = h["delta"]
    check(h["previous_at"] == "2026-11-18T00:00:00Z" or h["previous_at"].startswith("2026-11"),
          "previous_at is the first run's date (%s)" % h["previous_at"])
    check(dl["level"] == {"from": 2, "to": 3, "compared": True}, "level delta 2 -> 3")
    check(dl["findings_new"] == ["dd"], "new findings: dd (suppressed ee not counted)")
    check(dl["findings_fixed"] == ["aa", "cc"], "fixed findings: aa, cc")
    check(dl["findings_still_open"] == 1, "one finding still open")
    check(dl["capabilities_gained"] == ["x"], "capability x gained")
    check(dl["capabilities_lost"] == [] and dl["capabilities_not_rechecked"] == ["z"],
          "capability z met -> unknown: not re-checked, not lost (issue 11)")
    check(dl["critical_high_changed"] is True, "critical/high set changed")
    check([s["level"] for s in h["snapshots"]] == [2, 3], "level series [2, 3]")
    check([s["kpis"]["deploy_frequency"] for s in h["snapshots"]] == [1.0, 4.5],
          "KPI series [1.0, 4.5]")
    check([s["open"]["critical"] for s in h["snapshots"]] == [1, 1] and
          [s["open"]["medium"] for s in h["snapshots"]] == [1, 0],
          "open-by-severity series")
    check(h["snapshots"][-1]["at"] == h["current_at"], "last snapshot is this run")
    check(run(["wanted", os.path.join(d, "run2.out.json"), cfg]).stdout.strip() == "yes",
          "mail.on change: level change is mailed")

    # Same findings, same level: nothing changed.
    r3 = report(T0 + 2 * WEEK, 3, [finding("bb", "high"), finding("dd", "critical"),
                                   finding("ff", "low")],
                {"x": "met", "y": "met", "z": "unknown"}, kpis={"deploy_frequency": 5},
                gates=gate_pass)
    out3, _ = record(d, r3, T0 + 2 * WEEK, cfg, "run3")
    dl = out3["history"]["delta"]
    check(dl["level"] == {"from": 3, "to": 3, "compared": True} and dl["findings_new"] == ["ff"]
          and dl["critical_high_changed"] is False, "run3: only a new low finding")
    check(len(out3["history"]["snapshots"]) == 3, "three snapshots in the trend")
    check(run(["wanted", os.path.join(d, "run3.out.json"), cfg]).stdout.strip() == "no",
          "mail.on change: no level/gate/critical-high change -> not mailed")

    # A gate flips: mailed.
    r4 = report(T0 + 3 * WEEK, 3, r3["findings"], {"x": "met", "y": "met", "z": "unknown"},
                kpis={"deploy_frequency": 5}, gates=gate_fail)
    out4, _ = record(d, r4, T0 + 3 * WEEK, cfg, "run4")
    check(out4["history"]["delta"]["gates_changed"] == ["min_level"], "gate change detected")
    check(run(["wanted", os.path.join(d, "run4.out.json"), cfg]).stdout.strip() == "yes",
          "mail.on change: gate change is mailed")
    cfg_fail = write_json(os.path.join(d, "cfg-fail.json"),
                          {"mail": {"to": ["a@example.org"], "on": "failure"}})
    check(run(["wanted", os.path.join(d, "run4.out.json"), cfg_fail]).stdout.strip() == "yes"
          and run(["wanted", os.path.join(d, "run3.out.json"), cfg_fail]).stdout.strip() == "no",
          "mail.on failure: only when a gate failed")
    check(run(["wanted", os.path.join(d, "run3.out.json"),
               write_json(os.path.join(d, "nomail.json"), {})]).stdout.strip() == "no",
          "no recipients: not wanted")

    # Rerun of run4 with the same SOURCE_DATE_EPOCH replaces its snapshot.
    out4b, _ = record(d, r4, T0 + 3 * WEEK, cfg, "run4b")
    check(len(glob.glob(os.path.join(hist, "snapshot-*.json"))) == 4,
          "rerun at the same time replaces, 4 snapshot files")
    check(out4b["history"]["previous_at"] == out4["history"]["previous_at"],
          "rerun compares with the same previous snapshot")
    check(not glob.glob(os.path.join(hist, ".snapshot*")), "no temporary files left")

    # Corrupt and foreign files: warned, skipped, never deleted.
    snaps = sorted(glob.glob(os.path.join(hist, "snapshot-*.json")))
    with open(snaps[-1], "rb") as f:
        data = f.read()
    trunc = os.path.join(hist, "snapshot-20261220T000000Z.json")
    with open(trunc, "wb") as f:
        f.write(data[: len(data) // 2])
    foreign = os.path.join(hist, "notes.txt")
    with open(foreign, "w") as f:
        f.write("hello\n")
    other = os.path.join(hist, "snapshot-20261221T000000Z.json")
    with open(other, "w") as f:
        json.dump({"schema": "something-else/1"}, f)
    r5 = report(T0 + 5 * WEEK, 4, r3["findings"], {"x": "met", "y": "met", "z": "met"})
    out5, err = record(d, r5, T0 + 5 * WEEK, cfg, "run5")
    check(os.path.basename(trunc) in err and "corrupt" in err and "warning" in err,
          "truncated snapshot is warned about: " + err.splitlines()[0] if err else "(no stderr)")
    check("notes.txt" in err and "foreign" in err, "foreign file is warned about")
    check("schema" in err and "20261221" in err, "wrong-schema JSON is warned about")
    check(out5["history"]["delta"]["level"] == {"from": 3, "to": 4, "compared": True} and
          len(out5["history"]["snapshots"]) == 5, "corrupt files skipped, trend intact")
    check(os.path.exists(trunc) and os.path.exists(foreign), "skipped files are not deleted")

    # `history` listing, text and JSON.
    p = run(["history", cfg, "acme/widgets"])
    check(p.returncode == 0 and "5 snapshots" in p.stdout and "2026-12-23" in p.stdout,
          "history text lists 5 snapshots")
    check("level           2 -> 3 -> 3 -> 3 -> 4" in p.stdout, "history text shows the level trend")
    p = run(["history", cfg, "acme/widgets", "--json"])
    j = json.loads(p.stdout)
    check([s["level"] for s in j["snapshots"]] == [2, 3, 3, 3, 4]
          and j["delta"]["level"] == {"from": 3, "to": 4, "compared": True}, "history --json trend and delta")


def retention():
    d = os.path.join(TMP, "ret")
    os.makedirs(d)
    hist = os.path.join(d, "hist")
    cfg = write_json(os.path.join(d, "cfg.json"), {"history": {"dir": hist, "retention_days": 30}})
    for i, name in enumerate(["old", "mid", "new"]):
        t = T0 + 20 * 86400 * i
        out, _ = record(d, report(t, 2, [], {"x": "met"}), t, cfg, name)
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(hist, "snapshot-*")))
    check(len(names) == 2 and "20261118" not in names[0],
          "snapshot older than retention_days removed: %s" % names)
    check(len(out["history"]["snapshots"]) == 3, "the run that prunes still compares with it")


def default_dir():
    d = os.path.join(TMP, "xdg")
    os.makedirs(d)
    cfg = write_json(os.path.join(d, "cfg.json"), {})
    rin = write_json(os.path.join(d, "r.json"), report(T0, 2, [], {}, subject="acme/../x y"))
    p = run(["record", rin, cfg, os.path.join(d, "o.json")],
            {"XDG_STATE_HOME": os.path.join(d, "state"), "SOURCE_DATE_EPOCH": str(T0)})
    check(p.returncode == 0 and glob.glob(os.path.join(d, "state", "opsgrade", "acme_.._x_y",
                                                       "snapshot-*.json")),
          "default dir $XDG_STATE_HOME/opsgrade/<sanitised subject>/")
    home = os.path.join(d, "home")
    os.makedirs(home)
    env = {"HOME": home, "SOURCE_DATE_EPOCH": str(T0), "XDG_STATE_HOME": ""}
    p = run(["record", rin, cfg, os.path.join(d, "o.json")], env)
    check(p.returncode == 0 and glob.glob(os.path.join(home, ".local", "state", "opsgrade",
                                                       "acme_.._x_y", "snapshot-*")),
          "fallback ~/.local/state/opsgrade/<subject>/")
    mode = os.stat(os.path.join(home, ".local", "state", "opsgrade")).st_mode & 0o777
    check(mode == 0o700, "created directories are 0700")
    cfg_off = write_json(os.path.join(d, "off.json"), {"history": {"enabled": False,
                                                                   "dir": os.path.join(d, "no")}})
    p = run(["record", rin, cfg_off, os.path.join(d, "o.json")])
    check(p.returncode == 0 and not os.path.exists(os.path.join(d, "no")),
          "history.enabled false writes nothing")


def unwritable():
    d = os.path.join(TMP, "ro")
    os.makedirs(d)
    with open(os.path.join(d, "hist"), "w") as f:  # a file where the dir should be
        f.write("x")
    cfg = write_json(os.path.join(d, "cfg.json"), {"history": {"dir": os.path.join(d, "hist")}})
    rin = write_json(os.path.join(d, "r.json"), report(T0, 2, [], {}))
    p = run(["record", rin, cfg, os.path.join(d, "o.json")])
    check(p.returncode == 4 and "history: cannot" in p.stderr,
          "unusable history dir: clear error (%s)" % p.stderr.strip())


def unscanned():
    """A run without a scanner neither "fixes" nor "opens" findings."""
    d = os.path.join(TMP, "unscanned")
    os.makedirs(d)
    cfg = write_json(os.path.join(d, "cfg.json"), {"history": {"dir": os.path.join(d, "h")},
                                                  "mail": {"to": "a@b.org", "on": "change"}})
    record(d, report(T0, 2, [finding("aa", "critical")], {}), T0, cfg, "scan")
    run(["wanted", os.path.join(d, "scan.out.json"), cfg])      # mailed
    out, _ = record(d, report(T0 + WEEK, 2, [], {}, scanned=False), T0 + WEEK, cfg, "noscan")
    dl = out["history"]["delta"]
    check(dl["findings_compared"] is False and dl["findings_fixed"] == []
          and dl["findings_still_open"] is None and dl["critical_high_changed"] is False,
          "no scanner this run: findings not compared, nothing 'fixed'")
    check(out["history"]["snapshots"][-1]["scanned"] is False, "series marks the unscanned run")
    check(run(["wanted", os.path.join(d, "noscan.out.json"), cfg]).stdout.strip() == "no",
          "mail.on change: an unscanned run is not a change")
    p = run(["history", cfg, "acme/widgets"])
    check("not compared" in p.stdout and "critical        1 -> -" in p.stdout,
          "history text shows '-' for the unscanned run")


def lost_change():
    """Week 2 changed but its mail failed: week 3 with the same inputs is
    still a change, because it is compared with the last *mailed* report
    (week 1), not the last run."""
    d = os.path.join(TMP, "lost")
    os.makedirs(d)
    cfg = write_json(os.path.join(d, "cfg.json"), {"history": {"dir": os.path.join(d, "h")},
                                                  "mail": {"to": "a@b.org", "on": "change"}})
    w1 = report(T0, 2, [finding("aa", "critical")], {})
    w2 = report(T0 + WEEK, 2, [finding("aa", "critical"), finding("bb", "high")], {})
    record(d, w1, T0, cfg, "w1")
    check(run(["wanted", os.path.join(d, "w1.out.json"), cfg]).stdout.strip() == "yes",
          "week 1 mailed")
    record(d, w2, T0 + WEEK, cfg, "w2")
    check(run(["wanted", os.path.join(d, "w2.out.json"), cfg, "--send-fails"]).stdout.strip()
          == "yes", "week 2 changed (its mail fails)")
    out3, _ = record(d, report(T0 + 2 * WEEK, 2, [finding("aa", "critical"), finding("bb", "high")], {}),
                     T0 + 2 * WEEK, cfg, "w3")
    check(out3["history"]["delta"]["critical_high_changed"] is False
          and out3["history"]["since_mailed"]["delta"]["critical_high_changed"] is True
          and out3["history"]["since_mailed"]["previous_at"].startswith("2026-11"),
          "week 3: no change since week 2, a change since the mailed week 1")
    check(run(["wanted", os.path.join(d, "w3.out.json"), cfg]).stdout.strip() == "yes",
          "week 3 is mailed: the change is not lost")
    out4, _ = record(d, report(T0 + 3 * WEEK, 2, [finding("aa", "critical"), finding("bb", "high")], {}),
                     T0 + 3 * WEEK, cfg, "w4")
    check(run(["wanted", os.path.join(d, "w4.out.json"), cfg]).stdout.strip() == "no",
          "week 4: nothing changed since the mailed week 3")


def kept_lists():
    """Reading the directory, only the snapshots a delta can compare with
    keep their findings (history.c, struct keep): the baseline, the latest
    complete run, behind two incomplete runs and after four other complete
    ones; the mailed run, older than all of them.  Each delta must count
    against the right run, never against a list let go."""
    d = os.path.join(TMP, "kept")
    os.makedirs(d)
    cfg = write_json(os.path.join(d, "cfg.json"), {"history": {"dir": os.path.join(d, "h")},
                                                  "mail": {"to": "a@b.org", "on": "change"}})
    record(d, report(T0, 2, [finding("aa", "critical"), finding("bb", "high")], {}), T0, cfg, "w0")
    check(run(["wanted", os.path.join(d, "w0.out.json"), cfg]).stdout.strip() == "yes",
          "week 0 mailed")
    for w in range(1, 8):
        fs = [finding("aa", "critical"), finding("w%d" % w, "low")]
        if w < 6:
            fs.append(finding("cc", "low"))
        doc = report(T0 + w * WEEK, 2, fs, {})
        if w >= 6:
            doc["collectors"][0]["status"] = "partial"
        record(d, doc, T0 + w * WEEK, cfg, "w%d" % w)
    out, _ = record(d, report(T0 + 8 * WEEK, 2, [finding("aa", "critical"), finding("cc", "low"),
                                                 finding("dd", "low")], {}),
                    T0 + 8 * WEEK, cfg, "w8")
    h = out["history"]
    dl = h["delta"]
    check(h["compared_with"]["incomplete_after"] == 2 and
          h["compared_with"]["at"] == h["snapshots"][5]["at"],
          "week 8 compares with week 5, the latest complete run: %s" % h["compared_with"])
    check(dl["findings_compared"] is True and dl["findings_new"] == ["dd"] and
          dl["findings_fixed"] == ["w5"] and dl["findings_still_open"] == 2,
          "delta against week 5: new dd, fixed w5, 2 still open (%s, %s, %s)" % (
              dl["findings_new"], dl["findings_fixed"], dl["findings_still_open"]))
    sm = h["since_mailed"]["delta"]
    check(sm["findings_compared"] is True and sm["findings_new"] == ["cc", "dd"] and
          sm["findings_fixed"] == ["bb"] and sm["findings_still_open"] == 1,
          "since the mailed week 0: new cc, dd, fixed bb, 1 still open (%s, %s, %s)" % (
              sm["findings_new"], sm["findings_fixed"], sm["findings_still_open"]))
    p = run(["history", cfg, "acme/widgets", "--json"])
    j = json.loads(p.stdout)
    check(len(j["snapshots"]) == 9 and j["delta"]["findings_new"] == ["dd"] and
          j["delta"]["findings_fixed"] == ["w5"] and j["delta"]["findings_still_open"] == 2,
          "history --json: the latest against week 5 (%s)" % j["delta"].get("findings_new"))


main([sequence, retention, default_dir, unwritable, unscanned, lost_change, kept_lists])
