#!/usr/bin/python3
"""Inputs that can't be right (issue 11): a report PATH or
collectors.repo.path that does not exist or is not a directory is exit 2
before anything is collected or written (no history snapshot); relative
paths in a config file are relative to its directory; with --github and
no PATH the current directory is not assessed; merge of different
subjects needs --subject."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

src = os.environ["OG_SOURCE_ROOT"]
opsgrade = os.environ["OPSGRADE"]
tmp = tempfile.mkdtemp(prefix="og-subject-")
env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, "state"),
           XDG_CACHE_HOME=os.path.join(tmp, "cache"), SOURCE_DATE_EPOCH="1795000000")
env.pop("GITHUB_TOKEN", None)
env.pop("GH_TOKEN", None)
bare = os.path.join(src, "tests/fixtures/repo/bare")


def run(args, cwd=tmp, run_env=None):
    return subprocess.run([opsgrade] + args, capture_output=True, text=True,
                          env=run_env or env, cwd=cwd, timeout=120)


def written(d):
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


out = os.path.join(tmp, "out")
hist = os.path.join(tmp, "hist")
p = run(["report", "/nonexistent/checkout", "--output-dir", out, "--history", hist])
check("nonexistent PATH exits 2", p.returncode == 2, p.returncode)
check("the error names the path", "/nonexistent/checkout" in p.stderr and
      "No such file or directory" in p.stderr, p.stderr)
check("nothing collected or written, no snapshot", not written(out) and not written(hist) and
      "[repo]" not in p.stderr, (written(out), written(hist), p.stderr))

afile = os.path.join(tmp, "afile")
open(afile, "w").close()
p = run(["report", afile, "--output-dir", out, "--history", hist])
check("a file as PATH exits 2", p.returncode == 2 and "not a directory" in p.stderr,
      (p.returncode, p.stderr))
check("still nothing written", not written(out) and not written(hist))

cfgdir = os.path.join(tmp, "etc")
os.makedirs(cfgdir)
with open(os.path.join(cfgdir, "bad.json"), "w") as f:
    json.dump({"collectors": {"repo": {"path": "missing"}}}, f)
p = run(["collect", "--config", os.path.join(cfgdir, "bad.json"), "-o", os.path.join(tmp, "x.json")])
check("collectors.repo.path missing: exit 2 naming it relative to the config",
      p.returncode == 2 and os.path.join(cfgdir, "missing") in p.stderr, (p.returncode, p.stderr))

# relative to the config file's directory, not the cwd (cron runs in $HOME)
os.symlink(bare, os.path.join(cfgdir, "checkout"))
with open(os.path.join(cfgdir, "opsgrade.json"), "w") as f:
    json.dump({"subject": "cron", "collectors": {"repo": {"path": "checkout"}},
               "output_dir": "reports"}, f)
elsewhere = os.path.join(tmp, "home")
os.makedirs(elsewhere)
p = run(["collect", "--config", os.path.join(cfgdir, "opsgrade.json")], cwd=elsewhere)
rep = os.path.join(cfgdir, "reports", "report.json")
check("relative config paths resolve against the config's directory",
      p.returncode == 0 and os.path.exists(rep), (p.returncode, p.stderr))
if os.path.exists(rep):
    with open(rep) as f:
        d = json.load(f)
    st = {c["name"]: c["status"] for c in d["collectors"]}
    check("repo ran on the config-relative checkout", st.get("repo") == "ok" and
          any(x["key"] == "docs.readme" for x in d["facts"]), st)

# another subject named, no PATH: the cwd is not assessed
gh = ["--github", "acme/api", "--github-url", "http://127.0.0.1:9/api/v3",
      "--set", "http.retries=0", "--set", "http.connect_timeout=2"]
p = run(["collect", "-o", os.path.join(tmp, "gh.json")] + gh, cwd=bare)
ok = os.path.exists(os.path.join(tmp, "gh.json"))
st = {}
if ok:
    with open(os.path.join(tmp, "gh.json")) as f:
        d = json.load(f)
    st = {c["name"]: c["status"] for c in d["collectors"]}
check("--github without PATH: repo does not run on the cwd", ok and st.get("repo") == "skipped"
      and not any(x["key"].startswith("docs.") for x in d["facts"]), (p.stderr, st))
check("and says so", "not assessing the current directory" in p.stderr, p.stderr)
p = run(["collect", bare, "-o", os.path.join(tmp, "gh2.json")] + gh)
with open(os.path.join(tmp, "gh2.json")) as f:
    st = {c["name"]: c["status"] for c in json.load(f)["collectors"]}
check("--github with PATH: repo runs too", st.get("repo") == "ok", st)

# Plugin-declared options (issue 14): a plugin marks its path options
# (OG_OPTF_PATH: trivy.reports here, resolved against the config's
# directory like the core's own), its typed options are read by the one
# value reader ("seven" is no number, "yes" is a bool), and codeql
# consumes github's repo through a declaration, not a copy.
trivy_ex = os.path.join(src, "data/example/scans")
os.symlink(trivy_ex, os.path.join(cfgdir, "scans"))
with open(os.path.join(cfgdir, "trivy.json"), "w") as f:
    json.dump({"collectors": {"repo": {"enabled": False},
                              "trivy": {"reports": ["scans/acme-shop-image.trivy.json"]}}}, f)
tj = os.path.join(tmp, "trivy-rel.json")
p = run(["collect", "--config", os.path.join(cfgdir, "trivy.json"), "-o", tj], cwd=elsewhere)
ok = p.returncode == 0 and os.path.exists(tj)
check("a plugin's path option resolves against the config's directory", ok, (p.returncode, p.stderr))
if ok:
    with open(tj) as f:
        d = json.load(f)
    check("and trivy read it", {c["name"]: c["status"] for c in d["collectors"]}.get("trivy") == "ok"
          and d["findings"], [c for c in d["collectors"] if c["name"] == "trivy"])
for args, needle in ((["--set", "collectors.github.window_days=seven"],
                      "collectors.github.window_days: 'seven' is not a number"),
                     (["--set", "collectors.github.include_forks=maybe"],
                      "collectors.github.include_forks: 'maybe' is not true or false")):
    p = run(["collect", "-o", os.path.join(tmp, "t.json")] + gh + args)
    check("typed option: %s" % needle, p.returncode == 2 and needle in p.stderr, (p.returncode, p.stderr))
with open(os.path.join(cfgdir, "seven.json"), "w") as f:
    json.dump({"collectors": {"github": {"repo": "acme/api", "window_days": "seven"}}}, f)
p = run(["collect", "--config", os.path.join(cfgdir, "seven.json"), "-o", os.path.join(tmp, "t.json")])
check("'seven' in a config file: exit 2 naming the file and option", p.returncode == 2 and
      "seven.json: collectors.github.window_days: must be a number" in p.stderr, p.stderr)
cq = os.path.join(tmp, "cq.json")
p = run(["collect", "-o", cq, "--set", "collectors.codeql.github_alerts=yes"] + gh)
ok = os.path.exists(cq)
check("codeql with github_alerts=yes runs", ok, (p.returncode, p.stderr))
if ok:
    with open(cq) as f:
        c = [c for c in json.load(f)["collectors"] if c["name"] == "codeql"]
    check("codeql took github's repo (it asks for a token, not a repo)",
          "GitHub token" in p.stderr and "github_repo = OWNER/REPO" not in p.stderr,
          (c, p.stderr))

# PATH goes to whichever collector declares OG_OPTF_POSITIONAL: an
# in-house one (no repo collector in its plugin dir) takes it instead
pdir = tempfile.mkdtemp(dir=tmp)
shutil.copy(os.path.join(os.environ["OG_BUILD_ROOT"], "tests", "core", "pathtaker.so"), pdir)
pt = os.path.join(tmp, "pt.json")
only = dict(env, OPSGRADE_NO_DEFAULT_PLUGINS="1")


def collect_pt(what, path, run_env=None):
    """collect PATH with the pathtaker plugin; its report, or None."""
    p = run(["collect", path, "--plugin-dir", pdir, "-o", pt], run_env=run_env)
    ok = p.returncode in (0, 1) and os.path.exists(pt)
    check(what, ok, (p.returncode, p.stderr))
    if not ok:
        return None
    with open(pt) as f:
        doc = json.load(f)
    doc["pathtaker"] = [x.get("value") for x in doc["facts"] if x["key"] == "pathtaker.dir"]
    return doc


doc = collect_pt("an in-house collector takes PATH", bare, only)
if doc:
    check("its option holds PATH", doc["pathtaker"] == [bare], doc["pathtaker"])
    check("and the subject is PATH's name", doc["subject"] == "bare", doc["subject"])
    check("no repo collector ran", all(c["name"] != "repo" for c in doc["collectors"]),
          doc["collectors"])
p = run(["collect", "/nonexistent/dir", "--plugin-dir", pdir, "-o", pt], run_env=only)
check("its PATH is checked like the repo collector's: exit 2 naming it",
      p.returncode == 2 and "/nonexistent/dir" in p.stderr, (p.returncode, p.stderr))
# with the repo collector too, both take the same PATH
doc = collect_pt("repo and the in-house collector both take PATH", bare)
if doc:
    repo = [c for c in doc["collectors"] if c["name"] == "repo"]
    check("each read PATH", doc["pathtaker"] == [bare] and repo and
          repo[0]["status"] == "ok", (doc["pathtaker"], repo))

# merge: different subjects need --subject
a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
run(["collect", bare, "--subject", "alpha", "-o", a])
run(["collect", bare, "--subject", "beta", "-o", b])
merged = os.path.join(tmp, "m.json")
p = run(["merge", a, b, "-o", merged])
check("merge of different subjects exits 2 naming both", p.returncode == 2 and "alpha" in p.stderr
      and "beta" in p.stderr and "--subject" in p.stderr and not os.path.exists(merged),
      (p.returncode, p.stderr))
p = run(["merge", a, b, "-o", merged, "--subject", "alpha+beta"])
ok = p.returncode in (0, 1) and os.path.exists(merged)
check("with --subject it merges", ok, (p.returncode, p.stderr))
if ok:
    with open(merged) as f:
        check("under the named subject", json.load(f)["subject"] == "alpha+beta")
p = run(["merge", a, a, "-o", merged])
check("shards of one subject merge without --subject", p.returncode in (0, 1), p.stderr)
sys.exit(done())
