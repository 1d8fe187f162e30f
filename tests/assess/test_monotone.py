#!/usr/bin/python3
"""Monotonicity (issue 11, docs/scoring.md): on the bundled example and
the fixture trees, dropping each collector's input (the coverage collector's too),
each fact, and random subsets of facts never raises an area's
completeness, the level or a strength (assess-monotone does the
dropping in-process).  Also prints the example's figures with and without
each input so that the closing note can quote them."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

src = os.environ["OG_SOURCE_ROOT"]
opsgrade = os.environ["OPSGRADE"]
driver = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="og-monotone-")
env = dict(os.environ, SOURCE_DATE_EPOCH="1795000000", HOME=tmp,
           XDG_STATE_HOME=os.path.join(tmp, "state"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
ex = os.path.join(src, "data/example")
empty_cfg = os.path.join(tmp, "empty.json")
with open(empty_cfg, "w") as f:
    f.write("{}")

events = os.path.join(tmp, "events.json")
subprocess.run(["/usr/bin/python3", os.path.join(ex, "make-events.py"), events, "1795000000"],
               check=True, env=env, timeout=60)


def collect(name, path, args):
    out = os.path.join(tmp, name + ".json")
    p = subprocess.run([opsgrade, "collect", path, "-o", out, "--config", empty_cfg] + args,
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    check("collect %s (exit %d)" % (name, p.returncode), p.returncode in (0, 3) and
          os.path.exists(out), p.stderr[-2000:])
    return out


def config(name, cfg):
    path = os.path.join(tmp, name + ".cfg.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def run(name, report, cfg):
    p = subprocess.run([driver, report, config(name, cfg)], capture_output=True, text=True,
                       timeout=600)
    lines = p.stdout.strip().splitlines()
    print("# " + name)
    for line in lines:
        if not line.startswith("VIOLATION"):
            print("#   " + line)
    check("%s: no figure rises with less evidence (%s)" % (name, lines[-1] if lines else "?"),
          p.returncode == 0, "\n".join(lines[:40]) + p.stderr[-1000:])
    return p


ex_args = ["--trivy", os.path.join(ex, "scans/*.json"), "--sarif", os.path.join(ex, "scans/*.sarif"),
           "--coverage", os.path.join(ex, "coverage.xml"),
           "--set", "collectors.events.file=" + events]
example = collect("example", os.path.join(ex, "acme-shop"), ex_args)
with open(os.path.join(ex, "opsgrade.json")) as f:
    ex_cfg = json.load(f)
run("example as a service", example, ex_cfg)
lib_cfg = json.loads(json.dumps(ex_cfg))
lib_cfg["project"] = {"kind": "library"}
run("example judged as a library", example, lib_cfg)
nokind = json.loads(json.dumps(ex_cfg))
nokind.pop("project", None)
run("example, kind not determined", example, nokind)
# The kind and the database as facts (what the repo collector's detector
# reports), so that dropping them is part of the test.
with open(example) as f:
    doc = json.load(f)
for key, value in (("project.kind", "library"), ("db.used", False)):
    doc["facts"] = [x for x in doc["facts"] if x["key"] != key]
    doc["facts"].append({"key": key, "type": "string" if isinstance(value, str) else "bool",
                         "value": value, "source": "repo", "sources": ["repo"],
                         "evidence": "test", "observed_at": None})
doc["facts"].sort(key=lambda x: x["key"])
example_lib = os.path.join(tmp, "example-lib.json")
with open(example_lib, "w") as f:
    json.dump(doc, f)
run("example, library kind and no database observed", example_lib, nokind)

fx = os.path.join(src, "tests/fixtures")
mature = collect("mature", os.path.join(fx, "repo/mature"),
                 ["--trivy", os.path.join(fx, "trivy/image-debian.json")])
run("fixture mature (service)", mature, {"project": {"kind": "service"}})
run("fixture mature (cli)", mature, {"project": {"kind": "cli"}})
bare = collect("bare", os.path.join(fx, "repo/bare"), [])
run("fixture bare", bare, {})
sys.exit(done())
