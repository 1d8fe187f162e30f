#!/usr/bin/python3
"""End to end through the real CLI ($OPSGRADE): `opsgrade collect` with
two Trivy image reports and a SARIF file.  The core merges the same CVE in
the same package version across images into one finding with two
locations; a bad report makes the run partial (exit 3) without losing the
good ones.  Skips (77) when the CLI is not built."""
import json
import os
import subprocess
import sys
import tempfile

cli = os.environ.get("OPSGRADE", "")
src = os.environ.get("OG_SOURCE_ROOT", ".")
if not os.access(cli, os.X_OK):
    print("SKIP: no opsgrade CLI")
    sys.exit(77)
fix = os.path.join(src, "tests", "fixtures")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from ogtest import done, expect as check  # noqa: E402


def collect(tmp, *args):
    out = os.path.join(tmp, "out")
    p = subprocess.run([cli, "collect", "--output-dir", out, "--quiet"] +
                       list(args), capture_output=True, text=True,
                       timeout=120, cwd=tmp)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        return p, json.load(f)


with tempfile.TemporaryDirectory() as tmp:
    p, rep = collect(tmp, "--trivy", os.path.join(fix, "trivy", "image-*.json"),
                     "--sarif", os.path.join(fix, "sarif", "multirun.sarif"))
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))
    cve = [f for f in rep["findings"] if f["id"] == "CVE-2099-0001"]
    check(len(cve) == 1 and len(cve[0]["locations"]) == 2,
          "CVE-2099-0001 merged across images: %s" % cve)
    st = {c["name"]: c["status"] for c in rep["collectors"]}
    check(st.get("trivy") == "ok" and st.get("codeql") == "ok", st)
    kinds = {}
    for f in rep["findings"]:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    # 10 vulnerability emissions, one pair merged; 17 SARIF results.
    check(kinds == {"vulnerability": 9, "code-alert": 17}, kinds)

    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"SchemaVersion": 2, "Results": [')
    p, rep = collect(tmp, "--trivy", bad, "--trivy",
                     os.path.join(fix, "trivy", "image-other.json"))
    st = {c["name"]: c for c in rep["collectors"]}
    check(p.returncode == 3 and st["trivy"]["status"] == "partial",
          "bad report: exit %d, %s" % (p.returncode, st.get("trivy")))
    check(len(rep["findings"]) == 1, "good report still read")
    check(bad in p.stderr or bad in json.dumps(rep),
          "error names the file: %s" % p.stderr)

    # flawfinder's contextHash/v1 hashes only the line text: three
    # strcpy lines in one file share it.  Within one run they are three
    # findings (the repeated line-14 result is the same one); the high
    # does not swallow the mediums.
    p, rep = collect(tmp, "--sarif",
                     os.path.join(fix, "sarif", "flawfinder-colliding.sarif"))
    ff = sorted((f["locations"][0]["line"], f["severity"])
                for f in rep["findings"] if f["id"] == "FF1012")
    check(ff == [(14, "high"), (52, "medium"), (80, "medium")],
          "colliding context hashes: %s" % ff)
    check(len(rep["findings"]) == 4, "flawfinder findings %d" %
          len(rep["findings"]))
    facts = {f["key"]: f["value"] for f in rep["facts"]}
    check(facts.get("sast.alerts.open") == 4,
          "sast.alerts.open counts merged findings: %s" %
          facts.get("sast.alerts.open"))
    # Read twice (two runs of the same scan): the tool fingerprints make
    # them the same findings.
    copy = os.path.join(tmp, "copy.sarif")
    with open(os.path.join(fix, "sarif", "flawfinder-colliding.sarif")) as f:
        text = f.read()
    with open(copy, "w") as f:
        f.write(text)
    p, rep2 = collect(tmp, "--sarif", copy, "--sarif",
                      os.path.join(fix, "sarif", "flawfinder-colliding.sarif"))
    check(sorted(x["fingerprint"] for x in rep2["findings"]) ==
          sorted(x["fingerprint"] for x in rep["findings"]),
          "the same scan read twice gives the same findings")
    # gitleaks 7: no ruleId anywhere; the rule is named in the message.
    p, rep = collect(tmp, "--sarif",
                     os.path.join(fix, "sarif", "gitleaks7-ruleless.sarif"))
    got = sorted((f["id"], f["title"], f["severity"])
                 for f in rep["findings"])
    check(got == [
        ("gitleaks/aws-access-key", "AWS Access Key secret detected",
         "medium"),
        ("gitleaks/generic-credential", "Generic Credential secret detected",
         "medium"),
        ("gitleaks/generic-credential", "Generic Credential secret detected",
         "medium"),
        ("gitleaks/slack-webhook", "Slack Webhook secret detected", "high"),
        ("gitleaks/unknown-rule", "a leak", "medium")], got)
    st = {c["name"]: c["status"] for c in rep["collectors"]}
    check(p.returncode == 0 and st.get("codeql") == "ok",
          "rule-less results are not errors: %s %s" % (st, p.stderr))
    # message.id + arguments only (Sarif.Multitool, SpotBugs): the text
    # comes from the rule's messageStrings, so three results at one place
    # with different messages stay three findings.
    p, rep = collect(tmp, "--sarif",
                     os.path.join(fix, "sarif", "message-strings.sarif"))
    check(len(rep["findings"]) == 3, "messageStrings: %d findings" %
          len(rep["findings"]))
    # Not JSON at all (a Go template saved as .json): the failure names
    # the file and says it is not JSON, not "No such file or directory".
    tpl = os.path.join(tmp, "report.tmpl.json")
    with open(tpl, "w") as f:
        f.write('{{- range .Results }}\n{"Target": "{{ .Target }}"}\n'
                '{{ end }}\n')
    for opt in ("--sarif", "--trivy"):
        p, rep = collect(tmp, opt, tpl)
        msg = " ".join(c.get("message") or "" for c in rep["collectors"])
        check(p.returncode == 3 and tpl in msg and "not valid JSON" in msg
              and "No such file" not in msg + p.stderr,
              "%s template: exit %d, %s / %s" % (opt, p.returncode, msg,
                                                 p.stderr))

sys.exit(done())
print("e2e: ok")
