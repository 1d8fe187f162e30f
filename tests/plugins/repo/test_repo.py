#!/usr/bin/python3
"""repo collector: exact facts and evidence on fixture trees, YAML edge
cases, and hostile checkouts (FIFOs, symlinks, deep trees, alias bombs,
oversized files).  Runs the plugin through the real `opsgrade collect`
($OPSGRADE, only the plugins in PLUGIN_DIR) and reads report.json.

usage: test_repo.py PLUGIN_DIR SOURCE_ROOT
Regenerate an expectation (after reviewing the diff!) with
OG_REGEN=1 test_repo.py ...
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repohelp import EXE, check, facts, finish, run, setup, tree  # noqa: E402

PLUGIN_DIR, SRC = sys.argv[1:3]
HERE = os.path.join(SRC, "tests", "plugins", "repo")
setup(PLUGIN_DIR)


def exact(case, path, status="ok"):
    def fn():
        lines, _ = run(path, status)
        want_file = os.path.join(HERE, "expected", case + ".jsonl")
        got = [json.dumps(l, sort_keys=True) for l in lines]
        if os.environ.get("OG_REGEN"):
            with open(want_file, "w") as f:
                f.write("".join(json.dumps(l) + "\n" for l in lines))
        with open(want_file) as f:
            want = [json.dumps(json.loads(l), sort_keys=True)
                    for l in f if l.strip()]
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing or extra:
            raise AssertionError("\n  missing: %s\n  unexpected: %s"
                                 % ("\n    ".join(missing),
                                    "\n    ".join(extra)))
    return fn


def edge_stderr():
    _, err = run(os.path.join(HERE, "edge"), "partial")
    assert ".github/workflows/broken.yml: invalid YAML: line 4 column 1" in err, err


def hostile():
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "co")
        shutil.copytree(os.path.join(HERE, "edge"), root)
        # a FIFO and a symlink to a device must be skipped, not opened
        os.mkfifo(os.path.join(root, "package.json"))
        os.symlink("/dev/zero", os.path.join(root, "Dockerfile.zero"))
        os.symlink("/", os.path.join(root, "escape"))
        # a manifest over the 1 MiB read cap is reported, not read
        with open(os.path.join(root, "requirements.txt"), "w") as f:
            f.write("sentry-sdk\n" + "#" * (2 << 20))
        # an alias bomb: tiny file, exponential tree if expanded
        bomb = ["on: push", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in range(1, 30):
            bomb.append("a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d]"
                        % (i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1))
        bomb += ["jobs:", "  j:", "    runs-on: x",
                 "    steps: [{run: npm test}]", "    x: *a29"]
        with open(os.path.join(root, ".github/workflows/bomb.yml"), "w") as f:
            f.write("\n".join(bomb) + "\n")
        # deep trees are walked (no file or depth cap below 128 levels)
        deep = root
        for i in range(20):
            deep = os.path.join(deep, "d")
        os.makedirs(deep)
        open(os.path.join(deep, "main.tf"), "w").close()
        # ... and deeper than that is said, not silently cut
        deeper = deep
        for i in range(120):
            deeper = os.path.join(deeper, "e")
        os.makedirs(deeper)
        lines, err = run(root, "partial")
        f = facts(lines)
        assert f["container.dockerfile.count"]["value"] == 2, f["container.dockerfile.count"]
        assert "requirements.txt: not read" in err, err
        assert f["ci.workflows.count"]["value"] == 7
        assert f["iac.terraform"]["value"] is True, "depth 20 not walked"
        assert any("deeper than 128 levels" in l.get("partial", "")
                   for l in lines), lines


def missing_path():
    """A checkout that does not exist is a usage error (exit 2) before
    anything is collected or written (issue 11)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ, HOME=tmp, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"))
        p = subprocess.run([EXE, "collect", "--plugin-dir", PLUGIN_DIR, "--set",
                            "collectors.repo.path=/nonexistent/opsgrade-checkout", "-o", out],
                           capture_output=True, text=True, env=env, cwd=tmp, timeout=60)
        assert p.returncode == 2, (p.returncode, p.stderr)
        assert "/nonexistent/opsgrade-checkout" in p.stderr, p.stderr
        assert not os.path.exists(out)


def example_end_to_end():
    """opsgrade collect on data/example/acme-shop: the repo facts in
    report.json are exactly the plugin's, with evidence."""
    exe = EXE
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
        p = subprocess.run([exe, "collect",
                            os.path.join(SRC, "data/example/acme-shop"),
                            "-o", out, "--quiet"],
                           capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stderr
        with open(out) as f:
            rep = json.load(f)
    col = [c for c in rep["collectors"] if c["name"] == "repo"]
    assert col and col[0]["status"] == "ok", rep["collectors"]
    got = {f["key"]: (f["type"], json.dumps(f["value"]), f["evidence"])
           for f in rep["facts"] if f["source"] == "repo"
           and f["type"] != "unknown"}
    with open(os.path.join(HERE, "expected", "acme-shop.jsonl")) as f:
        want = {l["fact"]: (l["type"], json.dumps(l["value"]), l["evidence"])
                for l in map(json.loads, f) if "fact" in l}
    assert got == want, "differs: %s" % sorted(
        set(got.items()) ^ set(want.items()), key=str)


def checkout_target():
    """The checkout's target (host->target) is its remote without scheme,
    user, password or ".git"; without a remote, its canonical path."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "co")
        tree(repo, {"README.md": "x\n"})
        git = ["git", "-C", repo, "-c", "init.defaultBranch=main"]
        subprocess.run(git + ["init", "-q"], check=True, timeout=60)
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ, HOME=tmp, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"),
                   OPSGRADE_NO_DEFAULT_PLUGINS="1")

        def target():
            subprocess.run([EXE, "collect", "--plugin-dir", PLUGIN_DIR, "--set",
                            "collectors.repo.path=" + repo, "-o", out, "--quiet"],
                           capture_output=True, env=env, cwd=tmp, timeout=120)
            with open(out) as f:
                text = f.read()
            assert "s3cret" not in text, "the remote's password leaked"
            return [c for c in json.loads(text)["collectors"]
                    if c["name"] == "repo"][0]["targets"]
        got = target()
        assert got == ["checkout:" + os.path.realpath(repo)], got
        for url, want in (("https://bot:s3cret@github.com/acme/api.git", "github.com/acme/api"),
                          ("git@github.com:acme/api.git", "github.com/acme/api"),
                          ("ssh://git@git.example.org:2222/acme/api", "git.example.org:2222/acme/api")):
            subprocess.run(["git", "-C", repo, "remote", "remove", "origin"],
                           capture_output=True, timeout=60)
            subprocess.run(["git", "-C", repo, "remote", "add", "origin", url],
                           check=True, timeout=60)
            got = target()
            assert got == ["checkout:" + want], (url, got)


check("mature fixture: exact facts and evidence",
      exact("mature", os.path.join(SRC, "tests/fixtures/repo/mature")))
check("bare fixture: exact facts and evidence",
      exact("bare", os.path.join(SRC, "tests/fixtures/repo/bare")))
check("YAML edge cases: exact facts and evidence",
      exact("edge", os.path.join(HERE, "edge"), "partial"))
check("invalid workflow named with line and column", edge_stderr)
check("hostile checkout: fifo, symlinks, oversized, alias bomb, depth", hostile)
check("missing checkout fails with the path", missing_path)
check("example acme-shop: plugin facts",
      exact("acme-shop", os.path.join(SRC, "data/example/acme-shop")))
check("example acme-shop end to end through opsgrade collect",
      example_end_to_end)
check("the checkout's target is its remote, without credentials", checkout_target)
finish()
