#!/usr/bin/python3
"""One figure, one value (issue 12): the bundled example is reported once,
with the mail delivered to a real SMTP server (aiosmtpd), and every level,
area figure, KPI, gate result and finding count in report.json must read
the same in the PDF (pdftotext), the JUnit XML, the mail and the terminal
summary; so must each gate's wording, what passes a failed gate and the
decision plan (this week / month / quarter), with no gate keys outside the
appendix.  Then `render --from report.json` without any config must
reproduce every file, the terminal summary and both mail summaries byte for
byte; with --config or --model it re-assesses, says so, keeps the stored
policy gates and says when the maturity model differs (SHA-256 digest)."""
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
import difflib

OPSGRADE = os.environ["OPSGRADE"]
RENDER_DRIVER = sys.argv[1] if len(sys.argv) > 1 else None
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


def first_diff(a, b):
    d = [x for x in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)][2:6]
    return " / ".join(d)


def mail_parts(maildir):
    """The delivered mail's text and HTML parts, line ends as rendered."""
    files = sorted(glob.glob(os.path.join(maildir, "new", "*")))
    if len(files) != 1:
        return None
    with open(files[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    parts = {}
    for part in msg.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            parts[part.get_content_type()] = part.get_content().replace("\r\n", "\n")
        elif part.get_content_type() == "image/png":
            parts["cid"] = part.get("Content-ID", "").strip("<>")
    parts["subject"] = str(msg["Subject"])
    return parts


def mail_text(maildir):
    parts = mail_parts(maildir)
    if parts is None:
        return None
    return flat(parts["subject"] + " | " + parts["text/plain"])


def mail_on_phone(maildir, tmp):
    """The mail's HTML part in headless Chromium 400 px wide (the inline
    dashboard from its cid): no horizontal scrolling, and the verdict and
    the gates come before the dashboard."""
    import browser
    files = sorted(glob.glob(os.path.join(maildir, "new", "*")))
    with open(files[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    html, png = None, None
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            html = part.get_content()
        elif part.get_content_type() == "image/png":
            png = (part.get("Content-ID", "").strip("<>"), part.get_content())
    check(html is not None and png is not None, "mail: an HTML part and an inline dashboard")
    if html is None or png is None or not browser.chromium_path():
        check(browser.chromium_path(), "chromium is installed (scripts/deps.sh)")
        return
    d = os.path.join(tmp, "phone")
    os.makedirs(d)
    with open(os.path.join(d, "summary.png"), "wb") as f:
        f.write(png[1])
    with open(os.path.join(d, "mail.html"), "w", encoding="utf-8") as f:
        f.write(html.replace("cid:" + png[0], "summary.png"))
    with browser.Browser(d) as b:
        b.open("file://" + os.path.join(d, "mail.html"), width=400)
        sw = b.eval("document.documentElement.scrollWidth")
        check(sw <= 400, "mail at 400 px: no horizontal overflow (scrollWidth %s)" % sw)
        tops = b.eval("""(() => {
            const top = e => e ? e.getBoundingClientRect().top : -1;
            const h2 = [...document.querySelectorAll('h2')].find(h => /gates/i.test(h.textContent));
            return [top(document.querySelector('strong')), top(h2), top(document.querySelector('img')),
                    document.querySelector('img') ? document.querySelector('img').getBoundingClientRect().width : -1];
        })()""")
        check(0 <= tops[0] < tops[2] and 0 <= tops[1] < tops[2],
              "mail at 400 px: the verdict and the gates come before the dashboard %r" % tops)
        check(0 < tops[3] <= 400, "mail at 400 px: the dashboard fits the width (%s px)" % tops[3])
        b.screenshot(os.path.join(os.environ.get("OG_KEEP_SHOTS") or d, "mail-400.png"))
    check(not b.console_errors, "mail: no console errors %r" % b.console_errors)


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
    if mail:
        mail_on_phone(maildir, tmp)
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

    # gates: worded once (gates[].text, .fix.text, decision.gates.text) and
    # printed as they are by every output; no gate key outside the appendix
    verdict = a["decision"]["gates"]["text"]
    total = len(rj["gates"])
    check(verdict == ("Policy gates: %d of %d passed, %d failed" % (
        total - len(failed_gates), total, len(failed_gates)) if failed_gates else
        "Policy gates: all %d passed" % total), "the gate verdict counts the gates: %r" % verdict)
    pdf_body = pdf[:pdf.rindex("9. Appendix")]
    for where, text in (("terminal", term), ("PDF", pdf), ("HTML", html), ("mail", mail)):
        if text is None:
            continue
        check(verdict in text, "%s: gate verdict %r" % (where, verdict))
        for g in failed_gates:
            check(flat(g["text"]) in text, "%s: failed gate worded %r" % (where, g["text"]))
            fix = g.get("fix")
            check(fix and flat(fix["text"]) in text,
                  "%s: what passes gate %s: %r" % (where, g["id"], fix and fix["text"]))
        body = pdf_body if where == "PDF" else text
        if where == "HTML":
            body = re.sub(r"<[^>]*>", " ", text[:text.rindex("9. Appendix")])
        for key in ("min_level", "max_findings", "required_capability", "fail_on", "kpi."):
            check(key not in body, "%s: no gate key %r outside the appendix" % (where, key))
    for g in rj["gates"]:
        check(g["description"] in pdf, "PDF: gate %s listed" % g["id"])
        if mail:
            check(flat(g["text"]) in mail, "mail: gate %s worded %r" % (g["id"], g["text"]))
    gate_failures = [f for f in junit.iter("failure") if f.get("type") == "gate"]
    check(len(gate_failures) == len(failed_gates),
          "JUnit: %d gate failures for %d failed gates" % (len(gate_failures), len(failed_gates)))
    check(sorted(f.get("message") for f in gate_failures) == sorted(g["text"] for g in failed_gates),
          "JUnit: a failed gate's message is its text")

    # what passes a failed gate, computed once: the min_level gate names the
    # union of the levels' smallest sets, and they lead the plan; a findings
    # gate names the open findings of its severity
    levels = {lv["level"]: lv for lv in a["levels"]}
    plan = [x["id"] for h in a["decision"]["horizons"] for x in h["actions"]]
    for g in failed_gates:
        fix = g.get("fix") or {}
        if g["id"] == "min_level":
            want = [c for lvl in range(a["level"] + 1, g["expected"] + 1)
                    for c in levels[lvl].get("needs", [])]
            check(fix.get("actions") == want, "min_level fix is the levels' smallest sets %r"
                  % fix.get("actions"))
            check(plan[:len(set(want) | set(nl["needs"]))] and
                  set(plan[:len(set(want) | set(nl["needs"]))]) == set(want) | set(nl["needs"]),
                  "the plan starts with the next level and the min_level gate's set")
            for c in want:
                act = next((x for h in a["decision"]["horizons"] for x in h["actions"]
                            if x["id"] == c), None)
                check(act is None or g["description"] in act["why"],
                      "plan: %s says which gate needs it" % c)
        if g["id"].startswith("max_findings."):
            sev = g["id"].split(".", 1)[1]
            open_fps = {f["fingerprint"] for f in rj["findings"]
                        if f["severity"] == sev and f["status"] == "open"}
            named = [f["fingerprint"] for f in fix.get("findings", [])]
            check(len(named) == g["actual"] - g["expected"] and set(named) <= open_fps,
                  "%s fix names %d open %s findings" % (g["id"], len(named), sev))

    # the plan in the terminal and the mail (the first actions of each
    # horizon; the PDF and HTML have them all, checked above)
    for h in a["decision"]["horizons"]:
        head = "%s: about %s of work" % (h["name"], h["effort"]) if h["actions"] else \
            "%s: nothing planned" % h["name"]
        check(head in term, "terminal: plan heading %r" % head)
        if mail:
            check(head in mail, "mail: plan heading %r" % head)
        for x in h["actions"][:3]:
            check(x["title"] in term, "terminal: plan action %r" % x["title"])
            if mail:
                check(x["title"] in mail, "mail: plan action %r" % x["title"])
    if mail:
        body = mail.split(" | ", 1)[1]
        order = [body.find(verdict), body.find("Decision and next steps"), body.find("Maturity level:")]
        check(0 <= order[0] < order[1] < order[2],
              "mail: verdict and gates, then the plan, then the detail %r" % order)

    # costs: alternatives for one need count once, the cheapest
    costs = a["costs"]
    by_need = {}
    for o in costs["options"]:
        by_need.setdefault(o["capability"], []).append(o)
    counted = {}
    for need, opts in by_need.items():
        cheapest = min(o["monthly_usd"] for o in opts)
        ones = [o for o in opts if o["counted"]]
        check(len(ones) == 1 and ones[0]["monthly_usd"] == cheapest,
              "costs: one counted option, the cheapest, for %s" % need)
        for o in opts:
            check(o["counted"] or o["alternative_to"] == ones[0]["tool"],
                  "costs: %s is shown as an alternative" % o["tool"])
        if ones and ones[0]["monthly_usd"] > 0:
            counted[ones[0]["tool"]] = ones[0]["monthly_usd"]
    check(costs["monthly_total_usd"] == round(sum(counted.values()), 2),
          "costs: total %s is the cheapest option of each need" % costs["monthly_total_usd"])
    total_text = "Estimated monthly total (the cheapest option for each need): $%.0f" % \
        costs["monthly_total_usd"]
    check(not costs["options"] or (total_text in pdf and total_text in html),
          "PDF and HTML: %r" % total_text)

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
    check(p2.stdout == p.stdout, "render --from prints the same terminal summary %s"
          % first_diff(p.stdout, p2.stdout))
    parts = mail_parts(maildir) if server else None
    if parts and RENDER_DRIVER:
        for fmt, key in (("mailtext", "text/plain"), ("mailhtml", "text/html")):
            dst = os.path.join(tmp, fmt)
            subprocess.run([RENDER_DRIVER, fmt, os.path.join(again, "report.json"), dst],
                           check=True, timeout=120)
            mine = open(dst, encoding="utf-8").read()
            sent = parts[key].replace("cid:" + parts.get("cid", "?"), "cid:summary")
            # the attachment's dated name is the mail's, not the report's
            sent = re.sub(r"attached as opsgrade-[^ <]*\.pdf", "attached as report.pdf", sent)
            check(mine.rstrip("\n") == sent.rstrip("\n"),
                  "render --from's report.json gives the delivered %s byte for byte %s"
                  % (key, first_diff(sent, mine)))
    model = a["model"]
    check(re.fullmatch(r"sha256:[0-9a-f]{64}", model.get("digest", "")),
          "report.json names the model's digest %r" % model.get("digest"))
    check(model.get("id") and model.get("version"), "report.json names the model's id and version")
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
    check("assessed with maturity model" not in p3.stderr,
          "the same model: no warning that it differs (%s)" % p3.stderr)
    # another model (one changed byte): re-assessed under the stored policy,
    # and the digest difference is said
    other = os.path.join(tmp, "other-model.json")
    text = open(os.path.join(SRC, "data", "maturity-model.json"), encoding="utf-8").read()
    with open(other, "w", encoding="utf-8") as f:
        f.write(text.replace('"version": "%s"' % model["version"],
                             '"version": "%s-local"' % model["version"], 1))
    p4 = subprocess.run([OPSGRADE, "render", "--from", os.path.join(out, "report.json"),
                         "--model", other, "--output-dir", os.path.join(tmp, "other")],
                        capture_output=True, text=True, env=env_for(tmp), cwd=empty, timeout=300)
    check("re-assessing" in p4.stderr and model["digest"] in p4.stderr and
          "was assessed with maturity model" in p4.stderr,
          "render --from --model says the model differs, with the digests: %s" % p4.stderr)
    check("keeping the policy gates" in p4.stderr and p4.returncode == p.returncode,
          "render --from --model keeps the stored gates (exit %d)" % p4.returncode)
    rj4 = json.load(open(os.path.join(tmp, "other", "report.json")))
    check(rj4["assessment"]["model"]["digest"] != model["digest"] and
          [g["id"] for g in rj4["gates"]] == [g["id"] for g in rj["gates"]],
          "the re-assessed report names the other model and judges the same gates")
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(done())


if __name__ == "__main__":
    main()
