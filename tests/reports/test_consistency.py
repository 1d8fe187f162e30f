#!/usr/bin/python3
"""One figure, one value (issue 12): the bundled example is reported once,
with the mail delivered to a real SMTP server (aiosmtpd), and every level,
area figure, KPI, gate result and finding count in report.json must read
the same in the PDF (pdftotext), the JUnit XML, the mail and the terminal
summary.  Then `render --from report.json` without any config must
reproduce every file byte for byte, and with --config say it re-assesses."""
import email
import email.policy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

OPSGRADE = os.environ["OPSGRADE"]
SRC = os.environ["OG_SOURCE_ROOT"]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "delivery"))
from ogtest import done, expect as check  # noqa: E402
import smtpserver  # noqa: E402

EPOCH = "1795000000"
EX = os.path.join(SRC, "data", "example")


def env_for(tmp):
    env = dict(os.environ)
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    env.update(HOME=os.path.join(tmp, "home"), XDG_STATE_HOME=os.path.join(tmp, "state"),
               XDG_CACHE_HOME=os.path.join(tmp, "cache"), SOURCE_DATE_EPOCH=EPOCH)
    return env


def example_args(tmp, out):
    events = os.path.join(tmp, "events.json")
    if not os.path.exists(events):
        subprocess.run(["/usr/bin/python3", os.path.join(EX, "make-events.py"), events, EPOCH],
                       check=True)
    args = ["report", os.path.join(EX, "acme-shop"), "--config", os.path.join(EX, "opsgrade.json"),
            "--output-dir", out, "--history", os.path.join(tmp, "history"),
            "--set", "collectors.events.file=" + events,
            "--coverage", os.path.join(EX, "coverage.xml")]
    for f in sorted(glob.glob(os.path.join(EX, "scans", "*.json"))):
        args += ["--trivy", f]
    for f in sorted(glob.glob(os.path.join(EX, "scans", "*.sarif"))):
        args += ["--sarif", f]
    return args


def flat(s):
    return re.sub(r"\s+", " ", s)


def pdf_text(path):
    return flat(subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True,
                               check=True).stdout)


def mail_text(maildir):
    files = sorted(glob.glob(os.path.join(maildir, "new", "*")))
    if len(files) != 1:
        return None
    with open(files[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    return flat(str(msg["Subject"]) + " | " + msg.get_body(preferencelist=("plain",)).get_content())


def main():
    tmp = tempfile.mkdtemp(prefix="og-consistency-")
    out = os.path.join(tmp, "out")
    maildir = os.path.join(tmp, "maildir")
    server = smtpserver.Aiosmtpd(maildir) if smtpserver.have_aiosmtpd() else None
    extra = []
    if server:
        extra = ["--mail-to", "cto@example.com", "--mail-from", "opsgrade@example.com",
                 "--smtp-url", "smtp://127.0.0.1:%d" % server.port, "--smtp-tls", "none"]
    try:
        p = subprocess.run([OPSGRADE] + example_args(tmp, out) + extra, capture_output=True,
                           text=True, env=env_for(tmp), timeout=300)
    finally:
        if server:
            server.stop()
    failed_gates = None
    rj = json.load(open(os.path.join(out, "report.json")))
    a = rj["assessment"]
    failed_gates = [g for g in rj["gates"] if g["status"] == "fail"]
    check(p.returncode == (1 if failed_gates else 0),
          "exit code follows the gates (got %d: %s)" % (p.returncode, p.stderr))
    term = flat(p.stdout)
    pdf = pdf_text(os.path.join(out, "report.pdf"))
    mail = mail_text(maildir) if server else None
    check(server is None or mail is not None, "the mail arrived at the SMTP server")
    check(server is None or glob.glob(os.path.join(tmp, "history", "**", ".mailed"), recursive=True),
          "the mailed report is remembered for the next --mail-on change")
    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()

    # level
    lv = "Level %d (%s)" % (a["level"], a["level_name"])
    check(lv in term, "terminal: %s" % lv)
    check("Maturity level %d of 5: %s" % (a["level"], a["level_name"]) in pdf, "PDF: level")
    if mail:
        check("Level %d" % a["level"] in mail, "mail: level")
        verdict = "Level %d \u00b7 %s" % (a["level"], "%d gate%s failed" % (
            len(failed_gates), "" if len(failed_gates) == 1 else "s") if failed_gates
            else "gates passed")
        check(verdict in mail.split(" | ")[0], "mail subject carries the verdict %r: %r"
              % (verdict, mail.split(" | ")[0]))
    nl = a.get("next_level")
    if nl:
        check(flat(nl["text"]) in term, "terminal: next level sentence")
        check(len(nl["needs"]) <= len(nl["missing"]) + len(nl["unknown"]),
              "next level needs a subset")

    # the decision page: the plan in report.json, in the PDF and the HTML
    dec = a.get("decision")
    check(dec is not None, "report.json carries the decision (this week / month / quarter)")
    if dec and nl:
        week = [x["id"] for x in dec["horizons"][0]["actions"]]
        check(week[:len(nl["needs"])] == nl["needs"],
              "this week starts with what reaches the next level %r" % week[:4])
    html = flat(open(os.path.join(out, "report.html"), encoding="utf-8").read())
    html = flat(html.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"'))
    for h in (dec or {}).get("horizons", []):
        for x in h["actions"]:
            check(x["title"] in pdf and x["title"] in html,
                  "%s: %r on the PDF and HTML decision page" % (h["name"], x["title"]))
    head = "8. Decision and next steps"
    check(head in pdf and pdf.rindex(head) < pdf.rindex("9. Appendix"),
          "PDF: the decision page comes before the appendix")

    # areas
    for ar in a["areas"]:
        check(re.search(re.escape(ar["name"][:34]) + r" [#.x?]+ +" + re.escape(ar["display"]), term),
              "terminal: area %s %s" % (ar["name"], ar["display"]))
        check("%s: %s complete" % (ar["name"], ar["display"]) in pdf or ar["completeness"] is None,
              "PDF: area %s %s" % (ar["name"], ar["display"]))
        if mail:
            # the area's met / missing / not observed bar may sit between
            check(re.search(re.escape(ar["name"]) + r" (?:[#x?]+ +)?" + re.escape(ar["display"]),
                            mail),
                  "mail: area %s %s" % (ar["name"], ar["display"]))

    # KPIs: one display string and one status everywhere
    for k in a["kpis"]:
        check(re.search(re.escape(k["name"][:40]) + r" +" + re.escape(k["display"]) + r" +" +
                        re.escape(k["status"]), term),
              "terminal: KPI %s %s %s" % (k["name"], k["display"], k["status"]))
        check(k["display"] in pdf, "PDF: KPI %s shows %s" % (k["id"], k["display"]))
        if mail:
            check(re.search(re.escape(k["display"]) + r" +" + re.escape(k["status"]), mail),
                  "mail: KPI %s %s %s" % (k["id"], k["display"], k["status"]))
        if k["value"] is not None:
            check(k["value"] == round(k["value"], k["decimals"]),
                  "KPI %s stored at its shown precision" % k["id"])
        if k["band"]:
            good = k["band"] in ("elite", "high")
            check((k["status"] == "good") == good,
                  "KPI %s: status %s agrees with band %s" % (k["id"], k["status"], k["band"]))
    ev = {c["id"]: c for c in a["capabilities"]}
    for cap, kpi in [("test.coverage_target", "test_coverage"),
                     ("rel.change_failure", "change_failure_rate"),
                     ("rel.restore_time", "time_to_restore"),
                     ("cicd.build_success", "build_success_rate"),
                     ("cicd.deploy_frequency", "deployment_frequency")]:
        k = next(x for x in a["kpis"] if x["id"] == kpi)
        if k["status"] != "not measured" and ev[cap]["status"] in ("met", "missing"):
            check((ev[cap]["status"] == "met") == (k["status"] == "good"),
                  "one threshold: %s is %s and KPI %s is %s" % (cap, ev[cap]["status"], kpi,
                                                                k["status"]))

    # gates
    total = len(rj["gates"])
    check("Gates: %d of %d passed" % (total - len(failed_gates), total) in term, "terminal: gates")
    check("Policy gates: %d of %d passed" % (total - len(failed_gates), total) in pdf, "PDF: gates")
    for g in rj["gates"]:
        check(g["description"] in pdf, "PDF: gate %s listed" % g["id"])
    gate_failures = [f for f in junit.iter("failure") if f.get("type") == "gate"]
    check(len(gate_failures) == len(failed_gates),
          "JUnit: %d gate failures for %d failed gates" % (len(gate_failures), len(failed_gates)))
    if mail:
        for g in failed_gates:
            check(g["description"] in mail, "mail: failed gate %s" % g["id"])

    # JUnit mapping (docs/junit.md): a gap and a blind spot read differently
    required = {g["id"].split(".", 1)[1] for g in rj["gates"]
                if g["id"].startswith("required_capability.")}
    cases = {}
    for c in junit.iter("testcase"):
        cls = c.get("classname")
        check(re.fullmatch(r"opsgrade\.(maturity|findings|gates)(\.[^.]+)?", cls or ""),
              "JUnit: class name %r has no accidental dot" % cls)
        if cls.startswith("opsgrade.maturity."):
            cases[c.get("name").split(":", 1)[0]] = c
    for cap in a["capabilities"]:
        c = cases.get(cap["id"])
        check(c is not None, "JUnit: a test case for %s" % cap["id"])
        if c is None:
            continue
        fail, skip = c.find("failure"), c.find("skipped")
        st = cap["status"]
        if st == "met":
            ok = fail is None and skip is None
        elif st == "missing" and cap["id"] in required:
            ok = fail is not None and fail.get("type") == "capability"
        elif st == "missing":
            ok = skip is not None and skip.get("message").startswith("not met: ")
        elif st == "unknown":
            ok = skip is not None and skip.get("message").startswith("not observed: ")
        else:
            ok = skip is not None and skip.get("message").startswith("not applicable: ")
        check(ok, "JUnit: %s (%s) mapped as documented" % (cap["id"], st))

    # findings: one count
    o = a["security"]["open"]
    total_open = sum(o.values())
    check("%d open findings (%d critical, %d high)" % (total_open, o["critical"], o["high"]) in pdf,
          "PDF: finding counts %s" % o)
    if mail:
        check("critical %d, high %d, medium %d, low %d" % (o["critical"], o["high"], o["medium"],
                                                           o["low"]) in mail,
              "mail: finding counts")
    sev_fail = [f for f in junit.iter("failure") if f.get("type") in ("critical", "high")]
    check(len(sev_fail) == o["critical"] + o["high"],
          "JUnit: %d finding failures for %d open critical/high" % (len(sev_fail),
                                                                    o["critical"] + o["high"]))

    # render --from: byte for byte, no config, from an empty directory
    empty = os.path.join(tmp, "elsewhere")
    os.makedirs(empty)
    again = os.path.join(tmp, "again")
    p2 = subprocess.run([OPSGRADE, "render", "--from", os.path.join(out, "report.json"),
                         "--output-dir", again], capture_output=True, text=True,
                        env=env_for(tmp), cwd=empty, timeout=300)
    check(p2.returncode == p.returncode, "render --from exits like the report (%d vs %d: %s)"
          % (p2.returncode, p.returncode, p2.stderr))
    check("rendering the stored assessment" in p2.stderr, "render --from says what it renders")
    for f in sorted(os.listdir(out)):
        if f in ("events.json",) or os.path.isdir(os.path.join(out, f)):
            continue
        same = open(os.path.join(out, f), "rb").read() == open(os.path.join(again, f), "rb").read()
        check(same, "render --from reproduces %s byte for byte" % f)
    p3 = subprocess.run([OPSGRADE, "render", "--from", os.path.join(out, "report.json"),
                         "--config", os.path.join(EX, "opsgrade.json"),
                         "--output-dir", os.path.join(tmp, "re")], capture_output=True,
                        text=True, env=env_for(tmp), cwd=empty, timeout=300)
    check("re-assessing" in p3.stderr, "render --from --config says it re-assesses")
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(done())


if __name__ == "__main__":
    main()
