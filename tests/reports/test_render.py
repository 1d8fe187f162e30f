#!/usr/bin/python3
"""Renderer tests: content, metadata, validity, hostile input, reproducibility.

Usage: test_render.py RENDER_DRIVER   (env OG_SOURCE_ROOT from meson)
Checks content, not just existence: pdftotext must show the level, every
area's percentage and every KPI's value and status; JUnit counts must match
the fixture; the same document rendered twice under SOURCE_DATE_EPOCH
must give identical JUnit, JSON and PDF bytes.
"""
import copy
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

DRIVER = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("RENDER_DRIVER", "")
SRC = os.environ.get("OG_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(SRC, "tests", "fixtures")
HERE = os.path.join(SRC, "tests", "reports")
SDE = "1795000000"


def have(tool):
    return shutil.which(tool) is not None


def load_fixture(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return json.loads(f.read().decode("utf-8", "surrogateescape"))


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="og-render-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write_json(self, name, doc):
        p = self.path(name)
        with open(p, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return p

    def render(self, fmt, src, out, config=None, expect=0, env=None):
        args = [DRIVER, fmt, src, out]
        if config is not None:
            args.append(self.write_json("config-%s.json" % fmt, config))
        e = dict(os.environ)
        e["SOURCE_DATE_EPOCH"] = SDE
        if env:
            e.update(env)
        p = subprocess.run(args, capture_output=True, text=True, env=e, timeout=120)
        self.assertEqual(p.returncode, expect, "%s: rc %d\nstderr: %s" % (fmt, p.returncode, p.stderr))
        return p

    def no_temporaries(self, d=None):
        left = [n for n in os.listdir(d or self.tmp) if n.startswith(".")]
        self.assertEqual(left, [], "temporary files left behind")


@unittest.skipUnless(have("pdftotext") and have("pdfinfo") and have("qpdf"), "poppler-utils/qpdf missing")
class PdfTest(Base):
    def pdf(self, fixture="report-full.json", config=None, doc=None):
        src = os.path.join(FIX, fixture) if doc is None else self.write_json("in.json", doc)
        out = self.path("report.pdf")
        self.render("pdf", src, out, config)
        self.no_temporaries()
        return out

    def text(self, pdf, first=None, last=None):
        args = ["pdftotext", "-layout"]
        if first:
            args += ["-f", str(first), "-l", str(last or first)]
        return subprocess.run(args + [pdf, "-"], capture_output=True, text=True, check=True).stdout

    def info(self, pdf):
        out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        return dict((k.strip(), v.strip()) for k, v in
                    (line.split(":", 1) for line in out.splitlines() if ":" in line))

    def qpdf_ok(self, pdf):
        p = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("No syntax or stream encoding errors", p.stdout)

    def test_content_full(self):
        doc = load_fixture("report-full.json")
        pdf = self.pdf()
        self.qpdf_ok(pdf)
        t = self.text(pdf)
        flat = re.sub(r"\s+", " ", t)
        self.assertIn("Maturity level 3 of 5: Defined", flat)
        for area in doc["assessment"]["areas"]:
            if area["completeness"] is None:
                self.assertIn("%s: completeness not measured" % area["name"], flat)
            else:
                self.assertIn("%s: %d%% complete" % (area["name"], area["completeness"]), flat)
        for k in doc["assessment"]["kpis"]:
            row = [l for l in t.splitlines() if k["name"].split()[0] in l]
            self.assertTrue(row, k["name"])
            if k["value"] is None:
                self.assertIn("not measured", flat)
            else:
                v = ("%g" % k["value"])
                self.assertRegex(flat, re.escape(v) + r"\s?" + re.escape(k["unit"].strip()))
            self.assertIn(k["status"], flat)
        for f in doc["findings"][:3]:
            self.assertIn(f["id"], flat)
        self.assertIn("timed out after 300 s", flat)       # failed collector in the appendix
        self.assertIn("Überprüfung", flat)                  # non-Latin text survives
        self.assertIn("Page 1 of", flat)
        self.assertIn("dependabot.yml", flat)               # solution snippet

    def test_contents_page_numbers_are_right(self):
        pdf = self.pdf()
        pages = int(self.info(pdf)["Pages"])
        cover = self.text(pdf, 1)
        entries = re.findall(r"^\s*(\d\. [^\n]*?)\s{2,}(\d+)\s*$", cover, re.M)
        self.assertGreaterEqual(len(entries), 8, cover)
        for title, page in entries:
            page = int(page)
            self.assertLessEqual(page, pages)
            self.assertIn(title.strip()[:20], re.sub(r"\s+", " ", self.text(pdf, page)))
        last = self.text(pdf, pages)
        self.assertIn("Page %d of %d" % (pages, pages), last)

    def test_metadata(self):
        info = self.info(self.pdf(config={"report": {"organisation": "ACME Platform Team"}}))
        self.assertEqual(info["Title"], "DevOps maturity assessment: acme/hep-companion")
        self.assertEqual(info["Subject"], "Maturity level 3 of 5 (Defined)")
        self.assertEqual(info["Author"], "ACME Platform Team")
        self.assertTrue(info["Creator"].startswith("opsgrade "))
        self.assertIn("2026", info["CreationDate"])          # SOURCE_DATE_EPOCH 1795000000
        self.assertEqual(info["Tagged"], "yes")
        self.assertGreaterEqual(int(info["Pages"]), 9)
        self.assertIn("A4", info["Page size"])

    def test_outline(self):
        pdf = self.pdf()
        p = subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf],
                           capture_output=True, text=True, check=True)
        outlines = json.loads(p.stdout)["outlines"]
        titles = [o["title"] for o in outlines]
        self.assertEqual(titles[0], "1. Executive summary")
        self.assertEqual(len(titles), 9)
        self.assertEqual(titles[-2:], ["8. Decision and next steps",
                                       "9. Appendix: collectors, evidence, model"])
        current = outlines[1]
        self.assertEqual(current["title"], "2. Current state")
        self.assertIn("CI/CD Pipeline: 90% complete", [k["title"] for k in current["kids"]])

    def test_letter_and_accent(self):
        pdf = self.pdf(config={"report": {"paper": "letter", "accent": "#AA3300"}})
        self.assertIn("612 x 792", self.info(pdf)["Page size"])
        self.qpdf_ok(pdf)

    def test_reproducible(self):
        a = self.pdf()
        os.rename(a, self.path("a.pdf"))
        b = self.pdf()
        with open(self.path("a.pdf"), "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_hostile_and_unassessed(self):
        pdf = self.pdf("report-hostile.json")
        self.qpdf_ok(pdf)
        flat = re.sub(r"\s+", " ", self.text(pdf))
        self.assertIn("No maturity assessment in this report", flat)
        self.assertIn("not measured", flat)
        self.assertNotIn("\x1b", flat)

    def test_logo(self):
        logo = self.path("logo.png")
        with open(logo, "wb") as f:
            f.write(make_png(64, 24, (200, 40, 40)))
        pdf = self.pdf(config={"report": {"logo": logo, "organisation": "Org"}})
        self.qpdf_ok(pdf)

    def test_portfolio_section(self):
        """assessment.portfolio (org mode) gets its own section: each
        repository's name and level, its key KPIs and the level
        distribution; without it the section is absent."""
        doc = load_fixture("report-full.json")
        plain = re.sub(r"\s+", " ", self.text(self.pdf(doc=doc)))
        self.assertNotIn("Portfolio of repositories", plain)
        none = {"value": None, "status": "not measured", "band": None}
        doc["assessment"]["portfolio"] = {
            "repos": [
                {"name": "billing-api", "level": 3, "level_name": "Defined", "areas": {},
                 "kpis": {"deployment_frequency": {"value": 6, "status": "good", "band": "elite"},
                          "lead_time_for_changes": none, "change_failure_rate": none,
                          "build_success_rate": {"value": 97.5, "status": "good", "band": None}},
                 "gaps_p1": 0},
                {"name": "legacy-batch", "level": 1, "level_name": "Initial", "areas": {},
                 "kpis": {}, "gaps_p1": 7},
            ],
            "level_distribution": {"1": 1, "2": 0, "3": 1, "4": 0, "5": 0},
            "weakest_areas": [{"id": "x", "name": "Observability", "average": 12.5, "repos": 2}],
        }
        pdf = self.pdf(doc=doc)
        self.qpdf_ok(pdf)
        t = self.text(pdf)
        flat = re.sub(r"\s+", " ", t)
        self.assertIn("6b. Portfolio of repositories", flat)
        rows = {l.split()[0]: l for l in t.splitlines() if l.strip().startswith(("billing-api", "legacy-batch"))}
        self.assertIn("3 Defined", rows["billing-api"])
        self.assertIn("97.5%", rows["billing-api"])
        self.assertIn("1 Initial", rows["legacy-batch"])
        self.assertRegex(rows["legacy-batch"], r"\b7\s*$")
        self.assertIn("Repositories per maturity level", flat)
        self.assertIn("Observability (12.5%)", flat)
        # listed in the contents with the page it is on
        m = re.search(r"6b\. Portfolio of repositories\s*\.*\s*(\d+)", t)
        self.assertTrue(m, "contents entry")
        self.assertIn("6b. Portfolio of repositories", self.text(pdf, int(m.group(1))))

    def words(self, pdf):
        """(page, word, xMin, yMin, xMax, yMax) of every word, sorted."""
        html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                              text=True, check=True).stdout
        out, page = [], 0
        for line in html.splitlines():
            page += "<page " in line
            m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                          r'yMax="([\d.]+)">(.*)</word>', line)
            if m:
                out.append((page, m.group(5)) + tuple(float(m.group(i)) for i in range(1, 5)))
        return sorted(out)

    def gray_pages(self, pdf, name):
        base = self.path(name)
        subprocess.run(["pdftoppm", "-r", "36", "-gray", pdf, base], check=True)
        pages = []
        for n in sorted(f for f in os.listdir(self.tmp) if f.startswith(name + "-")):
            with open(self.path(n), "rb") as f:
                magic, size, maxval, data = f.read().split(b"\n", 3)
            self.assertEqual((magic, maxval), (b"P5", b"255"))
            pages.append((size, data))
        return pages

    @unittest.skipUnless(have("pdftoppm"), "poppler-utils missing")
    def test_batched_text_draws_what_pango_draws(self):
        # The PDF queues its texts and draws them a few cairo calls at a
        # time; OG_TEXT_DIRECT=1 lets pango draw each one itself.  Same
        # pages, same words at the same places (pdftotext -bbox, within
        # rounding), same pixels but for anti-aliasing: a text drawn out
        # of order above something meant to cover it, or a glyph moved,
        # would differ by far more.  The hostile report has right-to-left
        # runs, emoji and glyphs the fonts lack (drawn by pango itself).
        for fixture in ("report-full.json", "report-hostile.json"):
            src = os.path.join(FIX, fixture)
            batched, direct = self.path("batched.pdf"), self.path("direct.pdf")
            self.render("pdf", src, batched)
            self.render("pdf", src, direct, env={"OG_TEXT_DIRECT": "1"})
            with open(batched, "rb") as fa, open(direct, "rb") as fb:
                self.assertNotEqual(fa.read(), fb.read(), "OG_TEXT_DIRECT had no effect")
            self.qpdf_ok(batched)
            self.assertEqual(self.info(batched)["Pages"], self.info(direct)["Pages"])
            wa, wb = self.words(batched), self.words(direct)
            self.assertEqual([w[:2] for w in wa], [w[:2] for w in wb], fixture)
            left = {}
            for b in wb:
                left.setdefault(b[:2], []).append(b[2:])
            for a in wa:
                near = min(left[a[:2]], key=lambda b: max(abs(x - y) for x, y in zip(a[2:], b)))
                self.assertLess(max(abs(x - y) for x, y in zip(a[2:], near)), 0.5, (fixture, a, near))
                left[a[:2]].remove(near)
            pa, pb = self.gray_pages(batched, "b"), self.gray_pages(direct, "d")
            self.assertEqual(len(pa), len(pb))
            for n, ((sa, da), (sb, db)) in enumerate(zip(pa, pb), 1):
                self.assertEqual(sa, sb)
                worst = max(abs(x - y) for x, y in zip(da, db)) if da != db else 0
                self.assertLess(worst, 100, "%s page %d: %d grey levels apart" % (fixture, n, worst))
            for f in os.listdir(self.tmp):
                os.unlink(self.path(f))

    def test_missing_members(self):
        for doc in variants():
            pdf = self.pdf(doc=doc)
            self.qpdf_ok(pdf)
            self.assertIn("not measured", self.text(pdf))


def make_png(w, h, rgb):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def decode_png(path, pixels=False):
    """Return (width, height) after checking every CRC and inflating IDAT;
    with @pixels, also a function (x, y) -> (r, g, b) over the unfiltered rows."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) & 0xffffffff == crc, "bad CRC in " + kind.decode()
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[ctype] * depth // 8
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    assert len(raw) == h * (1 + w * bpp), "pixel data size"
    if not pixels:
        return w, h
    rows, prev, stride = [], bytearray(w * bpp), w * bpp
    for y in range(h):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + a) & 255
            elif kind == 2:
                row[i] = (row[i] + b) & 255
            elif kind == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else:
                raise AssertionError("filter type %d" % kind)
        rows.append(row)
        prev = row
    return w, h, lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3])


def variants():
    """The full report with optional members absent or null, one at a time."""
    base = load_fixture("report-full.json")
    out = []
    for drop in (["history"], ["assessment", "kpis"], ["assessment", "security"],
                 ["assessment", "gaps"], ["assessment", "roadmap"], ["assessment", "costs"],
                 ["assessment", "levels"], ["assessment", "next_level"], ["findings"],
                 ["collectors"], ["gates"]):
        d = copy.deepcopy(base)
        obj = d
        for k in drop[:-1]:
            obj = obj[k]
        del obj[drop[-1]]
        out.append(d)
    d = copy.deepcopy(base)
    for k in d["assessment"]["kpis"]:
        k["value"], k["status"], k["band"] = None, "not measured", None
    for a in d["assessment"]["areas"]:
        a["completeness"] = None
    d["assessment"]["level"] = None
    out.append(d)
    d = copy.deepcopy(base)
    d["assessment"] = None
    d["history"] = None
    out.append(d)
    return out


class PngTest(Base):
    def test_size_and_decode(self):
        out = self.path("summary.png")
        self.render("png", os.path.join(FIX, "report-full.json"), out)
        self.assertEqual(decode_png(out), (1600, 1000))
        self.no_temporaries()

    def test_pixels_and_reproducible(self):
        # summary.png is encoded by our own libpng settings: the rows must
        # decode to the drawn colours (channel order: the accent band)
        # and the same document must give the same bytes
        outs = [self.path("a.png"), self.path("b.png")]
        for out in outs:
            self.render("png", os.path.join(FIX, "report-full.json"), out,
                        {"report": {"accent": "#AA3300"}})
        w, h, px = decode_png(outs[0], pixels=True)
        self.assertEqual((w, h), (1600, 1000))
        self.assertEqual(px(5, 5), (0xAA, 0x33, 0x00))
        for got, want in zip(px(w - 1, h - 1), (0.95, 0.96, 0.97)):
            self.assertLessEqual(abs(got - want * 255), 1)
        with open(outs[0], "rb") as fa, open(outs[1], "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_unwritable(self):
        self.render("png", os.path.join(FIX, "report-full.json"), self.path("nodir/summary.png"),
                    expect=4)
        self.no_temporaries()

    def test_scale(self):
        out = self.path("summary.png")
        self.render("png", os.path.join(FIX, "report-full.json"), out, {"report": {"scale": 2}})
        self.assertEqual(decode_png(out), (3200, 2000))

    def test_variants_and_hostile(self):
        for i, doc in enumerate(variants()):
            out = self.path("v%d.png" % i)
            self.render("png", self.write_json("v.json", doc), out)
            self.assertEqual(decode_png(out), (1600, 1000))
        out = self.path("h.png")
        self.render("png", os.path.join(FIX, "report-hostile.json"), out)
        self.assertEqual(decode_png(out), (1600, 1000))

    def test_bad_config(self):
        out = self.path("summary.png")
        p = self.render("png", os.path.join(FIX, "report-full.json"), out,
                        {"report": {"scale": 9}}, expect=2)
        self.assertIn("report.scale", p.stderr)
        p = self.render("png", os.path.join(FIX, "report-full.json"), out,
                        {"report": {"logo": self.path("nope.png")}}, expect=2)
        self.assertIn("nope.png", p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_missing_font_is_said_once(self):
        out = self.path("summary.png")
        p = self.render("png", os.path.join(FIX, "report-full.json"), out,
                        {"report": {"font": "No Such Font Family"}})
        self.assertEqual(p.stderr.count("No Such Font Family"), 1, p.stderr)
        self.assertEqual(decode_png(out), (1600, 1000))


class JunitTest(Base):
    def junit(self, fixture="report-full.json", config=None, doc=None):
        src = os.path.join(FIX, fixture) if doc is None else self.write_json("in.json", doc)
        out = self.path("junit.xml")
        self.render("junit", src, out, config)
        self.no_temporaries()
        with open(out, "rb") as f:
            raw = f.read()
        return ET.fromstring(raw), raw

    def check_counts(self, root):
        totals = dict(tests=0, failures=0, errors=0, skipped=0)
        for s in root.findall("testsuite"):
            cases = s.findall("testcase")
            n = dict(tests=len(cases),
                     failures=sum(1 for c in cases if c.find("failure") is not None),
                     errors=sum(1 for c in cases if c.find("error") is not None),
                     skipped=sum(1 for c in cases if c.find("skipped") is not None))
            for k, v in n.items():
                self.assertEqual(int(s.get(k, "0")), v, "%s %s" % (s.get("name"), k))
                totals[k] += v
            for c in cases:
                self.assertLessEqual(sum(c.find(x) is not None for x in ("failure", "error", "skipped")), 1)
                self.assertRegex(c.get("time"), r"^\d+\.\d{3}$")
            keys = [(c.get("classname"), c.get("name")) for c in cases]
            self.assertEqual(len(keys), len(set(keys)), "duplicate testcases in " + s.get("name"))
        if root.get("tests") is not None:
            for k, v in totals.items():
                self.assertEqual(int(root.get(k)), v, "testsuites " + k)
        return totals

    def test_counts_match_model(self):
        doc = load_fixture("report-full.json")
        root, _ = self.junit()
        self.check_counts(root)
        suites = root.findall("testsuite")
        areas = doc["assessment"]["areas"]
        self.assertEqual([s.get("name") for s in suites], [a["name"] for a in areas] + ["gates", "findings"])
        caps = doc["assessment"]["capabilities"]
        self.assertEqual(sum(int(s.get("tests")) for s in suites[:len(areas)]), len(caps))
        # passed = met; skipped = unknown + missing-not-required; failure = missing and gate-required
        met = sum(c["status"] == "met" for c in caps)
        unk = sum(c["status"] == "unknown" for c in caps)
        fails = sum(int(s.get("failures")) for s in suites[:len(areas)])
        skipped = sum(int(s.get("skipped")) for s in suites[:len(areas)])
        self.assertEqual(fails, 1)                          # sec.dependabot is gate-required
        self.assertEqual(skipped, len(caps) - met - fails)
        self.assertGreaterEqual(skipped, unk)
        gates = suites[-2]
        self.assertEqual(int(gates.get("tests")), len(doc["gates"]))
        self.assertEqual(int(gates.get("failures")), sum(g["status"] == "fail" for g in doc["gates"]))
        fs = suites[-1]
        want = [f for f in doc["findings"] if f["severity"] in ("critical", "high")]
        self.assertEqual(int(fs.get("tests")), len(want))
        self.assertEqual(int(fs.get("skipped")), sum(f["status"] == "suppressed" for f in want))
        first = fs.find("testcase")
        # no dot of ours after "opsgrade.findings": Jenkins would split an image tag
        self.assertEqual(first.get("classname"), "opsgrade.findings.trivy")
        self.assertIn("(ghcr.io/acme/hep:1.4 (debian 12.5)/xz-utils)", first.get("name"))
        self.assertTrue(first.get("name").startswith("CVE-2024-3094 "))
        self.assertEqual(first.find("failure").get("message"), "critical; fixed in 5.6.1")
        props = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
        self.assertEqual(props["model.version"], "1.2")
        self.assertIn("opsgrade.version", props)

    def test_strict_and_min_severity(self):
        doc = load_fixture("report-full.json")
        root, _ = self.junit(config={"report": {"junit_strict": True, "junit_min_severity": "low"}})
        self.check_counts(root)
        caps = doc["assessment"]["capabilities"]
        suites = root.findall("testsuite")
        n = len(doc["assessment"]["areas"])
        self.assertEqual(sum(int(s.get("failures")) for s in suites[:n]),
                         sum(c["status"] == "missing" for c in caps))
        self.assertEqual(int(suites[-1].get("tests")),
                         sum(f["severity"] in ("critical", "high", "medium", "low") for f in doc["findings"]))

    @unittest.skipUnless(have("xmllint"), "xmllint missing")
    def test_schemas(self):
        for fixture in ("report-full.json", "report-hostile.json"):
            _, raw = self.junit(fixture)
            p = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(HERE, "junit-default.xsd"),
                                self.path("junit.xml")], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            root, raw = self.junit(fixture, config={"report": {"junit_schema": "strict"}})
            self.assertEqual(root.attrib, {})
            p = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(HERE, "junit-strict.xsd"),
                                self.path("junit.xml")], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_hostile_strings(self):
        root, raw = self.junit("report-hostile.json")
        self.check_counts(root)
        self.assertNotIn(b"\x1b", raw)
        self.assertNotIn(b"\x07", raw)
        raw.decode("utf-8")                                 # strictly valid UTF-8
        names = [c.get("name") for c in root.iter("testcase")]
        ansi = [n for n in names if "RED ANSI" in n][0]
        self.assertIn("]]>", ansi)                          # round-trips, escaped on disk
        self.assertIn("<script>alert('x')</script>", ansi)
        self.assertNotIn("[31m", ansi)
        self.assertIn(b"]]&gt;", raw)
        self.assertIn("漢字", "".join(names))
        body = "".join(f.text or "" for f in root.iter("failure"))
        self.assertIn("1.0]]><!--", "".join(f.get("message") for f in root.iter("failure")))
        prop = [p.get("value") for p in root.iter("property") if p.get("name") == "subject"][0]
        self.assertEqual(prop, 'evil/<repo>&"co" exe.txt')  # bidi override dropped
        self.assertNotIn("\x1b", body)

    def test_hostile_invalid_utf8_replaced(self):
        with open(os.path.join(FIX, "report-hostile.json"), "rb") as f:
            doc_bytes = f.read()
        self.assertIn(b"\xff\xfe", doc_bytes)               # the fixture really holds bad bytes
        _, raw = self.junit("report-hostile.json", config={"report": {"junit_min_severity": "low"}})
        self.assertIn("DOM text \ufffd\ufffd bad \ufffd( utf8", raw.decode("utf-8"))

    def test_variants(self):
        for doc in variants():
            root, _ = self.junit(doc=doc)
            self.check_counts(root)

    def test_streaming_100k(self):
        doc = {"schema": "opsgrade.report/1", "generated_at": "2026-11-27T17:00:00Z",
               "subject": "big", "assessment": None, "gates": [], "collectors": [],
               "findings": [{"fingerprint": "%06x" % i, "kind": "vulnerability", "id": "CVE-2024-%d" % i,
                             "title": "t", "severity": "high", "status": "open",
                             "package": "p%d" % i, "fixed_version": "1.%d" % i, "locations": []}
                            for i in range(100000)]}
        root, _ = self.junit(doc=doc)
        fs = root.findall("testsuite")[-1]
        self.assertEqual(int(fs.get("tests")), 100000)
        self.assertEqual(len(fs.findall("testcase")), 100000)


class ReproTest(Base):
    def test_json_and_junit_identical(self):
        for fmt in ("json", "junit"):
            for fixture in ("report-full.json", "report-hostile.json"):
                a, b = self.path("a"), self.path("b")
                self.render(fmt, os.path.join(FIX, fixture), a)
                self.render(fmt, os.path.join(FIX, fixture), b)
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    self.assertEqual(fa.read(), fb.read(), fmt + " " + fixture)

    def test_json_round_trip(self):
        out = self.path("report.json")
        self.render("json", os.path.join(FIX, "report-full.json"), out)
        want = load_fixture("report-full.json")
        # the facts and findings are read into the model, which holds an
        # empty string as absent (written null) and writes a fact's
        # optional members (unit, subject, rollup) only when present
        want["findings"] = [{k: None if v == "" else v for k, v in f.items()}
                            for f in want["findings"]]
        want["facts"] = [{k: v for k, v in f.items() if v is not None or k not in
                          ("unit", "subject", "subject_kind", "rollup")}
                         for f in want["facts"]]
        with open(out, encoding="utf-8") as f:
            self.assertEqual(json.load(f), want)
        self.no_temporaries()

    def test_unwritable_leaves_old_file(self):
        out = self.path("junit.xml")
        with open(out, "w") as f:
            f.write("last good")
        self.render("junit", os.path.join(FIX, "report-full.json"), out,
                    {"report": {"junit_min_severity": "severe"}}, expect=2)
        with open(out) as f:
            self.assertEqual(f.read(), "last good")
        self.render("pdf", os.path.join(FIX, "report-full.json"), self.path("nodir/report.pdf"), expect=4)
        self.no_temporaries()


if __name__ == "__main__":
    if not DRIVER or not os.access(DRIVER, os.X_OK):
        print("usage: test_render.py RENDER_DRIVER", file=sys.stderr)
        sys.exit(2)
    unittest.main(argv=[sys.argv[0], "-v"])
