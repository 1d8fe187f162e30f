#!/usr/bin/python3
"""History compares like with like (issue 11), end to end through the CLI on
the bundled example:
- the Trivy scan dropped in week 2: its findings are "not re-checked", never
  "fixed", in report.json, the PDF, the HTML, the mail and the terminal, and
  the run is marked incomplete (banner, snapshot);
- the repo collector failing in week 2: no capability is "lost", the level
  change is not compared, the mail does not say "was 3 ... lost", and
  `--mail-on change` does not mail it; week 3 (repo back) "gains" nothing.
argv[1] is the delivery driver (its `mailtext` and `wanted` commands)."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

DRIVER = sys.argv[1]
src = os.environ["OG_SOURCE_ROOT"]
opsgrade = os.environ["OPSGRADE"]
tmp = tempfile.mkdtemp(prefix="og-like-")
ex = os.path.join(src, "data/example")
T0 = 1795000000
WEEK = 7 * 86400
base_env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, "state"),
                XDG_CACHE_HOME=os.path.join(tmp, "cache"))
CFG = os.path.join(tmp, "cfg.json")
with open(os.path.join(ex, "opsgrade.json")) as f:
    cfg = json.load(f)
with open(CFG, "w") as f:
    json.dump(cfg, f)
# `wanted` reads the mail settings; the reports themselves are not mailed
# (no SMTP server here): the driver's `mailtext` shows the mail's text.
MAILCFG = os.path.join(tmp, "mail.json")
with open(MAILCFG, "w") as f:
    json.dump({"mail": {"to": "cto@example.org", "on": "change"}}, f)


def report(name, week, hist, extra):
    out = os.path.join(tmp, name)
    args = [opsgrade, "report", os.path.join(ex, "acme-shop"), "--config", CFG,
            "--output-dir", out, "--format", "json,pdf,html,png", "--history", hist,
            "--coverage", os.path.join(ex, "coverage.xml")] + extra
    env = dict(base_env, SOURCE_DATE_EPOCH=str(T0 + week * WEEK))
    p = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check("%s: report runs (exit %d)" % (name, p.returncode), p.returncode in (0, 1, 3),
          p.stderr[-2000:])
    with open(os.path.join(out, "report.json")) as f:
        doc = json.load(f)
    return out, doc, p.stdout


def texts(out):
    pdf = subprocess.run(["pdftotext", "-layout", os.path.join(out, "report.pdf"), "-"],
                         capture_output=True, text=True, timeout=120).stdout
    with open(os.path.join(out, "report.html")) as f:
        html = re.sub(r"<[^>]+>", " ", f.read())
    rj = os.path.join(out, "report.json")
    mail = subprocess.run([DRIVER, "mailtext", rj], capture_output=True, text=True,
                          timeout=60).stdout
    mail_html = re.sub(r"<[^>]+>", " ", subprocess.run(
        [DRIVER, "mailtext", rj, "html"], capture_output=True, text=True, timeout=60).stdout)
    return {"PDF": " ".join(pdf.split()), "HTML": " ".join(html.split()),
            "mail": " ".join(mail.split()), "mail HTML": " ".join(mail_html.split())}


def wanted(out, hist):
    """Whether --mail-on change mails @out's report; a "yes" counts as
    mailed (the next run compares with the last mailed report)."""
    cfg = os.path.join(tmp, "mail-%s.json" % os.path.basename(hist))
    with open(MAILCFG) as f:
        c = json.load(f)
    c["history"] = {"dir": hist}
    with open(cfg, "w") as f:
        json.dump(c, f)
    return subprocess.run([DRIVER, "wanted", os.path.join(out, "report.json"), cfg],
                          capture_output=True, text=True, timeout=60).stdout.strip()


def latest_snapshot(hist):
    with open(sorted(glob.glob(os.path.join(hist, "snapshot-*.json")))[-1]) as f:
        return json.load(f)


def trivy_dropped():
    hist = os.path.join(tmp, "h-trivy")
    # CodeQL runs both weeks: findings are compared, only Trivy's are not.
    sarif = ["--sarif", os.path.join(ex, "scans", "acme-shop.codeql.sarif")]
    trivy = ["--trivy", os.path.join(ex, "scans", "acme-shop-image.trivy.json")]
    out1, w1, _ = report("t1", 0, hist, sarif + trivy)
    check("week 1 is mailed", wanted(out1, hist) == "yes")
    n = sum(1 for f in w1["findings"] if f["status"] == "open" and "trivy" in f["sources"])
    check("week 1: Trivy reports open findings (%d)" % n, n > 0)
    check("week 1: a complete run", (w1.get("run") or {}).get("complete") is True, w1.get("run"))
    out, w2, term = report("t2", 1, hist, sarif)
    d = w2["history"]["delta"]
    check("week 2 without Trivy: nothing fixed (%s)" % d["findings_fixed_count"],
          d["findings_fixed_count"] == 0 and d["findings_fixed"] == [])
    check("week 2: %d findings not re-checked" % n,
          d.get("findings_not_rechecked_count") == n, d.get("findings_not_rechecked_count"))
    run = w2.get("run") or {}
    check("week 2: incomplete run naming trivy",
          run.get("complete") is False and
          any(m["collector"] == "trivy" for m in run.get("missing", [])),
          run)
    check("week 2: snapshot marked incomplete", latest_snapshot(hist).get("complete") is False)
    check("week 2: series marks the run incomplete",
          w2["history"]["snapshots"][-1].get("complete") is False)
    t = texts(out)
    t["terminal"] = " ".join(term.split())
    for k, v in t.items():
        check("%s: says 'not re-checked'" % k, "not re-checked" in v,
              v[:3000])
        check("%s: never '%d fixed'" % (k, n), not re.search(r"\b%d fixed" % n, v))
        check("%s: incomplete-run banner naming trivy" % k,
              "Incomplete run" in v and "trivy" in v, v[:1500])
        # the scope (repo.scope.* facts) is said, with counts per rule
        check("%s: says what was left out of scope" % k,
              re.search(r"Scope: \d+ product files assessed; left out as not the product: ", v)
              and "tests" in v, v[:1500])
    check("mail on change: an unlike week is not a change", wanted(out, hist) == "no")
    # trends: the incomplete week is marked where the series is drawn
    for k in ("PDF", "HTML"):
        check("%s: trend marks the incomplete run" % k,
              "* incomplete run:" in t[k] and re.search(r"\d{4}-\d\d-\d\d\*", t[k]), "")
    h = subprocess.run([opsgrade, "history", "--history", hist], capture_output=True,
                       text=True, env=base_env, cwd=tmp, timeout=60)
    rows = [ln for ln in h.stdout.splitlines() if re.match(r"\d{4}-", ln)]
    check("history: week 2 listed as an incomplete run, week 1 not",
          len(rows) == 2 and "incomplete run" in rows[1] and "incomplete" not in rows[0],
          h.stdout)


def repo_failed():
    hist = os.path.join(tmp, "h-repo")
    out1, w1, _ = report("r1", 0, hist, [])
    check("week 1 is mailed", wanted(out1, hist) == "yes")
    out, w2, term = report("r2", 1, hist, ["--set", "collectors.repo.limits.records=1"])
    c = {x["name"]: x["status"] for x in w2["collectors"]}
    check("week 2: the repo collector failed (%s)" % c.get("repo"), c.get("repo") == "failed")
    d = w2["history"]["delta"]
    check("week 2: no capability lost (%d listed)" % len(d["capabilities_lost"]),
          d["capabilities_lost"] == [])
    met1 = sum(1 for x in w1["assessment"]["capabilities"] if x["status"] == "met")
    check("week 2: the capabilities met in week 1 are not re-checked (%s of %d)"
          % (d.get("capabilities_not_rechecked_count"), met1),
          d.get("capabilities_not_rechecked_count", 0) >= met1 - 1)
    check("week 2: the level change is not compared",
          d["level"].get("compared") is False, d["level"])
    t = texts(out)
    t["terminal"] = " ".join(term.split())
    for k, v in t.items():
        check("%s: no 'was N' level comparison" % k, not re.search(r"\bwas \d", v), v[:1500])
        check("%s: no capabilities 'lost'" % k, not re.search(r"[1-9]\d* lost", v))
        check("%s: incomplete-run banner naming repo" % k,
              "Incomplete run" in v and "repo" in v, v[:1500])
    check("mail on change: a failed collector is not a change", wanted(out, hist) == "no")
    _, w3, _ = report("r3", 2, hist, [])
    d = w3["history"]["delta"]
    check("week 3 (repo back): nothing 'gained' from an incomplete week (%d)"
          % len(d["capabilities_gained"]), d["capabilities_gained"] == [])


try:
    trivy_dropped()
    repo_failed()
finally:
    code = done()
    if code == 0:
        shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
