#!/usr/bin/python3
""""Not observed" speaks to a reader (issue 11): the words come from the
maturity model (a capability's "observe", a collector's "connect") and a
plugin's fragment, never fact keys; the keys stay in observe_detail and
the PDF's evidence appendix.  On the bundled example (no GitHub, repo ran)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

src = os.environ["OG_SOURCE_ROOT"]
opsgrade = os.environ["OPSGRADE"]
tmp = tempfile.mkdtemp(prefix="og-hints-")
env = dict(os.environ, SOURCE_DATE_EPOCH="1795000000", HOME=tmp,
           XDG_STATE_HOME=os.path.join(tmp, "state"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
ex = os.path.join(src, "data/example")
with open(os.path.join(src, "data/maturity-model.json")) as f:
    model = json.load(f)


def report(name, cfg=os.path.join(ex, "opsgrade.json")):
    out = os.path.join(tmp, name)
    p = subprocess.run([opsgrade, "report", os.path.join(ex, "acme-shop"), "--config",
                        cfg, "--output-dir", out, "--format", "json,pdf", "--history", os.path.join(out, "h")],
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check("%s: report runs (exit %d)" % (name, p.returncode), p.returncode in (0, 1),
          p.stderr[-2000:])
    with open(os.path.join(out, "report.json")) as f:
        caps = {c["id"]: c for c in json.load(f)["assessment"]["capabilities"]}
    pdf = subprocess.run(["pdftotext", os.path.join(out, "report.pdf"), "-"],
                         capture_output=True, text=True, timeout=120).stdout
    return caps, " ".join(pdf.split())


try:
    caps, pdf = report("plain")
    unknown = [c for c in caps.values() if c["status"] == "unknown" and not c["applicability"]]
    check("the example has unobserved capabilities (%d)" % len(unknown), len(unknown) > 20)
    keyish = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_.]+\b")
    for c in unknown:
        h = c["observe_hint"] or ""
        check("%s: hint in words, no fact key (%s)" % (c["id"], h),
              h.startswith("not observed: ") and not keyish.search(h.replace("e.g.", "")))
        check("%s: the fact keys stay in observe_detail" % c["id"], c.get("observe_detail"))
    # the words name what to do, never a collector (issue 12); check every
    # capability's and collector's words, not only the example's unknowns
    words = [c.get("observe", "") for c in model["capabilities"]] + \
        [v["connect"] for v in model["collectors"].values()]
    named = [w for w in words if re.search(r"\b[a-z]+ collector\b", w)]
    check("the model's words name no collector (%d)" % len(named), not named, named[:3])
    gh = model["collectors"]["github"]["connect"]
    check("github did not run: its model words (%s)" % caps["sec.branch_protection"]["observe_hint"],
          caps["sec.branch_protection"]["observe_hint"] == "not observed: " + gh)
    want = [c for c in model["capabilities"] if c["id"] == "db.backups"][0]["observe"]
    check("repo ran and could not decide: the capability's words",
          caps["db.backups"]["observe_hint"] == "not observed: " + want,
          caps["db.backups"]["observe_hint"])
    check("PDF: the hint's words are shown", "connect GitHub (--github OWNER/REPO" in pdf)
    check("PDF: the evidence appendix keeps the fact keys",
          "did not report db.backup.automated" in pdf, pdf[-3000:])
    # a later file (a plugin's fragment, an organisation's model) replaces
    # a collector's words; a capability without words gets generic ones
    extra = os.path.join(tmp, "org.json")
    with open(extra, "w") as f:
        json.dump({"collectors": {"github": {"connect": "ask the platform team for the "
                                             "GitHub App token"}}}, f)
    cfg = os.path.join(tmp, "cfg.json")
    with open(os.path.join(ex, "opsgrade.json")) as f:
        c = json.load(f)
    c.setdefault("assessment", {})["extra_models"] = [extra]
    with open(cfg, "w") as f:
        json.dump(c, f)
    caps2, _ = report("org", cfg)
    check("an extra model's collector words replace the bundled ones",
          caps2["sec.branch_protection"]["observe_hint"] ==
          "not observed: ask the platform team for the GitHub App token",
          caps2["sec.branch_protection"]["observe_hint"])
    with open(extra, "w") as f:
        json.dump({"collectors": {"github": {"connect": ""}}}, f)
    p = subprocess.run([opsgrade, "report", os.path.join(ex, "acme-shop"), "--config", cfg,
                        "--output-dir", os.path.join(tmp, "bad")],
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check("empty words are an error naming the file and path (exit %d)" % p.returncode,
          p.returncode == 2 and "org.json" in p.stderr and "$.collectors.github.connect" in p.stderr,
          p.stderr[-1000:])
finally:
    code = done()
    if code == 0:
        shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
