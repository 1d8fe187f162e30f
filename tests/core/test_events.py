#!/usr/bin/python3
"""The events collector imports events with their attributes and names
the file and entry of bad input."""
import json
import os
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
PLUGDIR = os.path.join(os.environ["OG_BUILD_ROOT"], "plugins", "events")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import done, expect as check  # noqa: E402


def collect(tmp, *files):
    out = os.path.join(tmp, "r.json")
    args = [OPSGRADE, "collect", "--plugin-dir", PLUGDIR, "-o", out]
    for f in files:
        args += ["--set", "collectors.events.file=" + f]
    env = dict(os.environ, OPSGRADE_NO_DEFAULT_PLUGINS="1")
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    return p, json.load(open(out))


tmp = tempfile.mkdtemp()
good = os.path.join(tmp, "good.json")
json.dump([{"type": "deployment", "time": "2026-11-02T12:00:00+02:00", "id": "d1",
            "attrs": {"environment": "production", "status": "success"}},
           {"type": "incident", "time": "2026-11-03T10:00:00Z",
            "attrs": {"resolved_at": "2026-11-03T12:00:00Z"}}], open(good, "w"))
p, r = collect(tmp, good)
check(p.returncode == 0, "good file exit 0: " + p.stderr)
ev = r["events"]
check(len(ev) == 2, "two events")
check(ev[0]["time"] == "2026-11-02T10:00:00Z", "offset normalised to UTC")
check(ev[0]["attrs"]["environment"] == "production", "attrs kept")
check(ev[0]["source"] == "events", "source")

bad = os.path.join(tmp, "bad.json")
json.dump([{"type": "deployment", "time": "last tuesday"}], open(bad, "w"))
trunc = os.path.join(tmp, "trunc.json")
open(trunc, "w").write('[{"type": "deployment", "ti')
p, r = collect(tmp, good, bad, trunc, os.path.join(tmp, "missing.json"))
check(p.returncode == 3, "bad input makes the run incomplete")
c = r["collectors"][0]
check(c["status"] == "partial", "partial status")
# every file is a target, sorted, each once (a sorted insert after an
# append once lost one: Debian's cJSON refuses that insert)
want = sorted("file:" + os.path.realpath(os.path.join(tmp, f))
              for f in ("good.json", "bad.json", "trunc.json", "missing.json"))
check(c.get("targets") == want, "targets: %s" % c.get("targets"))
check("bad.json: [0]: needs" in p.stderr, "bad entry named: " + p.stderr)
check("trunc.json: invalid JSON at byte" in p.stderr, "truncated file named")
check("missing.json" in p.stderr, "missing file named")
check(len(r["events"]) == 2, "good events still imported")
sys.exit(done())
