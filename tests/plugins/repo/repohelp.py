"""Shared by the repo collector tests: run the plugin through the real
`opsgrade collect` ($OPSGRADE, only the plugins in PLUGIN_DIR) on one
checkout and return what it emitted."""
import json
import os
import subprocess
import sys
import tempfile

EPOCH = "1767225600"        # 2026-01-01T00:00:00Z
EXE = os.environ.get("OPSGRADE", "")
PLUGIN_DIR = None
failures = 0


def setup(plugin_dir):
    global PLUGIN_DIR
    PLUGIN_DIR = plugin_dir
    if not os.access(EXE, os.X_OK):
        sys.exit("%s: $OPSGRADE (%r) is not the opsgrade CLI"
                 % (sys.argv[0], EXE))


def lines_of(rep):
    """What the repo collector emitted, one dict per fact / unknown /
    finding / event / partial reason (the expected/*.jsonl format)."""
    out = []
    for f in rep["facts"]:
        if "repo" not in f["sources"]:
            continue
        if f["type"] == "unknown":
            out.append({"unknown": f["key"], "reason": f.get("reason", "")})
            continue
        line = {"fact": f["key"], "type": f["type"], "value": f["value"],
                "evidence": f["evidence"]}
        if "unit" in f:
            line["unit"] = f["unit"]
        out.append(line)
    for f in rep["findings"]:
        if "repo" in f["sources"]:
            out.append({"finding": f["id"], "kind": f["kind"],
                        "severity": f["severity"]})
    for e in rep["events"]:
        if e["source"] == "repo":
            out.append({"event": e["type"], "time": e["time"], "id": e["id"]})
    for c in rep["collectors"]:
        if c["name"] == "repo" and c["status"] == "partial":
            out.append({"partial": c["message"]})
    return out


def run(path, expect_status="ok", args=()):
    """opsgrade collect on checkout PATH: (lines, stderr).  Exit 0 when
    the collector is ok, 3 when partial or failed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH,
                   OPSGRADE_NO_DEFAULT_PLUGINS="1", HOME=tmp,
                   XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"))
        p = subprocess.run([EXE, "collect", "--plugin-dir", PLUGIN_DIR,
                            "--set", "collectors.repo.path=" + path,
                            "-o", out] + list(args),
                           capture_output=True, text=True,
                           env=env, cwd=tmp, timeout=300)
        if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
            raise AssertionError("sanitizer report:\n" + p.stderr)
        want_rc = 0 if expect_status == "ok" else 3
        if p.returncode != want_rc or not os.path.exists(out):
            raise AssertionError("exit %d (want %d)\nstderr: %s"
                                 % (p.returncode, want_rc, p.stderr))
        with open(out) as f:
            rep = json.load(f)
    col = [c for c in rep["collectors"] if c["name"] == "repo"]
    if not col or col[0]["status"] != expect_status:
        raise AssertionError("collector %s, want %s" % (col, expect_status))
    return lines_of(rep), p.stderr


def facts(lines):
    return {l["fact"]: l for l in lines if "fact" in l}


def val(f, key):
    assert key in f, "%s not emitted" % key
    return f[key]["value"]


def ev(f, key):
    assert key in f, "%s not emitted" % key
    return f[key]["evidence"]


def expect(f, key, value, evidence=Ellipsis):
    got = val(f, key)
    assert got == value, "%s = %r, want %r (evidence %s)" % (
        key, got, value, f[key]["evidence"])
    if evidence is not Ellipsis:
        assert ev(f, key) == evidence, "%s evidence %r, want %r" % (
            key, ev(f, key), evidence)


def check(name, fn):
    global failures
    try:
        fn()
        print("ok   %s" % name)
    except AssertionError as e:
        failures += 1
        print("FAIL %s: %s" % (name, e))


def tree(root, files):
    """Write FILES ({relative path: text}) under ROOT."""
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def git(root, *args):
    """Run the real git in ROOT, with no user or system config."""
    subprocess.run(["git", "-C", root, "-c", "user.email=t@example.com",
                    "-c", "user.name=t", "-c", "init.defaultBranch=main",
                    "-c", "protocol.file.allow=always"]
                   + list(args), check=True, capture_output=True,
                   timeout=120,
                   env=dict(os.environ, GIT_CONFIG_NOSYSTEM="1",
                            GIT_CONFIG_GLOBAL=os.devnull,
                            HOME=os.path.dirname(root)))


def finish():
    sys.exit(1 if failures else 0)
