#!/usr/bin/python3
"""Attestations end to end (issue 11): met, missing, not_applicable,
expired, contradicted by an observation, unknown id, bad date -- through
report.json, the PDF text (pdftotext) and the JUnit properties; the
checkout's .opsgrade/attestations.json is found without configuration."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

src = os.environ["OG_SOURCE_ROOT"]
opsgrade = os.environ["OPSGRADE"]
tmp = tempfile.mkdtemp(prefix="og-attest-")
env = dict(os.environ, SOURCE_DATE_EPOCH="1795000000", HOME=tmp,   # 2026-11-19
           XDG_STATE_HOME=os.path.join(tmp, "state"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
ex = os.path.join(src, "data/example")
checkout = os.path.join(tmp, "acme-shop")
shutil.copytree(os.path.join(ex, "acme-shop"), checkout, symlinks=True)

ATT = {"attestations": {
    "doc.oncall": {"status": "met", "by": "SRE team", "date": "2026-09-01",
                   "evidence": "https://wiki.example/oncall"},
    "db.backups": {"status": "missing", "by": "DBA guild", "date": "2026-10-01"},
    "rel.ab_testing": {"status": "not_applicable", "by": "Product", "date": "2026-10-01",
                       "evidence": "no experiments run"},
    "obs.slo": {"status": "met", "by": "SRE team", "date": "2024-06-01"},
    "doc.readme": {"status": "missing", "by": "Docs team", "date": "2026-10-01"},
}}
os.makedirs(os.path.join(checkout, ".opsgrade"))
with open(os.path.join(checkout, ".opsgrade", "attestations.json"), "w") as f:
    json.dump(ATT, f)


def report(out, extra=()):
    return subprocess.run([opsgrade, "report", checkout, "--config", os.path.join(ex, "opsgrade.json"),
                           "--output-dir", out, "--format", "json,pdf,junit",
                           "--history", os.path.join(out, "h")] + list(extra),
                          capture_output=True, text=True, env=env, cwd=tmp, timeout=300)


out = os.path.join(tmp, "out")
p = report(out)
check("report with the checkout's attestations (exit %d)" % p.returncode, p.returncode in (0, 1),
      p.stderr[-2000:])
with open(os.path.join(out, "report.json")) as f:
    a = json.load(f)["assessment"]
caps = {c["id"]: c for c in a["capabilities"]}


def cap(i, status, source):
    c = caps[i]
    check("%s: %s from %s" % (i, status, source), c["status"] == status and c["source"] == source,
          (c["status"], c["source"], c.get("attestation")))


cap("doc.oncall", "met", "attested")
check("attestation carried: by, date, evidence, expiry a year on",
      caps["doc.oncall"]["attestation"] == {
          "status": "met", "by": "SRE team", "date": "2026-09-01",
          "evidence": "https://wiki.example/oncall", "expires": "2027-09-01", "outcome": "used"},
      caps["doc.oncall"]["attestation"])
cap("db.backups", "missing", "attested")
check("an attested gap is a gap", any(g["id"] == "db.backups" for g in a["gaps"]))
cap("rel.ab_testing", "not_applicable", "attested")
check("attested not applicable leaves the denominators",
      "rel.ab_testing" in [x for r in a["areas"] if r["id"] == "release" for x in r["not_applicable"]])
cap("obs.slo", "unknown", None)
check("expired: says when", caps["obs.slo"]["observe_hint"] == "attestation expired on 2025-06-01",
      caps["obs.slo"]["observe_hint"])
check("expired listed", [e["id"] for e in a["attestations"]["expired"]] == ["obs.slo"])
cap("doc.readme", "met", "observed")
check("contradiction listed, the observation wins",
      a["attestations"]["contradictions"] == [{"id": "doc.readme", "attested": "missing",
                                               "observed": "met", "by": "Docs team",
                                               "date": "2026-10-01"}],
      a["attestations"]["contradictions"])

pdf = subprocess.run(["pdftotext", os.path.join(out, "report.pdf"), "-"],
                     capture_output=True, text=True, timeout=60).stdout
flat = " ".join(pdf.split())
check("PDF marks attested rows", "Implemented (attested)" in flat and "Missing (attested)" in flat)
check("PDF names who attested", "attested by SRE team on 2026-09-01" in flat)
check("PDF appendix lists the attestations", "Attestations" in flat and
      "attestation expired on 2025-06-01" in flat and "contradicted by the observation" in flat)
check("PDF: not applicable with its reason", "Not applicable (attested)" in flat)

root = ET.parse(os.path.join(out, "junit.xml")).getroot()
props = {p.get("name"): p.get("value") for p in root.iter("property")}
check("JUnit property for an attested capability",
      props.get("attested.doc.oncall") ==
      "met by SRE team on 2026-09-01; evidence: https://wiki.example/oncall",
      {k: v for k, v in props.items() if k.startswith("attested")})

for name, entry, want in [
        ("unknown id", {"doc.runbookz": {"status": "met", "by": "x", "date": "2026-01-01"}},
         "$.attestations.doc.runbookz: unknown capability id"),
        ("bad date", {"doc.runbooks": {"status": "met", "by": "x", "date": "2026-02-31"}},
         "$.attestations.doc.runbooks.date: expected a date YYYY-MM-DD"),
        ("bad status", {"doc.runbooks": {"status": "yes", "by": "x", "date": "2026-01-01"}},
         "$.attestations.doc.runbooks.status: expected"),
        ("no one accountable", {"doc.runbooks": {"status": "met", "date": "2026-01-01"}},
         "$.attestations.doc.runbooks.by: expected who attests it")]:
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        json.dump({"attestations": entry}, f)
    o2 = os.path.join(tmp, "out-bad")
    p = report(o2, ["--set", "attestations=" + bad])
    check("%s: exit 2 naming the file and JSON path" % name,
          p.returncode == 2 and ("bad.json: " + want) in p.stderr and not os.path.exists(o2),
          (p.returncode, p.stderr[-800:]))


# `opsgrade attest --template`: every capability the last report could not
# observe, with its question, valid as written; one answer then counts.
def attest(args):
    return subprocess.run([opsgrade, "attest"] + args, capture_output=True, text=True,
                          env=env, cwd=tmp, timeout=120)


p = attest(["--template", "--from", os.path.join(out, "report.json")])
check("attest --template exits 0", p.returncode == 0, p.stderr[-800:])
tpl = json.loads(p.stdout)["attestations"]
unknown = {c["id"] for c in a["capabilities"] if c["status"] == "unknown"}
check("template lists exactly the %d unobserved capabilities (%d)" % (len(unknown), len(tpl)),
      set(tpl) == unknown and "doc.oncall" not in tpl and "obs.slo" in tpl)
e = tpl["db.migrations_automated"] if "db.migrations_automated" in tpl else next(iter(tpl.values()))
check("each entry: status unknown, a question from the capability's target, why not observed",
      all(v["status"] == "unknown" and v["question"].startswith("Is this so for acme-shop? ")
          and len(v["question"]) > 30 and v["title"] for v in tpl.values())
      and e.get("not_observed"), e)
answered = dict(tpl)
answered["obs.slo"] = dict(tpl["obs.slo"], status="met", by="SRE team", date="2026-11-01",
                           evidence="https://wiki.example/slo")
filled = os.path.join(tmp, "filled.json")
with open(filled, "w") as f:
    json.dump({"description": "x", "attestations": answered}, f)
o3 = os.path.join(tmp, "out-tpl")
p = report(o3, ["--set", "attestations=" + filled])
check("the template, one answer filled in, is a valid attestations file (exit %d)" % p.returncode,
      p.returncode in (0, 1), p.stderr[-800:])
if p.returncode in (0, 1):
    with open(os.path.join(o3, "report.json")) as f:
        c3 = {c["id"]: c for c in json.load(f)["assessment"]["capabilities"]}
    check("the answered entry is attested, the unanswered stay not observed",
          c3["obs.slo"]["status"] == "met" and c3["obs.slo"]["source"] == "attested" and
          all(c3[i]["status"] == "unknown" for i in unknown if i != "obs.slo"))
p = attest(["--template", "--from", os.path.join(out, "report.json"), "-o", filled])
check("attest --template -o an existing file: exit 2, not overwritten",
      p.returncode == 2 and "not overwritten" in p.stderr and
      json.load(open(filled))["attestations"]["obs.slo"]["status"] == "met", p.stderr)
p = attest(["--template", "--output-dir", os.path.join(tmp, "nowhere")])
check("attest --template without a report: exit 2 naming the file",
      p.returncode == 2 and "nowhere/report.json" in p.stderr, p.stderr)
sys.exit(done())
