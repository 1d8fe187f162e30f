#!/usr/bin/python3
"""Tests for the trivy and codeql plugins, run through the shared mock
host (tests/plugins/harness.c), which prints every emission as it is
made (the real host would merge them; see test_e2e.py for that).

usage: test_scanners.py MOCK_HOST TRIVY.so CODEQL.so SUITE
SUITE: corpus | fixtures | badinput | fuzz

corpus   every file of $OG_SHARED/corpus/{trivy,sarif} (or $OG_CORPUS):
         counts per kind+severity+state equal expected.py's independent
         count; skipped (77) when the corpus is absent.
fixtures our fixtures: counts equal the hand-written expected.json (and
         the oracle), secrets' Match text never printed, facts present.
badinput broken documents: error naming file + byte offset + JSON path,
         partial/failed status, nothing emitted, no crash.
fuzz     every fixture/corpus file cut at many offsets: either the full
         result (the cut removed only trailing whitespace) or nothing and
         an error; never a crash.
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from ogtest import done, expect as check  # noqa: E402

HARNESS, TRIVY, CODEQL, SUITE = sys.argv[1:5]
SRC = os.environ.get("OG_SOURCE_ROOT",
                     os.path.join(os.path.dirname(__file__), "../../.."))
FIX = os.path.join(SRC, "tests", "fixtures")


def run(plugin, key, files, extra=()):
    args = [HARNESS, plugin]
    for f in files:
        args += ["--set", "%s=%s" % (key, f)]
    p = subprocess.run(args + list(extra), capture_output=True, text=True,
                       timeout=300)
    if p.returncode not in (0, 1) or "Sanitizer" in p.stderr or \
            "runtime error" in p.stderr:
        raise AssertionError("harness crashed (rc %d) on %s: %s" %
                             (p.returncode, files, p.stderr[-500:]))
    lines = p.stdout.splitlines()
    objs = [json.loads(x) for x in lines]
    return lines, objs


def status(objs):
    return [o["status"] for o in objs if "status" in o][0]


def logs(objs, level="error"):
    return [o["log"]["msg"] for o in objs
            if "log" in o and o["log"]["level"] == level]


def plugin_for(path):
    if path.endswith(".sarif") or "/sarif/" in path:
        return CODEQL, "sarif", expected.sarif_counts
    return TRIVY, "reports", expected.trivy_counts


def fmt(c):
    return {"/".join(k): v for k, v in sorted(c.items())}


def corpus_findings(sub, path):
    """Distinct findings after the core's merge: `opsgrade collect`."""
    cli = os.environ.get("OPSGRADE", "")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        env = dict(os.environ, OPSGRADE_NO_DEFAULT_PLUGINS="1", HOME=tmp,
                   XDG_STATE_HOME=tmp, XDG_CACHE_HOME=tmp)
        subprocess.run([cli, "collect", "--quiet", "-o", out,
                        "--plugin-dir", os.path.dirname(os.path.abspath(TRIVY)),
                        "--plugin-dir", os.path.dirname(os.path.abspath(CODEQL)),
                        "--sarif" if sub == "sarif" else "--trivy",
                        os.path.abspath(path)],
                       capture_output=True, text=True, timeout=300, env=env,
                       cwd=tmp)
        with open(out, encoding="utf-8") as f:
            return len(json.load(f)["findings"])


def suite_corpus():
    """Conformance: every SARIF and Trivy file of the corpus against the
    values stored in tests/fixtures/corpus/expected.json (emitted counts
    per kind/severity/state, and distinct findings after the merge); the
    reference reader (expected.py) must agree with the stored values."""
    corpus = os.environ.get("OG_CORPUS") or \
        os.path.join(os.environ.get("OG_SHARED", ""), "corpus")
    if not os.path.isdir(os.path.join(corpus, "trivy")):
        print("SKIP: no corpus at %s (../shared is absent in a plain "
              "clone; CI has it)" % corpus)
        sys.exit(77)
    with open(os.path.join(FIX, "corpus", "expected.json"),
              encoding="utf-8") as f:
        stored = json.load(f)
    n = 0
    seen = set()
    for sub in ("trivy", "sarif"):
        d = os.path.join(corpus, sub)
        for name in sorted(os.listdir(d)):
            if not name.endswith((".json", ".sarif")):
                continue
            key = sub + "/" + name
            seen.add(key)
            path = os.path.join(d, name)
            if key not in stored:
                check(False, "%s: no reviewed expectation in "
                      "tests/fixtures/corpus/expected.json" % key)
                continue
            plugin, opt, oracle = (CODEQL, "sarif", expected.sarif_counts) \
                if sub == "sarif" else (TRIVY, "reports",
                                        expected.trivy_counts)
            lines, objs = run(plugin, opt, [path])
            got = fmt(expected.harness_counts(lines))
            want = stored[key]["emitted"]
            st = status(objs)
            check(st["status"] == "ok", "%s: status %s, errors %s" %
                  (key, st, logs(objs)))
            check(got == want, "%s: got %s, stored %s" % (key, got, want))
            check(fmt(oracle(path)) == want,
                  "%s: the reference reader disagrees with the stored "
                  "values" % key)
            merged = corpus_findings(sub, path)
            check(merged == stored[key]["findings"],
                  "%s: %d findings after the merge, stored %d" %
                  (key, merged, stored[key]["findings"]))
            print("ok %s %s, %d findings" % (key, got, merged))
            n += 1
    gone = sorted(k for k in stored if not k.startswith("_") and
                  k not in seen)
    check(not gone, "stored expectations for files not in the corpus: %s"
          % gone)
    # Match text of Trivy secrets never leaves the plugin.
    sec = os.path.join(corpus, "trivy", "secrets.json")
    if os.path.exists(sec):
        with open(sec, encoding="utf-8") as f:
            doc = json.load(f)
        lines, _ = run(TRIVY, "reports", [sec])
        out = "\n".join(lines)
        for r in doc["Results"]:
            for s in r.get("Secrets") or []:
                check(s["Match"] not in out, "secret Match text printed")
                for ln in (s.get("Code") or {}).get("Lines") or []:
                    if ln.get("Content"):
                        check(ln["Content"] not in out,
                              "secret code line printed")
    # Multi-file run: counts add up.
    paths = [os.path.join(corpus, "trivy", x) for x in
             ("alpine-310.json", "ubuntu-1804.v0.50.0.json")]
    lines, objs = run(TRIVY, "reports", paths)
    want = expected.trivy_counts(paths[0]) + expected.trivy_counts(paths[1])
    check(expected.harness_counts(lines) == want, "multi-file counts")
    print("corpus: %d files" % n)


def suite_fixtures():
    for sub in ("trivy", "sarif"):
        d = os.path.join(FIX, sub)
        with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
            exp = json.load(f)
        for name, counts in sorted(exp.items()):
            if name.startswith("_"):
                continue
            path = os.path.join(d, name)
            plugin, key, oracle = plugin_for(path)
            lines, objs = run(plugin, key, [path])
            got = fmt(expected.harness_counts(lines))
            check(status(objs)["status"] == "ok",
                  "%s: %s %s" % (name, status(objs), logs(objs)))
            check(got == counts, "%s: got %s, want %s" % (name, got, counts))
            check(fmt(oracle(path)) == counts,
                  "%s: oracle disagrees with expected.json" % name)
            print("ok %s" % name)
    # Secrets: the Match text never appears.
    lines, _ = run(TRIVY, "reports", [os.path.join(FIX, "trivy",
                                                   "fs-repo.json")])
    check(not any("NEVER-PRINT" in x for x in lines), "Match text printed")
    # Same CVE + package version in two images: two emissions without a
    # fingerprint (the core merges them into one finding, two locations).
    lines, objs = run(TRIVY, "reports", [
        os.path.join(FIX, "trivy", "image-debian.json"),
        os.path.join(FIX, "trivy", "image-other.json")])
    same = [o["finding"] for o in objs if "finding" in o and
            o["finding"]["id"] == "CVE-2099-0001"]
    check(len(same) == 2 and all("fingerprint" not in f for f in same) and
          len({f["locations"][0]["target"] for f in same}) == 2,
          "same CVE across images: %s" % same)
    facts = {o["fact"]: o for o in objs if "fact" in o}
    check(facts["trivy.scan.present"]["value"] is True, "scan.present")
    check(facts["trivy.image.scanned"]["value"] is True, "image.scanned")
    # Facts count distinct (id, package, version), like the merged model.
    check(facts["trivy.vulns.critical"]["value"] == 1, "vulns.critical")
    check(facts["trivy.vulns.high"]["value"] == 2, "vulns.high")
    check(facts["trivy.vulns.occurrences"]["value"] == 10, "occurrences")
    # fixable: 0001, 0006, GHSA = 3 of 7 open
    check(abs(facts["trivy.vulns.fixable_ratio"]["value"] - 3 / 7) < 1e-9,
          "fixable_ratio %s" % facts["trivy.vulns.fixable_ratio"])
    check(facts["trivy.version"]["value"] == "0.58.1", "trivy.version")
    # trivy k8s: an image's findings name the image and the workload;
    # the workload's own misconfigurations stay at the workload.
    lines, objs = run(TRIVY, "reports", [os.path.join(FIX, "trivy",
                                                      "k8s-cluster.json")])
    where = {o["finding"]["id"]: o["finding"]["locations"][0]
             for o in objs if "finding" in o}
    img = "registry.example.test/acme/api:1.4.0 (kind-acme/shop/Deployment/api)"
    check(where["CVE-2099-0001"]["target"] == img, "k8s os-pkgs: %s" %
          where["CVE-2099-0001"])
    check(where["GHSA-2099-k8s0-0001"]["target"] == img and
          where["GHSA-2099-k8s0-0001"]["file"] == "usr/local/bin/api",
          "k8s lang-pkgs: %s" % where["GHSA-2099-k8s0-0001"])
    check(where["KSV-0001"]["target"] == "kind-acme/shop/Deployment/api",
          "k8s config: %s" % where["KSV-0001"])
    # Multi-run SARIF facts and dedup identities.
    lines, objs = run(CODEQL, "sarif", [os.path.join(FIX, "sarif", x) for x in
                                        ("multirun.sarif",
                                         "results-first.sarif")])
    facts = {o["fact"]: o for o in objs if "fact" in o}
    check(facts["sast.present"]["value"] is True, "sast.present")
    check(facts["sast.tools"]["value"] == ["codeql", "semgrep oss",
                                           "gitleaks"],
          "sast.tools %s" % facts["sast.tools"])
    check(facts["sast.alerts.open"]["value"] == 16, "sast.alerts.open")
    check(facts["codeql.alerts.open"]["value"] == 11, "codeql.alerts.open")
    fps = [o["finding"]["fingerprint"] for o in objs if "finding" in o]
    check(len(fps) == len(set(fps)), "distinct results share a fingerprint")
    # The bundled example (data/example/scans, see its README).
    ex = os.path.join(SRC, "data", "example", "scans")
    lines, objs = run(TRIVY, "reports",
                      [os.path.join(ex, "acme-shop-image.trivy.json")])
    check(fmt(expected.harness_counts(lines)) == {
        "vulnerability/high/open": 1, "vulnerability/medium/open": 2,
        "vulnerability/low/open": 2}, "example trivy counts")
    facts = {o["fact"]: o for o in objs if "fact" in o}
    check(facts["trivy.vulns.fixable"]["value"] == 4, "example fixable")
    check("trivy.misconfigs.open" not in facts, "misconfig count made up")
    lines, objs = run(CODEQL, "sarif",
                      [os.path.join(ex, "acme-shop.codeql.sarif")])
    check(fmt(expected.harness_counts(lines)) == {
        "code-alert/high/open": 1, "code-alert/high/suppressed": 1},
        "example sarif counts")
    suite_github_alerts()
    print("fixtures: ok")


def http_name(url):
    return "".join(c if c.isalnum() and c.isascii() or c in ".-" else "_"
                   for c in url)


def suite_github_alerts():
    api = "http://127.0.0.1:9/api"
    url = api + "/repos/acme/shop/code-scanning/alerts?state=open&" \
        "per_page=100&page=1"
    alerts = [
        {"number": 7, "state": "open",
         "html_url": "https://github.example/acme/shop/security/code-scanning/7",
         "rule": {"id": "js/sql-injection", "severity": "error",
                  "security_severity_level": "high",
                  "description": "Database query built from user-controlled sources",
                  "tags": ["security", "external/cwe/cwe-089"]},
         "tool": {"name": "CodeQL", "version": "2.20.0"},
         "most_recent_instance": {"ref": "refs/heads/main", "state": "open",
                                  "location": {"path": "src/db.js", "start_line": 12,
                                               "start_column": 5}}},
        {"number": 8, "state": "open",
         "rule": {"id": "js/path-injection", "severity": "warning",
                  "security_severity_level": None, "description": "Path"},
         "tool": {"name": "CodeQL"},
         "most_recent_instance": {"location": {"path": "src/files.js",
                                               "start_line": 3}}},
        {"number": 9, "rule": {"severity": "note"}, "tool": {"name": "CodeQL"}},
    ]
    sarif = os.path.join(FIX, "sarif", "multirun.sarif")
    opts = ["--set", "github_alerts=true", "--set", "github_repo=acme/shop",
            "--set", "github_api_url=" + api]
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, http_name(url)), "w") as f:
            json.dump(alerts, f)
        served = ["--http-dir", tmp, "--secret", "codeql.github_token"]
        _, objs = run(CODEQL, "sarif", [sarif], opts + served)
        finds = [o["finding"] for o in objs if "finding" in o]
        https = [o["http"] for o in objs if "http" in o]
        check(len(https) == 1 and https[0]["auth"] == "secret:codeql.github_token", "http %s" % https)
        sql = [f for f in finds if f["id"] == "js/sql-injection"]
        check(len(sql) == 2 and sql[0]["fingerprint"] == sql[1]["fingerprint"],
              "API alert at a SARIF result's place shares its fingerprint")
        path = [f for f in finds if f["id"] == "js/path-injection"]
        check(len(path) == 1 and path[0]["severity"] == "medium" and
              path[0]["locations"][0]["file"] == "src/files.js",
              "API alert: %s" % path)
        facts = {o["fact"]: o for o in objs if "fact" in o}
        check(facts["sast.alerts.open"]["value"] == 15, "open with API %s" %
              facts["sast.alerts.open"])
        check(status(objs)["status"] == "partial" and
              any("$[2]: rule.id missing" in e for e in logs(objs)),
              "bad alert: %s" % logs(objs))
        # No token: not read, partial; 404: partial with the URL logged.
        for extra, needle in ((["--http-dir", tmp], "GitHub token"),
                              (["--http-dir", "/nonexistent",
                                "--secret", "codeql.github_token"], "HTTP 404")):
            _, objs = run(CODEQL, "sarif", [], opts + extra)
            check(status(objs)["status"] == "failed" and
                  any(needle in e for e in logs(objs)),
                  "github_alerts %s: %s" % (needle, logs(objs)))
    print("ok github_alerts")


BAD = [
    # (name, plugin, content, expected text in the error)
    ("truncated.json", "trivy", '{"SchemaVersion": 2, "Results": [{"Target": "x", '
     '"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "HIGH"},',
     "$.Results[0].Vulnerabilities"),
    ("invalid.json", "trivy", '{"SchemaVersion": 2, "Results": [{"Target" "x"}]}',
     "$.Results[0]"),
    ("schema3.json", "trivy", '{"SchemaVersion": 3, "Results": []}',
     "unsupported SchemaVersion 3"),
    ("noschema.json", "trivy", '{"Results": [{"Target": "x", "Vulnerabilities": '
     '[{"VulnerabilityID": "CVE-1"}]}]}', "no SchemaVersion"),
    ("results-object.json", "trivy", '{"SchemaVersion": 2, "Results": {"a": 1}}',
     "$.Results: expected an array"),
    ("vuln-string.json", "trivy", '{"SchemaVersion": 2, "Results": [{"Target": "x", '
     '"Vulnerabilities": ["CVE-1"]}]}', "$.Results[0].Vulnerabilities[0]"),
    ("deep.json", "trivy", '{"SchemaVersion": 2, "Results": [{"Target": "x", '
     '"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Custom": ' +
     "[" * 5000 + "]" * 5000 + "}]}]}", "nesting deeper than"),
    ("trailing.json", "trivy", '{"SchemaVersion": 2, "Results": []} {}',
     "after the document"),
    ("empty.json", "trivy", "", "end of input"),
    ("scalar.json", "trivy", "42", "not a Trivy report"),
    ("nul.json", "trivy", '{"SchemaVersion": 2, "Results": [{"Target": "a\x01"}]}',
     "control character"),
    ("v1.sarif", "codeql", '{"version": "1.0.0", "runs": []}',
     "unsupported SARIF version"),
    ("noversion.sarif", "codeql", '{"runs": [{"tool": {"driver": {"name": "x"}}, '
     '"results": [{"ruleId": "a"}]}]}', "no \"version\""),
    ("notool.sarif", "codeql", '{"version": "2.1.0", "runs": [{"results": '
     '[{"ruleId": "a"}]}]}', "run without a tool"),
    ("truncated.sarif", "codeql", '{"version": "2.1.0", "runs": [{"tool": {"driver": '
     '{"name": "x"}}, "results": [{"ruleId": "a", "message": {"text": "hi',
     "$.runs[0].results[0].message.text"),
    ("runs-string.sarif", "codeql", '{"version": "2.1.0", "runs": "x"}',
     "$.runs: expected an array"),
    ("badnum.sarif", "codeql", '{"version": "2.1.0", "runs": [{"tool": {"driver": '
     '{"name": "x", "rules": [{"id": "a", "p": 01}]}}}]}', "tool.driver.rules[0].p"),
]

# Items that are wrong but leave the file readable: the bad item is
# skipped with an error naming its path, the rest is kept, status partial.
BAD_ITEMS = [
    ("item-type.json", "trivy", '{"SchemaVersion": 2, "ArtifactName": "a", '
     '"Results": [{"Target": "x", "Vulnerabilities": ['
     '{"VulnerabilityID": "CVE-1", "Severity": 4}, '
     '{"VulnerabilityID": "CVE-2", "Severity": "LOW"}, '
     '{"PkgName": "no-id"}]}]}', 1,
     ["$.Results[0].Vulnerabilities[0]: Severity: expected string",
      "$.Results[0].Vulnerabilities[2]: VulnerabilityID missing"]),
    ("item-line.json", "trivy", '{"SchemaVersion": 2, "ArtifactName": "a", '
     '"Results": [{"Target": "x", "Secrets": ['
     '{"RuleID": "r", "StartLine": -3}, {"RuleID": "r", "StartLine": 1e30},'
     '{"RuleID": "r", "StartLine": 2}]}]}', 1,
     ["$.Results[0].Secrets[0]: StartLine", "$.Results[0].Secrets[1]"]),
    ("item.sarif", "codeql", '{"version": "2.1.0", "runs": [{"tool": {"driver": '
     '{"name": "x"}}, "results": [{"message": {"text": "no rule"}}, '
     '{"ruleId": "a", "level": "fatal"}, {"ruleId": "a", "locations": 3}, '
     '{"ruleId": "a"}]}]}', 2,
     # A result without ruleId is an alert (x/unknown-rule), not an error.
     ["$.runs[0].results[1]: level",
      "$.runs[0].results[2]: locations: expected array"]),
]


def run_bad(tmp, name, which, content):
    """Write @content to tmp/@name, feed it to the trivy or codeql plugin;
    returns the path, the error logs and the status line."""
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    plugin, key = (TRIVY, "reports") if which == "trivy" else \
        (CODEQL, "sarif")
    lines, objs = run(plugin, key, [path])
    return path, logs(objs), status(objs)


def suite_badinput():
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(FIX, "trivy", "legacy-array.json")
        for name, which, content, needle in BAD:
            path, errs, st = run_bad(tmp, name, which, content)
            check(st["findings"] == 0, "%s: emitted %d findings" %
                  (name, st["findings"]))
            check(st["status"] == "failed", "%s: status %s" % (name, st))
            check(any(path in e and needle in e and "byte" in e
                      for e in errs),
                  "%s: no error naming file, offset and %r: %s" %
                  (name, needle, errs))
            print("ok %s: %s" % (name, errs[0] if errs else "-"))
            # With a good file next to it: good one read, status partial.
            if which == "trivy":
                lines, objs = run(TRIVY, "reports", [path, good])
                check(status(objs)["status"] == "partial" and
                      status(objs)["findings"] == 2,
                      "%s + good: %s" % (name, status(objs)))
        for name, which, content, n_ok, needles in BAD_ITEMS:
            path, errs, st = run_bad(tmp, name, which, content)
            check(st["status"] == "partial" and st["findings"] == n_ok,
                  "%s: %s" % (name, st))
            for needle in needles:
                check(any(path in e and needle in e for e in errs),
                      "%s: no error with %r: %s" % (name, needle, errs))
            print("ok %s" % name)
        # Missing file and a pattern matching nothing.
        lines, objs = run(TRIVY, "reports", [os.path.join(tmp, "nope.json"),
                                             os.path.join(tmp, "*.nomatch")])
        check(status(objs)["status"] == "failed", "missing file status")
        check(len(logs(objs)) >= 2, "missing file errors: %s" % logs(objs))
        # Absurd size: one item larger than the 16 MiB cap.
        path = os.path.join(tmp, "huge.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"SchemaVersion": 2, "Results": [{"Target": "x", '
                    '"Vulnerabilities": [{"VulnerabilityID": "CVE-1", '
                    '"Description": "')
            f.write("A" * (17 << 20))
            f.write('"}]}]}')
        lines, objs = run(TRIVY, "reports", [path])
        check(status(objs)["findings"] == 0 and
              any("larger than" in e for e in logs(objs)),
              "huge item: %s" % logs(objs))
        broken_late(tmp)
    print("badinput: ok")


def big_trivy(n, tail=""):
    """A Trivy report of @n vulnerabilities (one with an unknown severity,
    which logs a warning), large enough that the real pass has converted
    most of it before the dry pass beside it reaches the end."""
    items = ['{"VulnerabilityID": "CVE-2099-%d", "PkgName": "p%d", '
             '"InstalledVersion": "1", "Severity": "%s", "Title": "%s"}' %
             (i, i % 50, "BOGUS" if i == 7 else "HIGH", "t" * 200)
             for i in range(n)]
    return ('{"SchemaVersion": 2, "ArtifactName": "a", "Results": '
            '[{"Target": "x", "Vulnerabilities": [' + ", ".join(items) +
            tail + ']}]}')


def broken_late(tmp):
    # Broken near its end: nothing of it reaches the host, and a good
    # report beside it with the same findings reads as if alone (its
    # counts, distinct keys and logs are not touched by the broken one).
    text = big_trivy(20000)
    good = os.path.join(tmp, "b-good.json")
    broken = os.path.join(tmp, "a-broken.json")
    with open(good, "w", encoding="utf-8") as f:
        f.write(text)
    with open(broken, "w", encoding="utf-8") as f:
        f.write(text[:-3])
    _, alone = run(TRIVY, "reports", [good])
    _, both = run(TRIVY, "reports", [broken, good])
    check(status(alone)["findings"] == 20000, "good alone: %s" %
          status(alone))
    keep = [o for o in alone if "finding" in o or "fact" in o]
    check([o for o in both if "finding" in o or "fact" in o] == keep,
          "a report broken late changed what its neighbour gives")
    check(logs(both, "warn") == logs(alone, "warn"),
          "warnings: %s" % logs(both, "warn"))
    check(any(broken in e and "truncated" in e for e in logs(both)),
          "no error naming the broken report: %s" % logs(both))
    # Whole but with an item over the cap near its end: the dry pass
    # passes, the real one fails there, and what came before it stays
    # (as when the passes ran in turn).
    with open(broken, "w", encoding="utf-8") as f:
        f.write(big_trivy(3000, ', {"VulnerabilityID": "CVE-1", '
                          '"Description": "' + "A" * (17 << 20) + '"}'))
    _, objs = run(TRIVY, "reports", [broken])
    check(status(objs)["findings"] == 3000 and
          any("larger than" in e for e in logs(objs)),
          "huge item late: %s %s" % (status(objs), logs(objs)))
    print("ok broken late")


def fuzz_files():
    files = []
    for sub in ("trivy", "sarif"):
        d = os.path.join(FIX, sub)
        files += [os.path.join(d, x) for x in sorted(os.listdir(d))
                  if x != "expected.json"]
    corpus = os.environ.get("OG_CORPUS") or \
        os.path.join(os.environ.get("OG_SHARED", ""), "corpus")
    for sub in ("trivy", "sarif"):
        d = os.path.join(corpus, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, x) for x in sorted(os.listdir(d))
                      if x.endswith((".json", ".sarif")) and
                      not x.startswith("LARGE")]
    return files


def suite_fuzz():
    cuts = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in fuzz_files():
            with open(path, "rb") as f:
                data = f.read()
            plugin, key, oracle = plugin_for(path)
            full = oracle(path)
            n = len(data)
            offsets = sorted({0, 1, n - 1, n - 2} |
                             {n * k // 16 for k in range(1, 16)})
            for off in offsets:
                if off < 0 or off >= n:
                    continue
                cut = os.path.join(tmp, os.path.basename(path))
                with open(cut, "wb") as f:
                    f.write(data[:off])
                lines, objs = run(plugin, key, [cut])
                got = expected.harness_counts(lines)
                st = status(objs)
                if data[off:].strip():
                    check(st["findings"] == 0 and st["status"] == "failed"
                          and logs(objs),
                          "%s cut at %d: %s" % (path, off, st))
                else:
                    check(got == full, "%s cut at %d (whitespace): %s" %
                          (path, off, fmt(got)))
                cuts += 1
            # Flip one structural byte in the middle: never a crash, and
            # either an error or (if still valid JSON) some result.
            mid = n // 2
            for repl in (b"}", b"\"", b"\x00"):
                bad = os.path.join(tmp, "flip-" + os.path.basename(path))
                with open(bad, "wb") as f:
                    f.write(data[:mid] + repl + data[mid + 1:])
                run(plugin, key, [bad])
                cuts += 1
    print("fuzz: %d variants, no crash" % cuts)


{"corpus": suite_corpus, "fixtures": suite_fixtures,
 "badinput": suite_badinput, "fuzz": suite_fuzz}[SUITE]()
sys.exit(done())
