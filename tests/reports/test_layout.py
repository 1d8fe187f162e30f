#!/usr/bin/python3
"""Layout (issue 12): no label is cut off, split inside a word or drawn over
another one.  The bundled example and a bare checkout are rendered as they
are, and the example's report.json with hostile-length names (80-character
subject, area, capability and phase names, 6-digit KPI values) is rendered
with `render --from`, at A4 and letter.  Pango's own metrics judge the
text: with OG_LAYOUT_CHECK=1 the renderers say on stderr whenever a layout
is ellipsized or breaks a line between two letters; pdftotext -bbox then
shows that no two words overlap, every word lies on its page, the hostile
names read whole, and the last page carries content, not a local path."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from ogtest import done, expect as check  # noqa: E402
from test_consistency import OPSGRADE, SRC, env_for, example_args, flat, pdf_text  # noqa: E402

FILL = ("Continuous Governance Practices for Progressive Release Orchestration Across "
        "Distributed Platform Engineering Teams").split()


def hostile_name(tag):
    """@tag then ordinary words, 80 characters or just under: only word
    boundaries are legitimate places to wrap."""
    words, i = [tag], 0
    while len(" ".join(words + [FILL[i % len(FILL)]])) <= 80:
        words.append(FILL[i % len(FILL)])
        i += 1
    return " ".join(words)


def make_hostile(report):
    r = json.loads(json.dumps(report))
    r["subject"] = hostile_name("Subjectword")
    a = r["assessment"]
    names = {}
    for i, area in enumerate(a["areas"]):
        area["name"] = names["area%d" % i] = hostile_name("Areaword%d" % i)
    count = [0]

    def retitle(o):
        if isinstance(o, dict):
            if isinstance(o.get("title"), str):
                o["title"] = hostile_name("Capword%d" % count[0])
                count[0] += 1
            for v in o.values():
                retitle(v)
        elif isinstance(o, list):
            for v in o:
                retitle(v)
    retitle(a)
    for i, ph in enumerate(a.get("roadmap", [])):
        ph["name"] = hostile_name("Phaseword%d" % i)
    for k in a.get("kpis", []):
        d = k.get("display")
        if isinstance(d, str) and re.match(r"^[0-9.]+", d):
            k["display"] = re.sub(r"^[0-9.]+", "123456.7", d)
    return r, names


def layout_complaints(stderr):
    return [ln for ln in stderr.splitlines() if ln.startswith("og-layout:")]


WORD = re.compile(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([0-9.]+)" height="([0-9.]+)">(.*?)</page>', re.S)


def overlaps(pdf):
    """Words drawn over other words or past the page edge, per page."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    bad = []
    for pno, (pw, ph, body) in enumerate(PAGE.findall(out), 1):
        pw, ph = float(pw), float(ph)
        words = []
        for a, b, c, d, t in WORD.findall(body):
            # pdftotext boxes run from the font's ascent to its descent; the
            # letters fill the middle, so a big numeral's box may touch the
            # line under it without any letter touching
            y0, y1 = float(b), float(d)
            words.append((float(a), y0 + (y1 - y0) * 0.2, float(c), y1 - (y1 - y0) * 0.2, t))
        for x0, y0, x1, y1, t in words:
            if x0 < 0 or y0 < 0 or x1 > pw + 0.5 or y1 > ph + 0.5:
                bad.append("page %d: %r off the page" % (pno, t))
        words.sort()
        for i, (x0, y0, x1, y1, t) in enumerate(words):
            for X0, Y0, X1, Y1, T in words[i + 1:]:
                if X0 >= x1:
                    break
                w = min(x1, X1) - max(x0, X0)
                h = min(y1, Y1) - max(y0, Y0)
                small = min((x1 - x0) * (y1 - y0), (X1 - X0) * (Y1 - Y0))
                # line boxes touch; a real collision covers a good part of a word
                if w > 0 and h > 0 and w * h > 0.25 * small:
                    bad.append("page %d: %r over %r" % (pno, t, T))
    return bad


def last_page_words(pdf):
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True,
                                                        text=True).stdout).group(1))
    t = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True,
                       text=True).stdout
    return len(t.split())


def render(tmp, src, out, paper, formats):
    env = env_for(tmp)
    env["OG_LAYOUT_CHECK"] = "1"
    return subprocess.run([OPSGRADE, "render", "--from", src, "--output-dir", out,
                           "--paper", paper, "--format", formats],
                          capture_output=True, text=True, env=env, cwd=tmp, timeout=300)


def judge_pdf(what, pdf):
    bad = overlaps(pdf)
    check(not bad, "%s: no word drawn over another or off the page %s" % (what, bad[:5]))
    words = last_page_words(pdf)
    # header and footer are about 20 words: the last page holds more than that
    check(words > 45, "%s: the last page carries content (%d words)" % (what, words))
    body = pdf_text(pdf).rsplit("Appendix: collectors, evidence, model", 1)[0]
    check(SRC not in body, "%s: no local path outside the evidence appendix" % what)


def main():
    tmp = tempfile.mkdtemp(prefix="og-layout-")
    env = env_for(tmp)
    env["OG_LAYOUT_CHECK"] = "1"
    ex = os.path.join(tmp, "ex")
    p = subprocess.run([OPSGRADE] + example_args(tmp, ex) + ["--format", "pdf,png,json"],
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check(p.returncode == 1, "example runs (exit 1: a gate fails) rc=%d %s" % (p.returncode, p.stderr[-300:]))
    check(not layout_complaints(p.stderr), "example: nothing cut off or split %s" % layout_complaints(p.stderr))
    judge_pdf("example A4", os.path.join(ex, "report.pdf"))
    report = json.load(open(os.path.join(ex, "report.json")))

    # a bare checkout: almost nothing observed
    bare = os.path.join(tmp, "bare")
    os.makedirs(os.path.join(bare, "src"))
    open(os.path.join(bare, "src", "main.c"), "w").write("int main(void) { return 0; }\n")
    p = subprocess.run([OPSGRADE, "report", bare, "--output-dir", os.path.join(tmp, "bare-out"),
                        "--format", "pdf,png,json", "--paper", "letter"],
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check(p.returncode in (0, 1), "bare checkout runs rc=%d %s" % (p.returncode, p.stderr[-300:]))
    check(not layout_complaints(p.stderr), "bare: nothing cut off or split %s" % layout_complaints(p.stderr))
    judge_pdf("bare letter", os.path.join(tmp, "bare-out", "report.pdf"))
    # an empty repository: its .git is not "left out as build output"
    empty = os.path.join(tmp, "empty-repo")
    os.makedirs(empty)
    subprocess.run(["git", "init", "-q", empty], check=True, env=env, timeout=60)
    p = subprocess.run([OPSGRADE, "report", empty, "--output-dir", os.path.join(tmp, "empty-out"),
                        "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp,
                       timeout=300)
    check("left out as not the product: nothing" in p.stdout,
          "empty repository: nothing left out %r" % p.stdout[:200])
    # nothing was scanned: that is "not measured", never "no open findings"
    text = subprocess.run(["pdftotext", os.path.join(tmp, "bare-out", "report.pdf"), "-"],
                          capture_output=True, text=True).stdout
    check("No open findings." not in text and "Open findings: not measured" in text,
          "bare: findings not measured, not zero")
    named = re.findall(r".{30}\b(?:repo|github|registry|trivy|codeql|coverage|events) collector.{30}",
                       re.sub(r"\s+", " ", text[:text.rfind("Appendix")]))
    check(not named, "bare: no collector named before the appendix %r" % named[:3])

    hostile, names = make_hostile(report)
    src = os.path.join(tmp, "hostile.json")
    json.dump(hostile, open(src, "w"))
    for paper in ("a4", "letter"):
        out = os.path.join(tmp, "h-" + paper)
        p = render(tmp, src, out, paper, "pdf,png,html" if paper == "a4" else "pdf")
        check(p.returncode in (0, 1), "hostile %s renders rc=%d %s" % (paper, p.returncode, p.stderr[-300:]))
        bad = layout_complaints(p.stderr)
        check(not bad, "hostile %s: pango cut off or split nothing %s" % (paper, bad[:5]))
        pdf = os.path.join(out, "report.pdf")
        judge_pdf("hostile " + paper, pdf)
        text = flat(pdf_text(pdf))
        for key, name in sorted(names.items()):
            check(name in text, "hostile %s: %s reads whole in the PDF" % (paper, key))
        check(hostile["subject"] in text, "hostile %s: the subject reads whole" % paper)
        check("123456.7" in text, "hostile %s: a 6-digit KPI value is shown" % paper)
        if paper == "a4":
            # SVG text does not wrap: the HTML roadmap breaks long labels into
            # lines that fit its 400-unit drawing (15 px text, ~44 characters)
            import html as htmllib
            page = open(os.path.join(out, "report.html"), encoding="utf-8").read()
            labels = [htmllib.unescape(t) for t in
                      re.findall(r'<text [^>]*class="lbl[^"]*">([^<]*)</text>', page)]
            long = [t for t in labels if len(t) > 44]
            check(labels and not long, "hostile html: roadmap labels fit their drawing %r" % long[:3])
    shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
