#!/usr/bin/python3
"""The HTML report in a real browser (Debian's headless chromium).

Usage: test_html.py RENDER_DRIVER
For the full fixture, a hostile one and an unassessed one: the page is one
self-contained file (no script, no external URL, a CSP forbidding loads),
structurally accessible (headings in order, table headers, every chart an
image with a text alternative), loads with no console error, fits the
viewport at desktop (1280 px) and phone (390 px) widths, prints to PDF,
and its text shows the figures of report.json the way the PDF does.
Screenshots go to $OG_KEEP_SHOTS when set (to look at them), else to the
test's temporary directory.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import browser  # noqa: E402
from ogtest import check, done  # noqa: E402

DRIVER = sys.argv[1]
SRC = os.environ.get("OG_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(SRC, "tests", "fixtures")
WIDTHS = (1280, 390)


def fmt_value(v, unit):
    """og_fmt_value: the one formatting every renderer uses."""
    if v is None:
        return "not measured"
    if abs(v - round(v)) < 1e-9 or abs(v) >= 100:
        num = "%.0f" % v
    else:
        num = "%.1f" % v
    if not unit:
        return num
    return num + unit if unit[0] in "%/" else num + " " + unit


class Structure(html.parser.HTMLParser):
    """Collects what the accessibility and self-containment checks need."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.svgs, self.bad = [], [], [], []
        self.csp = False
        self.lang = None
        self._svg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"th": 0})
        if tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
        if tag == "svg":
            self._svg = {"role": a.get("role"), "title": False}
            self.svgs.append(self._svg)
        if tag == "title" and self._svg is not None:
            self._svg["title"] = True
        if tag in ("script", "iframe", "object", "embed", "link", "img", "base"):
            self.bad.append(tag)
        for k, v in a.items():
            if k in ("src", "srcset", "action") or k.startswith("on"):
                self.bad.append("%s=%s" % (k, v))
            if k == "href" and not (v or "").startswith("#"):
                self.bad.append("href=" + v)
            if k == "style" and "url(" in (v or ""):
                self.bad.append("style url()")
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = "default-src 'none'" in a.get("content", "")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None


def render(tmp, name, doc):
    src = os.path.join(tmp, name + ".json")
    with open(src, "wb") as f:   # the hostile fixture holds invalid UTF-8 on purpose
        f.write(json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogateescape"))
    out = os.path.join(tmp, name + ".html")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795000000")
    p = subprocess.run([DRIVER, "html", src, out], capture_output=True, text=True,
                       env=env, timeout=120)
    check("%s: renders (rc %d) %s" % (name, p.returncode, p.stderr.strip()), p.returncode == 0)
    return out


def static_checks(name, path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    s = Structure()
    s.feed(text)
    check("%s: no script, external URL or embedded resource %s" % (name, s.bad[:5]), not s.bad)
    check("%s: CSP forbids loading anything" % name, s.csp)
    check("%s: lang attribute" % name, s.lang == "en")
    check("%s: one h1, headings never skip a level" % name,
          s.headings.count(1) == 1 and s.headings[0] == 1 and
          all(b - a <= 1 for a, b in zip(s.headings, s.headings[1:])), str(s.headings[:20]))
    check("%s: every table has header cells" % name, all(t["th"] for t in s.tables))
    check("%s: every chart is an image with a text alternative" % name,
          all(v["role"] == "img" and v["title"] for v in s.svgs))
    return text


def figures(name, doc, text):
    """The page's visible text shows report.json's figures."""
    flat = re.sub(r"\s+", " ", text)
    a = doc.get("assessment")
    if not a:
        check("%s: says no assessment" % name, "No maturity assessment in this report" in flat)
        return
    check("%s: level" % name, "Maturity level %d of 5: %s" % (a["level"], a["level_name"]) in flat)
    for area in a["areas"]:
        c = area.get("completeness")
        want = ("%s: completeness not measured" % area["name"] if c is None
                else "%s: %.0f%% complete" % (area["name"], c))
        check("%s: area %s" % (name, want), want in flat)
    for k in a["kpis"]:
        v = fmt_value(k.get("value"), k.get("unit"))
        check("%s: KPI %s = %s" % (name, k["id"], v), v in flat and k["name"] in flat)
        if k.get("value") is not None:
            check("%s: KPI %s status %s" % (name, k["id"], k["status"]), k["status"] in flat)
    for g in doc.get("gates") or []:
        check("%s: gate %s" % (name, g["id"]), g["description"] in flat)
    open_ = [f for f in doc.get("findings", []) if f.get("status") != "suppressed"]
    for f in open_[:3]:
        check("%s: finding %s" % (name, f["id"]), f["id"] in flat)
    for c in doc.get("collectors", []):
        check("%s: collector %s in the appendix" % (name, c["name"]), c["name"] in flat)


def main():
    if not browser.chromium_path():
        check("chromium is installed (scripts/deps.sh)", False)
        return done()
    tmp = tempfile.mkdtemp(prefix="og-html-")
    shots = os.environ.get("OG_KEEP_SHOTS") or tmp
    os.makedirs(shots, exist_ok=True)
    with open(os.path.join(FIX, "report-full.json"), "rb") as f:
        full = json.loads(f.read().decode("utf-8", "surrogateescape"))
    with open(os.path.join(FIX, "report-hostile.json"), "rb") as f:
        hostile = json.loads(f.read().decode("utf-8", "surrogateescape"))
    bare = {k: v for k, v in full.items() if k not in ("assessment", "gates", "history")}
    docs = [("full", full), ("hostile", hostile), ("unassessed", bare)]
    try:
        with browser.Browser(tmp) as b:
            for name, doc in docs:
                path = render(tmp, name, doc)
                if not os.path.exists(path):
                    continue
                static_checks(name, path)
                for w in WIDTHS:
                    b.console_errors.clear()
                    b.open("file://" + path, w)
                    sw = b.eval("document.documentElement.scrollWidth")
                    vw = b.eval("window.innerWidth")
                    check("%s at %d px: document width %s <= viewport %s" % (name, w, sw, vw),
                          sw is not None and sw <= vw)
                    check("%s at %d px: no console errors %s" % (name, w, b.console_errors),
                          not b.console_errors)
                    shot = os.path.join(shots, "%s-%d.png" % (name, w))
                    b.screenshot(shot)
                    with open(shot, "rb") as f:
                        head = f.read(24)
                    check("%s at %d px: screenshot" % (name, w),
                          head[:8] == b"\x89PNG\r\n\x1a\n" and
                          int.from_bytes(head[16:20], "big") == w)
                    if w == WIDTHS[0]:
                        figures(name, doc, b.eval("document.body.innerText"))
                if name == "full" and shutil.which("pdftotext"):
                    pdf = os.path.join(tmp, "printed.pdf")
                    b.print_pdf(pdf)
                    t = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                       text=True).stdout
                    check("printing gives every section",
                          all(s in t for s in ("1. Executive summary", "7. Security",
                                               "8. Decision and next steps", "9. Appendix")))
    finally:
        if shots != tmp:
            print("screenshots in " + shots)
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
