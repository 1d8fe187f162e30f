#!/usr/bin/python3
"""The README's exit-code table, row by row, and its precedence rule
("4, 2, 1, 3").  Usage errors must be found before anything is collected
or written and be printed once."""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
BUILD = os.environ["OG_BUILD_ROOT"]
SRC = os.environ["OG_SOURCE_ROOT"]
PLUGINS = os.path.join(BUILD, "tests", "core")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import done, expect as check  # noqa: E402


def plugin_dir(tmp, *names):
    d = tempfile.mkdtemp(dir=tmp)
    for n in names:
        shutil.copy(os.path.join(PLUGINS, n + ".so"), d)
    return d


def run(tmp, args):
    env = dict(os.environ)
    env["OPSGRADE_NO_DEFAULT_PLUGINS"] = "1"
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    for k in ("OPSGRADE_SMTP_USER", "OPSGRADE_SMTP_PASSWORD"):
        env.pop(k, None)
    env["HOME"] = os.path.join(tmp, "home")
    env["XDG_STATE_HOME"] = os.path.join(tmp, "state")
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    return subprocess.run([OPSGRADE] + args, capture_output=True, text=True,
                          env=env, cwd=tmp, timeout=120)


def readme_codes():
    """The codes the README's table documents."""
    text = open(os.path.join(SRC, "README.md"), encoding="utf-8").read()
    table = text.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    return sorted(int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M))


def main():
    tmp = tempfile.mkdtemp(prefix="og-exit-")
    good = plugin_dir(tmp, "good")
    partial = plugin_dir(tmp, "good", "partial")
    seen = set()

    def report(name, extra, plugins=good):
        out = os.path.join(tmp, name)
        return out, run(tmp, ["report", "--plugin-dir", plugins, "--output-dir", out,
                              "--history", os.path.join(tmp, name + "-hist")] + extra)

    # 0: success
    out, p = report("ok", [])
    check(p.returncode == 0, "0: a clean run (got %d: %s)" % (p.returncode, p.stderr))
    seen.add(p.returncode)

    # 1: a policy gate failed
    out, p = report("gate", ["--set", "gates.min_level=5"])
    check(p.returncode == 1, "1: failed gate (got %d: %s)" % (p.returncode, p.stderr))
    seen.add(p.returncode)

    # 2: usage, config or input error -- before anything is collected or
    # written, each problem printed once
    bad = [
        (["--paper", "legal"], "report.paper"),
        (["--set", "report.paper=legal", "--format", "json"], "report.paper"),
        (["--format", "pdf,docx"], "docx"),
        (["--mail-on", "chnage"], "chnage"),
        (["--mail-to", "cto@example.com"], "mail.from"),
        (["--mail-to", "cto@example.com", "--mail-from", "og@example.com"], "smtp_url"),
        (["--mail-to", "cto@example.com", "--mail-from", "og@example.com",
          "--smtp-url", "http://example.com"], "scheme"),
        (["--plugin-dir", os.path.join(tmp, "does-not-exist")], "does-not-exist"),
        (["--fail-on", "severe"], "fail_on"),
        (["--set", "gates.required_capabilities=no.such.cap"], "no.such.cap"),
        (["--set", "gates.kpis.no_such_kpi.min=1"], "no_such_kpi"),
        (["--no-such-option"], "Usage"),
    ]
    for i, (args, needle) in enumerate(bad):
        out, p = report("bad%d" % i, args)
        check(p.returncode == 2, "2: %s exits 2 (got %d: %s)" % (args, p.returncode, p.stderr))
        check(p.stderr.count(needle) == 1,
              "2: %s: the error is printed once (%r)" % (args, p.stderr))
        check(not os.path.exists(out) and not os.path.exists(out + "-hist"),
              "2: %s: nothing written" % args)
        seen.add(p.returncode)
    # a file where the output directory should be
    blocker = os.path.join(tmp, "blocker")
    open(blocker, "w").close()
    p = run(tmp, ["report", "--plugin-dir", good, "--output-dir", blocker])
    check(p.returncode == 2 and "not a directory" in p.stderr, "2: output dir is a file")
    # a password with no user would send unauthenticated
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("secret\n")
    os.chmod(pw, 0o600)
    out, p = report("pwonly", ["--mail-to", "cto@example.com", "--mail-from", "og@example.com",
                               "--smtp-url", "smtp://127.0.0.1:1", "--smtp-tls", "none",
                               "--set", "mail.password_file=" + pw])
    check(p.returncode == 2 and "no user" in p.stderr and "secret" not in p.stderr,
          "2: password file without a user (got %d: %s)" % (p.returncode, p.stderr))

    # 3: report written but incomplete
    out, p = report("partial", [], plugins=partial)
    check(p.returncode == 3, "3: partial collector (got %d: %s)" % (p.returncode, p.stderr))
    check(os.path.exists(os.path.join(out, "report.json")), "3: the report is written")
    seen.add(p.returncode)

    # 4: the mail could not be sent (nothing listens on port 1)
    mail = ["--mail-to", "cto@example.com", "--mail-from", "og@example.com",
            "--smtp-url", "smtp://127.0.0.1:1", "--smtp-tls", "none",
            "--set", "mail.timeout=5"]
    out, p = report("mailfail", mail)
    check(p.returncode == 4, "4: mail not sent (got %d: %s)" % (p.returncode, p.stderr))
    check(os.path.exists(os.path.join(out, "report.pdf")), "4: the files are written")
    seen.add(p.returncode)

    # 75: another run holds the lock
    lock = os.path.join(tmp, "run.lock")
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        out, p = report("locked", ["--lock", lock])
        check(p.returncode == 75, "75: lock held (got %d: %s)" % (p.returncode, p.stderr))
        check(not os.path.exists(out), "75: nothing written")
        seen.add(p.returncode)

    # precedence 4, 2, 1, 3
    out, p = report("gate+partial", ["--set", "gates.min_level=5"], plugins=partial)
    check(p.returncode == 1, "1 outranks 3 (got %d)" % p.returncode)
    out, p = report("mail+gate", ["--set", "gates.min_level=5"] + mail)
    check(p.returncode == 4, "4 outranks 1 (got %d)" % p.returncode)

    check(sorted(seen) == readme_codes(),
          "every README row tested: %s vs %s" % (sorted(seen), readme_codes()))
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(done())


main()
