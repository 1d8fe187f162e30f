#!/usr/bin/python3
"""One figure, one value over every status (issue 12): a hand-made model
whose capabilities end met, missing (required by a gate), not observed
(collector off; KPI not measured), not applicable and attested, on a tiny
checkout with no events, scans or coverage (every KPI "not measured").
Each status and figure must read the same in report.json, the PDF
(pdftotext), the HTML, the JUnit XML, the mail (real SMTP server) and
the terminal summary."""
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "delivery"))
sys.path.insert(0, HERE)
from ogtest import done, expect as check  # noqa: E402
from test_consistency import OPSGRADE, env_for, flat, mail_text, pdf_text  # noqa: E402
import smtpserver  # noqa: E402


def cap(cid, title, area, rule, observed_by="repo", **extra):
    c = {"id": cid, "title": title, "area": area, "level": 2, "weight": 1, "priority": 1,
         "effort": "1h", "impact": "i", "target": "t", "current": "Not found in the checkout.",
         "remediation": {"text": "r"}, "observed_by": observed_by, "rule": rule}
    c.update(extra)
    return c


def fact(key):
    return {"fact": key, "op": "==", "value": True}


MODEL = {
    "id": "handmade", "version": "1",
    "phases": [{"phase": 1, "name": "One"}],
    "areas": [{"id": "alpha", "name": "Alpha practices"}, {"id": "beta", "name": "Beta practices"}],
    "capabilities": [
        cap("hm.met", "Readme present", "alpha", fact("docs.readme")),
        cap("hm.missing", "Contribution guide present", "alpha", fact("docs.contributing")),
        cap("hm.unknown", "Branch protection enabled", "alpha",
            fact("github.branch_protection.enabled"), "github"),
        cap("hm.na", "Container image scanned", "beta", fact("docs.license"),
            applies_when=fact("container.dockerfile.present"),
            not_applicable_reason="no container is built"),
        cap("hm.attested", "Secret scanning enabled", "beta",
            fact("github.secret_scanning.enabled"), "github"),
        cap("hm.cov", "Coverage meets its target", "beta", fact("kpi.test_coverage.met"),
            "assessment"),
    ],
}
# capability -> (status in report.json, source, label in the PDF/HTML, JUnit outcome)
EXPECT = {
    "hm.met": ("met", "observed", "Implemented", "pass"),
    "hm.missing": ("missing", "observed", "Missing", "failure"),
    "hm.unknown": ("unknown", None, "Not observed", "skipped:not observed"),
    "hm.na": ("not_applicable", "observed", "Not applicable", "skipped:not applicable"),
    "hm.attested": ("met", "attested", "Implemented (attested)", "pass"),
    "hm.cov": ("unknown", None, "Not observed", "skipped:not observed"),
}


def junit_outcome(tc):
    for kind in ("failure", "error"):
        if tc.find(kind) is not None:
            return kind
    sk = tc.find("skipped")
    if sk is not None:
        return "skipped:" + sk.get("message", "").split(":")[0]
    return "pass"


def html_text(path):
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", s, flags=re.S)
    return flat(htmllib.unescape(re.sub(r"<[^>]+>", " ", s)))


def main():
    tmp = tempfile.mkdtemp(prefix="og-statuses-")
    co = os.path.join(tmp, "checkout")
    os.makedirs(os.path.join(co, ".opsgrade"))
    open(os.path.join(co, "README.md"), "w").write("# demo\n")
    open(os.path.join(co, "LICENSE"), "w").write("MIT\n")
    json.dump({"attestations": {"hm.attested": {
        "status": "met", "by": "Security team", "date": "2026-10-01",
        "evidence": "https://wiki.example/secrets"}}},
        open(os.path.join(co, ".opsgrade", "attestations.json"), "w"))
    model = os.path.join(tmp, "model.json")
    json.dump(MODEL, open(model, "w"))
    cfg = os.path.join(tmp, "opsgrade.json")
    json.dump({"subject": "handmade", "gates": {"required_capabilities": ["hm.missing"]}},
              open(cfg, "w"))
    out, maildir = os.path.join(tmp, "out"), os.path.join(tmp, "maildir")
    server = smtpserver.Aiosmtpd(maildir) if smtpserver.have_aiosmtpd() else None
    mail_args = ["--mail-to", "cto@example.com", "--mail-from", "opsgrade@example.com",
                 "--smtp-url", "smtp://127.0.0.1:%d" % server.port,
                 "--smtp-tls", "none"] if server else []
    try:
        p = subprocess.run([OPSGRADE, "report", co, "--model", model, "--config", cfg,
                            "--output-dir", out] + mail_args,
                           capture_output=True, text=True, env=env_for(tmp), cwd=tmp, timeout=300)
    finally:
        if server:
            server.stop()
    check(p.returncode == 1, "the required capability's gate fails: exit 1 (got %d) %s"
          % (p.returncode, p.stderr[-400:]))
    rj = json.load(open(os.path.join(out, "report.json")))
    a = rj["assessment"]
    caps = {c["id"]: c for c in a["capabilities"]}
    term = flat(p.stdout)
    pdf = pdf_text(os.path.join(out, "report.pdf"))
    page = html_text(os.path.join(out, "report.html"))
    mail = mail_text(maildir) if server else None
    check(server is None or mail is not None, "the mail arrived at the SMTP server")
    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
    cases = {tc.get("name").split(":")[0]: tc for tc in junit.iter("testcase")}

    for cid, (status, source, label, outcome) in EXPECT.items():
        c = caps[cid]
        check(c["status"] == status and c["source"] == source,
              "report.json: %s is %s (%s), got %s (%s)" % (cid, status, source, c["status"], c["source"]))
        row = "%s %s " % (c["title"], label)
        check(row in pdf, "PDF: %r" % row)
        check(row in page, "HTML: %r" % row)
        got = junit_outcome(cases[cid]) if cid in cases else None
        check(got == outcome, "JUnit: %s is %s, got %s" % (cid, outcome, got))
    check(caps["hm.na"]["applicability"] in pdf and caps["hm.na"]["applicability"] in page,
          "PDF and HTML give the not-applicable reason")
    check("Security team" in pdf and "Security team" in page, "PDF and HTML name who attested")
    check(any(pr.get("name") == "attested.hm.attested" for pr in junit.iter("property")),
          "JUnit: the attestation is a property")

    # areas: one display string everywhere
    for ar in a["areas"]:
        d = ar["display"]
        check("%s: %s complete" % (ar["name"], d) in pdf, "PDF: %s %s" % (ar["name"], d))
        check("%s: %s complete" % (ar["name"], d) in page, "HTML: %s %s" % (ar["name"], d))
        check(re.search(re.escape(ar["name"]) + r" [#.x?]+ +" + re.escape(d) + " ", term),
              "terminal: %s %s" % (ar["name"], d))
        if mail:
            # the area's in place / missing / not observed bar may sit between
            check(re.search(re.escape(ar["name"]) + r" (?:[#x?]+ +)?" + re.escape(d), mail),
                  "mail: %s %s" % (ar["name"], d))

    # KPIs: nothing was measured, and every output says so instead of a zero
    for k in a["kpis"]:
        check(k["display"] == "not measured" and k.get("value") is None,
              "report.json: %s not measured" % k["id"])
        check(re.search(re.escape(k["name"][:40]) + r" +not measured", term),
              "terminal: %s not measured" % k["name"])
        check(re.search(re.escape(k["name"]) + r" not measured", pdf), "PDF: %s not measured" % k["name"])
        check(re.search(re.escape(k["name"]) + r" not measured", page), "HTML: %s not measured" % k["name"])
        if mail:
            check(re.search(re.escape(k["name"]) + r" not measured", mail),
                  "mail: %s not measured" % k["name"])

    # the gate: failed in every output, with the same description
    g = rj["gates"][0]
    check(g["status"] == "fail", "report.json: the gate failed")
    check("FAIL " + g["description"] in term, "terminal: FAIL %s" % g["description"])
    check(g["description"] + " FAILED" in pdf, "PDF: gate FAILED")
    check(g["description"] + " failed" in page, "HTML: gate failed")
    gate_cases = [tc for tc in junit.iter("testcase") if tc.get("classname") == "opsgrade.gates"]
    check(len(gate_cases) == 1 and junit_outcome(gate_cases[0]) == "failure", "JUnit: gate failure")
    if mail:
        check(g["description"] in mail and "1 gate failed" in mail.split(" | ")[0],
              "mail: the gate and the verdict in the subject")

    # level and the next-level plan
    lv = "Level %d (%s)" % (a["level"], a["level_name"])
    check(lv in term and "Maturity level %d of 5: %s" % (a["level"], a["level_name"]) in pdf,
          "terminal and PDF: %s" % lv)
    nl = a["next_level"]
    check(flat(nl["text"]) in term and flat(nl["text"]) in pdf and flat(nl["text"]) in page,
          "terminal, PDF and HTML: %r" % nl["text"])
    check(sorted(nl["needs"]) == ["hm.missing", "hm.unknown"] or sorted(nl["needs"]) == ["hm.missing"],
          "the next level needs the missing one (and the unobserved one) %r" % nl["needs"])
    shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
