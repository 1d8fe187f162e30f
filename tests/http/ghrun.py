"""Running the CLI with only the github plugin against the loopback
fixture: shared by test-github.py and test-github-protection.py.
sys.argv[1] is the github plugin (.so); $OPSGRADE is the CLI."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import ghdata
from ghdata import NOW

OPSGRADE = os.environ["OPSGRADE"]
PLUGIN_DIR = os.path.dirname(os.path.abspath(sys.argv[1]))
TOKEN = "ghp_testTOKENvalue"
LSAN_SUPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")


def run_cli(args, cwd, config=None, token=TOKEN):
    """Run the CLI with only the github plugin; returns the process.  The
    token must never show on stdout or stderr."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(NOW), OPSGRADE_NO_DEFAULT_PLUGINS="1",
               HOME=os.path.join(cwd, "home"), XDG_STATE_HOME=os.path.join(cwd, "state"),
               XDG_CACHE_HOME=os.path.join(cwd, "cache"))
    # under ASan: fontconfig's process-lifetime caches are not our leaks
    env["LSAN_OPTIONS"] = ":".join(filter(None, [
        env.get("LSAN_OPTIONS"), "suppressions=" + LSAN_SUPP, "print_suppressions=0"]))
    env.pop("GH_TOKEN", None)
    env.pop("GITHUB_TOKEN", None)
    if token:
        env["GITHUB_TOKEN"] = token
    argv = [OPSGRADE] + args + ["--plugin-dir", PLUGIN_DIR]
    if config is not None:
        path = os.path.join(cwd, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        argv += ["--config", path]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    if TOKEN in p.stdout or TOKEN in p.stderr:
        raise AssertionError("token leaked on stdout/stderr of %s" % args[0])
    return p


def load_report(path):
    with open(path, "rb") as f:
        raw = f.read()
    if TOKEN.encode() in raw:
        raise AssertionError("token leaked into %s" % path)
    return json.loads(raw)


def fact_map(facts):
    """Facts by key; a subject's (an org's repository) by (subject, key)."""
    return {(f["subject"], f["key"]) if "subject" in f else f["key"]: f for f in facts}


def model_of(rep):
    """facts (fact_map), events with numeric times, partial messages."""
    facts = fact_map(rep["facts"])
    events = [dict(e, time=ghdata.parse_iso(e["time"])) for e in rep["events"]]
    partial = [c["message"] for c in rep["collectors"] if c["status"] == "partial"]
    return facts, events, partial


def collect(fx, section, cache_dir, http=None, extra=()):
    cfg = {"collectors": {"github": dict(section, api_url=fx.url)},
           "http": dict(http or {}, cache_dir=cache_dir)}
    tmp = tempfile.mkdtemp(prefix="og-gh-run-")
    try:
        out = os.path.join(tmp, "out.json")
        p = run_cli(["collect", "-o", out] + list(extra), tmp, cfg)
        rep = load_report(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    facts, events, partial = model_of(rep)
    return p.returncode, facts, events, partial, p.stderr
