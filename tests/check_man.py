"""The man pages: `man --warnings` finds nothing to complain about in any
page, and each command's page documents every option its --help lists (the
CLI's option table and the bundled plugins' flags), so the pages cannot
silently fall behind the parser.

Usage: check_man.py MAN_BUILD_DIR MAN_SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ogtest import check, done  # noqa: E402

built, src = sys.argv[1], sys.argv[2]
pages = sorted(f for f in os.listdir(built) if re.search(r"\.[157]$", f))
check("ten pages built %s" % pages, len(pages) == 10)
for page in pages:
    p = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", os.path.join(built, page)],
                       capture_output=True, text=True, env=dict(os.environ, MANWIDTH="80"),
                       timeout=60)
    check("%s: man renders it without warnings %s" % (page, p.stderr.strip()[:200]),
          p.returncode == 0 and p.stderr.strip() == "" and "NAME" in p.stdout)

env = dict(os.environ, OPSGRADE_NO_DEFAULT_PLUGINS="0")
for cmd in ("report", "collect", "render", "merge", "plugins", "history", "attest"):
    helptext = subprocess.run([os.environ["OPSGRADE"], cmd, "--help"], capture_output=True,
                              text=True, env=env, timeout=60).stdout
    options = set(re.findall(r"^\s+(?:-\w, )?--([a-z-]+)", helptext, re.M))
    with open(os.path.join(src, "opsgrade-%s.1.scd" % cmd)) as f:
        page = f.read()
    if cmd == "collect":   # collector flags are described once, in opsgrade-report(1)
        with open(os.path.join(src, "opsgrade-report.1.scd")) as f:
            page += f.read()
    missing = sorted(o for o in options if "*--%s*" % o not in page)
    check("opsgrade-%s(1) documents all %d options of --help %s" % (cmd, len(options), missing),
          options and not missing)
sys.exit(done())
