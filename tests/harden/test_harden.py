#!/usr/bin/python3
"""Issue 15 at the CLI: hostile plugins and hostile text.  Each section
names the row of the issue's table it holds opsgrade to."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
BUILD = os.environ["OG_BUILD_ROOT"]
PLUGINS = os.path.join(BUILD, "tests", "harden")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402

TMP = tempfile.mkdtemp(prefix="og-harden-")
os.chmod(TMP, 0o755)


def plugin_dir(*names):
    """A directory holding just the named hostile plugins."""
    d = tempfile.mkdtemp(dir=TMP)
    os.chmod(d, 0o755)
    for n in names:
        shutil.copy(os.path.join(PLUGINS, "hostile-%s.so" % n), d)
    return d


def run(args, env_extra=None, timeout=120, plugins=True):
    env = dict(os.environ)
    env.update(HOME=TMP, XDG_STATE_HOME=os.path.join(TMP, "state"),
               XDG_CACHE_HOME=os.path.join(TMP, "cache"))
    if plugins:
        env["OPSGRADE_NO_DEFAULT_PLUGINS"] = "1"
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    env.update(env_extra or {})
    return subprocess.run([OPSGRADE] + args, capture_output=True, env=env,
                          cwd=TMP, timeout=timeout)


def collectors(report):
    return {c["name"]: c for c in report["collectors"]}


def strict_json(path):
    """report.json as strict UTF-8 JSON, as Python and jq read it."""
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8", errors="strict"))


def text_rows():
    # Row 6: overlong forms, encoded surrogates, > U+10FFFF -> U+FFFD.
    d = plugin_dir("badtext")
    out = os.path.join(TMP, "badtext.json")
    p = run(["collect", "--plugin-dir", d, "-o", out])
    try:
        rep = strict_json(out)
    except (ValueError, OSError) as e:
        rep = None
        check("row 6: report.json is strict UTF-8", False, e)
    if rep:
        check("row 6: report.json is strict UTF-8", True)
        f = [x for x in rep["findings"] if x["id"] == "BAD-UTF8-1"]
        check("row 6: bad title kept with U+FFFD",
              f and f[0]["title"].startswith("A\ufffd") and
              f[0]["title"].endswith("E\u00e9"), f and f[0]["title"])
        check("row 6: every bad sequence replaced",
              f and "\ufffd" * 4 not in f[0]["title"][:3], f and f[0]["title"])
    check("row 6: replacements counted and said",
          b"invalid UTF-8 sequences" in p.stderr and b"U+FFFD" in p.stderr,
          p.stderr)
    # Row 14: escape sequences from a plugin's log never reach the terminal.
    check("row 14: no ESC from a plugin log on stderr", b"\x1b" not in p.stderr
          and b"\x07" not in p.stderr and b"\\x1b[31mred" in p.stderr, p.stderr)

    # Row 14: a subject with escapes, printed by `opsgrade history`.
    hist = os.path.join(TMP, "hist")
    p = run(["report", "--plugin-dir", d, "--output-dir", os.path.join(TMP, "out14"),
             "--format", "json", "--history", hist,
             "--set", "subject=evil\x1b]0;pwned\x07\x1b[2J"])
    p = run(["history", "--history", hist])
    check("row 14: history prints no raw ESC/BEL", p.returncode == 0 and
          b"\x1b" not in p.stdout and b"\x07" not in p.stdout and
          b"evil\\x1b" in p.stdout, p.stdout + p.stderr)

    # Row 15: NaN/Inf and out-of-range enums refused with a reason, and
    # the collector is partial; row 5: an event at INT64_MAX is refused.
    d = plugin_dir("badvalues")
    out = os.path.join(TMP, "badvalues.json")
    p = run(["collect", "--plugin-dir", d, "-o", out])
    rep = strict_json(out)
    c = collectors(rep)["badvalues"]
    msg = c.get("message") or ""
    check("row 15: collector partial, not ok", c["status"] == "partial", c)
    check("row 15: NaN named", "'hostile.badvalues.nan': number is NaN" in msg, msg)
    check("row 15: Inf named", "'hostile.badvalues.inf': number is infinite" in msg, msg)
    check("row 15: severity out of range named", "severity 99" in msg, msg)
    check("row 15: kind out of range named", "kind -3" in msg, msg)
    check("row 5: event time out of range named", "years 0 and 9999" in msg, msg)
    check("row 15/5: nothing bad kept", not rep["findings"] and not rep["events"]
          and "hostile.badvalues.nan" not in [f["key"] for f in rep["facts"]])
    check("row 15: exit 3 (incomplete)", p.returncode == 3, p.returncode)

    # Row 5: SOURCE_DATE_EPOCH out of range: a real date, a sane file name.
    hist5 = os.path.join(TMP, "hist5")
    p = run(["report", "--plugin-dir", plugin_dir("badtext"), "--output-dir",
             os.path.join(TMP, "out5"), "--format", "json", "--history", hist5],
            {"SOURCE_DATE_EPOCH": "9223372036854775807"})
    rep = strict_json(os.path.join(TMP, "out5", "report.json"))
    gen = rep["generated_at"]
    check("row 5: generated_at is RFC 3339", len(gen) == 20 and gen[4] == "-" and
          gen.endswith("Z") and 2000 < int(gen[:4]) < 9999, gen)
    names = []
    for root, _, files in os.walk(hist5):
        names += files
    check("row 5: history file names are printable ASCII",
          names and all(n.isascii() and n.isprintable() for n in names), names)

    # Row 7: one "\ud800" in one Trivy title costs one character, not the
    # file; row 15: a BOM is accepted and duplicate keys keep the last.
    vulns = []
    for i in range(5):
        v = {"VulnerabilityID": "CVE-2099-%04d" % i, "PkgName": "p%d" % i,
             "InstalledVersion": "1", "Severity": "LOW", "Title": "t%d" % i}
        vulns.append(json.dumps(v))
    vulns[2] = vulns[2].replace('"t2"', '"bad \\ud800 title"')
    vulns[3] = vulns[3].replace('"Severity": "LOW"',
                                '"Severity": "LOW", "Severity": "CRITICAL"')
    doc = ('{"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": '
           '"filesystem", "Results": [{"Target": "t", "Class": "lang-pkgs", '
           '"Type": "npm", "Vulnerabilities": [%s]}]}' % ", ".join(vulns))
    trivy = os.path.join(TMP, "trivy-surrogate.json")
    with open(trivy, "wb") as f:
        f.write(b"\xef\xbb\xbf" + doc.encode())
    out = os.path.join(TMP, "trivy.json")
    p = run(["collect", "--trivy", trivy, "-o", out,
             "--set", "collectors.repo.enabled=false"], plugins=False)
    rep = strict_json(out)
    ids = sorted(f["id"] for f in rep["findings"])
    check("row 7: all 5 findings kept (BOM accepted)", len(ids) == 5, (ids, p.stderr))
    t = [f for f in rep["findings"] if f["id"] == "CVE-2099-0002"]
    check("row 7: lone surrogate became U+FFFD",
          t and t[0]["title"] == "bad \ufffd title", t)
    check("row 7: warned with the file name", b"trivy-surrogate.json" in p.stderr
          and b"U+FFFD" in p.stderr, p.stderr)
    t = [f for f in rep["findings"] if f["id"] == "CVE-2099-0003"]
    check("row 15: duplicate key keeps the last (jq, Python)",
          t and t[0]["severity"] == "critical", t)


def yaml_anchors():
    # Row 11: workflows with 20k anchors and 20k aliases each.  The
    # quadratic lookup spent ~5 s of CPU per file (30 s for these six,
    # past the 20 s timeout: every repo fact lost); a hash lookup needs
    # well under a second for all six, so the margin is over 10x.
    repo = os.path.join(TMP, "anchors")
    wf = os.path.join(repo, ".github", "workflows")
    os.makedirs(wf)
    n = 20000
    body = ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest",
            "    env:"]
    body += ["      A%d: &a%d v" % (i, i) for i in range(n)]
    body += ["    steps:"] + ["      - run: *a%d" % i for i in range(n)]
    text = "\n".join(body) + "\n"
    for k in range(6):
        with open(os.path.join(wf, "ci%d.yml" % k), "w") as f:
            f.write(text)
    out = os.path.join(TMP, "anchors.json")
    p = run(["collect", repo, "-o", out, "--set", "collectors.repo.timeout=20"],
            plugins=False)
    rep = strict_json(out)
    c = collectors(rep).get("repo", {})
    check("row 11: repo collector finishes with 6x40k anchors/aliases",
          c.get("status") == "ok", (c, p.stderr[-500:]))
    check("row 11: workflow facts kept", any(f["key"].startswith("ci.")
                                             for f in rep["facts"]),
          [f["key"] for f in rep["facts"]][:10])


def main():
    # A section that breaks (a missing report) is one failed check; the
    # other sections still run.
    for section in (text_rows, yaml_anchors):
        try:
            section()
        except Exception as e:  # noqa: BLE001
            check("%s ran to the end" % section.__name__, False, repr(e)[:300])
    shutil.rmtree(TMP, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
