#!/usr/bin/python3
"""contrib/: systemd units pass `systemd-analyze verify` (skipped where
systemd-analyze is missing) with no warnings; the timer's calendar
parses; the cron example is a valid crontab line with absolute paths."""
import os
import re
import shutil
import subprocess
import sys

from common import check, main, setup

TMP = setup(sys.argv)
SRC = os.environ.get("OG_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
UNITS = os.path.join(SRC, "contrib", "systemd")


def units():
    sa = shutil.which("systemd-analyze")
    if not sa:
        print("ok - # SKIP systemd-analyze not available")
        return
    exe = os.environ.get("OPSGRADE")
    if not exe or not os.access(exe, os.X_OK):
        exe = "/bin/true"  # verify checks that ExecStart's binary exists
    for name in ("opsgrade-report.service", "opsgrade-report.timer"):
        with open(os.path.join(UNITS, name)) as f:
            text = f.read()
        with open(os.path.join(TMP, name), "w") as f:
            f.write(text.replace("/usr/bin/opsgrade", exe))
    p = subprocess.run([sa, "verify", "--man=no", "opsgrade-report.timer",
                        "opsgrade-report.service"], cwd=TMP, capture_output=True, text=True,
                       env=dict(os.environ, SYSTEMD_LOG_LEVEL="notice"))
    # Unknown keys are only warnings (exit 0): treat any output as failure.
    check(p.returncode == 0 and not p.stderr.strip() and not p.stdout.strip(),
          "systemd-analyze verify: clean (%s)" % (p.stderr.strip() or "no output"))
    with open(os.path.join(UNITS, "opsgrade-report.timer")) as f:
        timer = f.read()
    cal = re.search(r"^OnCalendar=(.*)$", timer, re.M).group(1)
    check(cal == "weekly" and re.search(r"^Persistent=true$", timer, re.M),
          "timer: OnCalendar=weekly, Persistent=true")
    p = subprocess.run([sa, "calendar", cal], capture_output=True, text=True)
    check(p.returncode == 0 and "Mon *-*-* 00:00:00" in p.stdout, "calendar expression parses")
    with open(os.path.join(UNITS, "opsgrade-report.service")) as f:
        svc = f.read()
    check("--lock" in svc and "--quiet" in svc and "Type=oneshot" in svc,
          "service: oneshot, --quiet, --lock")
    check("mail.password_file=%d/" in svc and "mail.password=" not in svc
          and "PASSWORD=" not in svc, "service: secrets via credentials files only")


def cron():
    with open(os.path.join(SRC, "contrib", "cron.example")) as f:
        lines = [l for l in f.read().splitlines() if l.strip() and not l.startswith("#")]
    jobs = [l for l in lines if not re.match(r"^[A-Z_]+=", l)]
    check(len(jobs) == 1, "one cron job line")
    fields = jobs[0].split(None, 5)
    check(len(fields) == 6 and all(re.match(r"^[0-9*,/-]+$", x) for x in fields[:5]),
          "five schedule fields")
    cmd = fields[5]
    check(cmd.startswith("/") and "--quiet" in cmd and "--lock" in cmd,
          "absolute path, --quiet, --lock")
    p = subprocess.run(["/bin/sh", "-n", "-c", cmd], capture_output=True, text=True)
    check(p.returncode == 0, "command is valid /bin/sh")


main([units, cron])
