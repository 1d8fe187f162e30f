#!/usr/bin/python3
"""History compares like with like (issue 11), end to end through the CLI on
the bundled example:
- the Trivy scan dropped in week 2: its findings are "not re-checked", never
  "fixed", in report.json, the PDF, the HTML, the mail and the terminal, and
  the run is marked incomplete (banner, snapshot);
- the repo collector failing in week 2: no capability is "lost", the level
  change is not compared, the mail does not say "was 3 ... lost", and
  `--mail-on change` does not mail it; week 3 (repo back) "gains" nothing;
- the same collector over another target (a Trivy scan of a different
  image): what vanished is "not re-checked", never "fixed"; over the same
  image (a new tag) it is "fixed";
- complete, incomplete, complete: the third run compares with the first
  (the last complete run), says so, and finds no spurious change.
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


def trivy_variant(name, artifact, keep_results):
    """The example's Trivy scan as another image (@artifact), with only the
    first @keep_results result sections: the others' findings vanish."""
    with open(os.path.join(ex, "scans", "acme-shop-image.trivy.json")) as f:
        d = json.load(f)
    d["ArtifactName"] = artifact
    d["Results"] = d["Results"][:keep_results]
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(d, f)
    return path


def trivy_findings(doc):
    return {f["fingerprint"] for f in doc["findings"]
            if f["status"] == "open" and "trivy" in f["sources"]}


def other_target():
    sarif = ["--sarif", os.path.join(ex, "scans", "acme-shop.codeql.sarif")]
    trivy = ["--trivy", os.path.join(ex, "scans", "acme-shop-image.trivy.json")]
    for label, artifact, fixed in (("other image", "ghcr.io/acme/billing:1.0", False),
                                   ("same image, new tag", "ghcr.io/acme/acme-shop:2.4.1",
                                    True)):
        key = "same" if fixed else "other"
        hist = os.path.join(tmp, "h-target-" + key)
        out1, w1, _ = report("g1-" + key, 0, hist, sarif + trivy)
        check("%s: week 1 is mailed" % label, wanted(out1, hist) == "yes")
        check("%s: week 1 declares its target" % label,
              {c["name"]: c.get("targets") for c in w1["collectors"]}.get("trivy")
              == ["container_image:ghcr.io/acme/acme-shop"], w1["collectors"])
        check("%s: the snapshot records the targets" % label,
              latest_snapshot(hist).get("collector_targets", {}).get("trivy")
              == ["container_image:ghcr.io/acme/acme-shop"])
        variant = trivy_variant("trivy-%s.json" % key, artifact, 1)
        out, w2, term = report("g2-" + key, 1, hist, sarif + ["--trivy", variant])
        gone = len(trivy_findings(w1) - trivy_findings(w2))
        check("%s: some Trivy findings vanish (%d)" % (label, gone), gone > 0)
        check("%s: trivy ran completely" % label,
              {c["name"]: c["status"] for c in w2["collectors"]}.get("trivy") == "ok")
        d = w2["history"]["delta"]
        t = texts(out)
        t["terminal"] = " ".join(term.split())
        if fixed:
            check("%s: %d fixed, none not re-checked (%s, %s)" % (
                label, gone, d["findings_fixed_count"], d["findings_not_rechecked_count"]),
                d["findings_fixed_count"] == gone and d["findings_not_rechecked_count"] == 0)
            check("%s: the level is compared" % label, d["level"]["compared"] is True)
            for k, v in t.items():
                check("%s, %s: says '%d fixed'" % (label, k, gone),
                      re.search(r"\b%d fixed" % gone, v), v[:3000])
            continue
        check("%s: nothing fixed, %d not re-checked (%s, %s)" % (
            label, gone, d["findings_fixed_count"], d["findings_not_rechecked_count"]),
            d["findings_fixed_count"] == 0 and d["findings_not_rechecked_count"] == gone)
        ch = [c for c in d["collectors_changed"] if c["collector"] == "trivy"]
        check("%s: trivy listed as changed with both targets" % label,
              ch and ch[0]["targets_before"] == ["container_image:ghcr.io/acme/acme-shop"]
              and ch[0]["targets_now"] == ["container_image:ghcr.io/acme/billing"], ch)
        check("%s: the level is not compared" % label, d["level"]["compared"] is False)
        check("%s: mail on change: another target is not a change" % label,
              wanted(out, hist) == "no")
        for k, v in t.items():
            check("%s, %s: says 'not re-checked'" % (label, k), "not re-checked" in v,
                  v[:3000])
            check("%s, %s: never '%d fixed'" % (label, k, gone),
                  not re.search(r"\b%d fixed" % gone, v))
            check("%s, %s: names the other target" % (label, k),
                  "trivy examined other targets" in v and "acme/billing" in v, v[:3000])


def baseline():
    """complete, incomplete (the Trivy scan unreadable), complete."""
    hist = os.path.join(tmp, "h-base")
    sarif = ["--sarif", os.path.join(ex, "scans", "acme-shop.codeql.sarif")]
    good = ["--trivy", os.path.join(ex, "scans", "acme-shop-image.trivy.json")]
    broken = os.path.join(tmp, "broken.trivy.json")
    with open(broken, "w") as f:
        f.write('{"SchemaVersion": 2, "Results": [')
    _, w1, _ = report("b1", 0, hist, sarif + good)
    _, w2, _ = report("b2", 1, hist, sarif + ["--trivy", broken])
    check("baseline: week 2 is incomplete (trivy %s)"
          % {c["name"]: c["status"] for c in w2["collectors"]}.get("trivy"),
          (w2.get("run") or {}).get("complete") is False)
    out, w3, term = report("b3", 2, hist, sarif + good)
    h = w3["history"]
    d = h["delta"]
    check("baseline: week 3 compares with week 1 (%s)" % h.get("previous_at"),
          h.get("previous_at", "")[:10] == w1["generated_at"][:10], h.get("compared_with"))
    check("baseline: compared_with says the last complete run, 1 incomplete after",
          h.get("compared_with", {}).get("complete") is True and
          h.get("compared_with", {}).get("incomplete_after") == 1, h.get("compared_with"))
    for k in ("findings_fixed_count", "findings_new_count", "findings_not_rechecked_count",
              "findings_unchecked_before_count", "capabilities_not_rechecked_count",
              "capabilities_first_observed_count"):
        check("baseline: week 3 %s is 0 (%s)" % (k, d.get(k)), d.get(k) == 0)
    check("baseline: nothing gained or lost",
          d["capabilities_gained"] == [] and d["capabilities_lost"] == [])
    check("baseline: the level is compared", d["level"]["compared"] is True, d["level"])
    t = texts(out)
    t["terminal"] = " ".join(term.split())
    h = subprocess.run([opsgrade, "history", "--history", hist], capture_output=True,
                       text=True, env=base_env, cwd=tmp, timeout=60)
    check("history: says it compares with the last complete run",
          re.search(r"Since \S+ \(the last complete run\):", h.stdout), h.stdout)
    for k, v in t.items():
        check("%s: says which run it compares with" % k,
              "Compared with the report of %s, the last complete run" % w1["generated_at"][:10]
              in v, v[:3000])


try:
    trivy_dropped()
    repo_failed()
    other_target()
    baseline()
finally:
    code = done()
    if code == 0:
        shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
