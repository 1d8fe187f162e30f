#!/usr/bin/python3
"""The coverage collector (issue 14: coverage parsing moved out of the
core into a plugin with its own flag and model fragment): Cobertura
counts or line-rate, lcov LF/LH, several reports adding up their line
counts, and bad files failing the collector with an error naming the
file; the test_coverage KPI comes from its fragment, "not measured" with
the reason when no report is given."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

opsgrade = os.environ["OPSGRADE"]
tmp = tempfile.mkdtemp(prefix="og-coverage-")
env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, "state"),
           XDG_CACHE_HOME=os.path.join(tmp, "cache"), SOURCE_DATE_EPOCH="1795000000")
NOREPO = ["--set", "collectors.repo.enabled=false"]


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def collect(*files):
    out = os.path.join(tmp, "r.json")
    if os.path.exists(out):
        os.unlink(out)
    args = [a for f in files for a in ("--coverage", f)]
    p = subprocess.run([opsgrade, "collect", "-o", out] + NOREPO + args, env=env,
                       capture_output=True, text=True, timeout=60)
    doc = {}
    if os.path.exists(out):
        with open(out) as f:
            doc = json.load(f)
    st = [c for c in doc.get("collectors", []) if c["name"] == "coverage"]
    facts = {x["key"]: x for x in doc.get("facts", [])}
    return p, (st[0] if st else {}), facts.get("test.coverage.lines_percent")


cob = write("cob.xml", '<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM '
            '"http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
            '<coverage line-rate="0.853" branch-rate="0.5" version="1"><packages/></coverage>\n')
counts = write("counts.xml", '<coverage lines-valid="1000" lines-covered="901" line-rate="0.9"/>')
lcov = write("a.info", "TN:\nSF:a.c\nDA:1,1\nLF:100\nLH:80\nend_of_record\n"
             "SF:b.c\nLF:50\nLH:40\nend_of_record\n")
for files, want, what in (([cob], 85.3, "Cobertura line-rate"),
                          ([counts], 90.1, "Cobertura counts win over line-rate"),
                          ([lcov], 80, "lcov: 120 of 150 lines"),
                          ([counts, lcov], 100 * 1021 / 1150, "two reports add up their lines")):
    p, st, f = collect(*files)
    check("%s: %s" % (what, want), st.get("status") == "ok" and f and
          abs(f["value"] - want) < 1e-9 and f["unit"] == "%", (p.stderr, st, f))
check("evidence names the files, not their local paths", f and f["evidence"] ==
      "line rate in a.info, counts.xml", f)

bad = [(write("r.xml", "<report><line-rate>1</line-rate></report>"), "not a Cobertura report"),
       (write("t.xml", '<coverage line-rate="0.5"'), "not well-formed XML"),
       (write("b.info", "SF:a.c\nLF:x\n"), "line 2: bad LF count"),
       (os.path.join(tmp, "missing.xml"), "No such file or directory"),
       ([cob, lcov], "has only a line-rate")]
for path, needle in bad:
    p, st, f = collect(*(path if isinstance(path, list) else [path]))
    name = path[0] if isinstance(path, list) else path
    check("bad input %s: collector failed, error names the file and says %r" % (
          os.path.basename(name), needle), st.get("status") == "failed" and f is None and
          name in p.stderr and needle in p.stderr and p.returncode != 0 and
          name in (st.get("message") or ""),
          (p.returncode, p.stderr, st))

# the KPI comes from the plugin's fragment
for args, status, reason in ((["--coverage", counts], "good", None),
                             ([], "not measured", "no coverage report given")):
    outdir = os.path.join(tmp, "out")
    p = subprocess.run([opsgrade, "report", "--output-dir", outdir, "--format", "json"] + NOREPO
                       + args, env=env, capture_output=True, text=True, timeout=120)
    with open(os.path.join(outdir, "report.json")) as f:
        kpi = [k for k in json.load(f)["assessment"]["kpis"] if k["id"] == "test_coverage"]
    check("test_coverage KPI %s" % status, len(kpi) == 1 and kpi[0]["status"] == status and
          (reason is None or reason in (kpi[0]["reason"] or "")), (p.stderr[-500:], kpi))
sys.exit(done())
