#!/usr/bin/python3
"""CLI-level tests of the foundation: plugin refusal, isolation of
crashing/hanging/lying collectors, permissions, config errors, merge,
reproducibility.  Uses the deliberately broken plugins of tests/core."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
BUILD = os.environ["OG_BUILD_ROOT"]
PLUGINS = os.path.join(BUILD, "tests", "core")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import done, expect as check  # noqa: E402


def plugin_dir(tmp, *names):
    """A directory holding just the named test plugins."""
    d = tempfile.mkdtemp(dir=tmp)
    for n in names:
        shutil.copy(os.path.join(PLUGINS, n + ".so"), d)
    return d


def run(args, tmp, env_extra=None, cwd=None):
    env = dict(os.environ)
    env["OPSGRADE_NO_DEFAULT_PLUGINS"] = "1"
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    env.update(env_extra or {})
    p = subprocess.run([OPSGRADE] + args, capture_output=True, text=True,
                       env=env, cwd=cwd or tmp, timeout=120)
    return p


def collectors(report):
    return {c["name"]: c for c in report["collectors"]}


def main():
    tmp = tempfile.mkdtemp(prefix="og-cli-")
    os.chmod(tmp, 0o755)

    # Refusals are listed with the reason, and the good ones load.
    d = plugin_dir(tmp, "wrongabi", "toonew", "nosym", "oldsize", "good")
    p = run(["plugins", "--json", "--plugin-dir", d], tmp)
    check(p.returncode == 0, "plugins exits 0")
    lst = {os.path.basename(x["path"]): x for x in json.loads(p.stdout)}
    check(lst["wrongabi.so"]["status"] == "refused" and
          "ABI 3" in lst["wrongabi.so"]["message"] and
          "ABI 2" in lst["wrongabi.so"]["message"], "ABI mismatch names both")
    check("newer" in lst["toonew.so"]["message"], "too-new size refused")
    check(lst["nosym.so"]["status"] == "refused", "no symbol refused")
    check(lst["oldsize.so"]["status"] == "loaded", "older smaller descriptor loads")
    check(lst["good.so"]["status"] == "loaded", "good loads")

    # Crashing, hanging, early-exiting, garbage-writing, failing collectors
    # are each marked failed; the good one's facts are in the report.
    d = plugin_dir(tmp, "segv", "abort", "hang", "early", "garbage", "fail",
                   "partial", "stdout", "good")
    out = os.path.join(tmp, "r1.json")
    p = run(["collect", "--plugin-dir", d, "-o", out,
             "--set", "collectors.hang.timeout=2",
             "--set", "collectors.garbage.timeout=5"], tmp)
    check(p.returncode == 3, "incomplete run exits 3 (got %d: %s)" % (p.returncode, p.stderr))
    check("stray output" not in p.stdout, "plugin stdout kept off ours")
    rep = json.load(open(out))
    c = collectors(rep)
    check(c["segv"]["status"] == "failed" and "SIGSEGV" in c["segv"]["message"], "segv")
    check(c["abort"]["status"] == "failed" and "SIGABRT" in c["abort"]["message"], "abort")
    check(c["hang"]["status"] == "failed" and "timed out after 2 s" in c["hang"]["message"], "hang")
    check(c["early"]["status"] == "failed" and "status 7" in c["early"]["message"], "early exit")
    check(c["garbage"]["status"] == "failed" and "garbage" in c["garbage"]["message"], "garbage")
    check(c["fail"]["status"] == "failed" and "collect failed" in c["fail"]["message"], "fail rc")
    check(c["partial"]["status"] == "partial" and "unreadable" in c["partial"]["message"], "partial")
    check(c["good"]["status"] == "ok", "good ok")
    keys = {f["key"]: f for f in rep["facts"]}
    check("bad.good.started" in keys, "good facts present")
    check("bad.segv.started" in keys and "partial" in c["segv"]["message"],
          "facts before a crash kept and marked partial")
    check(keys["bad.good.started"]["source"] == "good", "fact source")
    # per-collector log capture (issue 14): the run's level decides
    check(any(x["level"] == "error" and x["message"] == "cannot read input"
              for x in c["fail"]["log"]), "fail's log line kept: %s" % c["fail"]["log"])
    check("debug line" not in p.stderr and not any("debug line" in x["message"] for x in
          c["good"]["log"]), "no debug lines at the default level")
    out_dbg = os.path.join(tmp, "r-debug.json")
    p = run(["collect", "--plugin-dir", plugin_dir(tmp, "good"), "-o", out_dbg,
             "--log-level", "debug"], tmp)
    c_dbg = collectors(json.load(open(out_dbg)))
    check("debug: [good] debug line from good" in p.stderr and
          {"level": "debug", "message": "debug line from good"} in c_dbg["good"]["log"],
          "--log-level debug shows and keeps plugin debug lines: %s" % p.stderr)
    p = run(["collect", "--log-level", "chatty"], tmp)
    check(p.returncode == 2 and "--log-level 'chatty'" in p.stderr, "bad --log-level: exit 2")

    # A capability on a failed collector's facts says so; a mistyped
    # observed_by in an extension model is refused, naming the file.
    ext = os.path.join(tmp, "ext.json")
    def ext_model(observer):
        with open(ext, "w") as f:
            json.dump({"capabilities": [{
                "id": "docs.segv_started", "title": "Started", "area": "docs", "level": 2,
                "weight": 1, "priority": 2, "effort": "1h", "phase": 1, "impact": "i",
                "target": "t", "current": "c", "remediation": {"text": "r"},
                "observed_by": observer,
                "rule": {"fact": "bad.segv.started", "op": "==", "value": True}}]}, f)
    ext_model("segv")
    p = run(["render", "--from", out, "--plugin-dir", d, "--format", "json", "--output-dir",
             os.path.join(tmp, "ext-out"), "--set", "assessment.extra_models=" + ext], tmp)
    caps = {}
    if os.path.exists(os.path.join(tmp, "ext-out", "report.json")):
        with open(os.path.join(tmp, "ext-out", "report.json")) as f:
            caps = {x["id"]: x for x in json.load(f)["assessment"]["capabilities"]}
    cap = caps.get("docs.segv_started", {})
    check(cap.get("status") == "met" and "the segv collector failed" in
          (cap.get("collector_problem") or "") and "SIGSEGV" in cap["collector_problem"],
          "capability on a crashed collector's facts names the crash: %s %s" % (cap, p.stderr))
    ext_model("segvv")
    p = run(["render", "--from", out, "--plugin-dir", d, "--format", "json", "--output-dir",
             os.path.join(tmp, "ext-out2"), "--set", "assessment.extra_models=" + ext], tmp)
    check(p.returncode == 2 and ext in p.stderr and "observed_by 'segvv'" in p.stderr,
          "mistyped observed_by refused naming the file: %s" % p.stderr)

    # Unsafe permissions are refused with the reason.
    d = plugin_dir(tmp, "good")
    os.chmod(os.path.join(d, "good.so"), 0o775)
    p = run(["plugins", "--json", "--plugin-dir", d], tmp)
    x = json.loads(p.stdout)[0]
    check(x["status"] == "refused" and "writable by group or others" in x["message"],
          "group-writable plugin refused")
    os.chmod(os.path.join(d, "good.so"), 0o755)
    os.chmod(d, 0o777)
    p = run(["plugins", "--json", "--plugin-dir", d], tmp)
    x = json.loads(p.stdout)[0]
    check(x["status"] == "refused", "world-writable plugin dir refused")
    os.chmod(d, 0o755)

    # Duplicates: first wins, the other is reported.
    d2 = plugin_dir(tmp, "good")
    p = run(["plugins", "--json", "--plugin-dir", d, "--plugin-dir", d2], tmp)
    lst = json.loads(p.stdout)
    check([x["status"] for x in lst] == ["loaded", "duplicate"], "duplicate reported")

    # Config errors name the key and the file, exit 2.
    with open(os.path.join(tmp, "opsgrade.json"), "w") as f:
        json.dump({"collectors": {"good": {"tokn": "x"}}}, f)
    p = run(["collect", "--plugin-dir", d], tmp)
    check(p.returncode == 2 and "opsgrade.json: collectors.good.tokn: unknown key" in p.stderr,
          "config error names key: " + p.stderr)
    with open(os.path.join(tmp, "opsgrade.json"), "w") as f:
        f.write('{"jobs": 2,')
    p = run(["collect", "--plugin-dir", d], tmp)
    check(p.returncode == 2 and "invalid JSON" in p.stderr, "truncated config")
    os.unlink(os.path.join(tmp, "opsgrade.json"))
    p = run(["collect", "--plugin-dir", d, "--set", "report.scale=big"], tmp)
    check(p.returncode == 2 and "report.scale" in p.stderr, "--set type error")
    p = run(["frobnicate"], tmp)
    check(p.returncode == 2, "unknown command exits 2")

    # Reproducible output under SOURCE_DATE_EPOCH.
    d = plugin_dir(tmp, "good", "partial")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
    run(["collect", "--plugin-dir", d, "-o", a], tmp, env)
    run(["collect", "--plugin-dir", d, "-o", b], tmp, env)
    check(open(a, "rb").read() == open(b, "rb").read(), "reproducible bytes")
    check(json.load(open(a))["generated_at"] == "2023-11-14T22:13:20Z", "generated_at from SDE")

    # Merging two shards equals one run over both.
    s1, s2, both, merged = (os.path.join(tmp, n) for n in
                            ("s1.json", "s2.json", "both.json", "merged.json"))
    run(["collect", "--plugin-dir", d, "-o", s1, "--set", "collectors.partial.enabled=false"], tmp, env)
    run(["collect", "--plugin-dir", d, "-o", s2, "--set", "collectors.good.enabled=false"], tmp, env)
    run(["collect", "--plugin-dir", d, "-o", both], tmp, env)
    p = run(["merge", s1, s2, "-o", merged], tmp, env)
    check(p.returncode == 0, "merge ok: " + p.stderr)
    # collect does not assess; merging the single run alone does, the
    # same way merging the shards does.
    both_assessed = os.path.join(tmp, "both-assessed.json")
    run(["merge", both, "-o", both_assessed], tmp, env)
    m, o = json.load(open(merged)), json.load(open(both_assessed))
    check(m["assessment"] is not None, "merge assesses")
    check(collectors(m) == collectors(o), "merged collectors list equals single run")
    for k in ("facts", "findings", "events", "assessment", "gates"):
        check(m[k] == o[k], "merge equals single run: " + k)
    p = run(["merge", s1, os.path.join(tmp, "missing.json"), "-o", merged], tmp)
    check(p.returncode == 2 and "missing.json" in p.stderr, "merge names a bad input")

    # OPSGRADE_NO_DEFAULT_PLUGINS is a boolean, not "set means on": 0 and
    # false keep the default (here: the build tree's) plugins.
    def listed(value):
        p = run(["plugins", "--json"], tmp,
                {"OPSGRADE_NO_DEFAULT_PLUGINS": value})
        check(p.returncode == 0, "plugins with %r: %s" % (value, p.stderr))
        return {x.get("name") for x in json.loads(p.stdout or "[]")}
    for value in ("0", "false", "no", "off"):
        check("codeql" in listed(value), "NO_DEFAULT_PLUGINS=%s keeps the "
              "default plugins" % value)
    for value in ("1", "true", "yes"):
        check("codeql" not in listed(value), "NO_DEFAULT_PLUGINS=%s drops "
              "them" % value)

    shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
