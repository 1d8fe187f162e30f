#!/usr/bin/python3
"""End to end: a capability required by a gate fails in JUnit under its
own area testcase (the engine's required_capability.<id> gate shape), and
the CLI exits 1; unmet capabilities no gate requires are skipped."""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.environ["OG_SOURCE_ROOT"], "tests"))
from ogtest import check, done  # noqa: E402

src = os.environ["OG_SOURCE_ROOT"]
tmp = tempfile.mkdtemp()
env = dict(os.environ, SOURCE_DATE_EPOCH="1764000000")
p = subprocess.run([os.environ["OPSGRADE"], "report", os.path.join(src, "data/example/acme-shop"),
                    "--output-dir", tmp, "--format", "junit,json", "--history", os.path.join(tmp, "h"),
                    "--set", "gates.required_capabilities=doc.api", "--set", "project.kind=service"],
                   capture_output=True, text=True, env=env, timeout=120, cwd=tmp)
check("gate failure exits 1", p.returncode == 1, p.returncode)
root = ET.parse(os.path.join(tmp, "junit.xml")).getroot()
cases = {c.get("name").split(":")[0]: c for c in root.iter("testcase")}
api = cases.get("doc.api")
check("required capability is a failure", api is not None and api.find("failure") is not None)
check("failure names the gate", api is not None and
      "required_capability.doc.api" in api.find("failure").get("message", ""))
runbooks = cases.get("doc.runbooks")
check("unrequired unmet capability is skipped", runbooks is not None and
      runbooks.find("skipped") is not None)
check("gate testcase fails", cases.get("required_capability.doc.api") is not None and
      cases["required_capability.doc.api"].find("failure") is not None)
done()
