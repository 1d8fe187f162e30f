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
        # the service is a template: meson puts the installed CLI's path in
        src = os.path.join(UNITS, name + (".in" if name.endswith(".service") else ""))
        with open(src) as f:
            text = f.read()
        with open(os.path.join(TMP, name), "w") as f:
            f.write(text.replace("@bindir@/opsgrade", exe))
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
    with open(os.path.join(UNITS, "opsgrade-report.service.in")) as f:
        svc = f.read()
    check(re.search(r"^ExecStart=@bindir@/opsgrade ", svc, re.M),
          "service: ExecStart is the installed CLI (@bindir@, filled in by meson)")
    check("--lock" in svc and "--quiet" in svc and "Type=oneshot" in svc,
          "service: oneshot, --quiet, --lock")
    start = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", svc, re.M).group(1)
    check("mail.password=" not in svc and "PASSWORD=" not in svc
          and "/run/credentials/opsgrade-report.service/" in svc,
          "service: secrets only as credential files (documented)")
    check("token_file" not in start and "password_file" not in start
          and not re.search(r"^LoadCredential=", svc, re.M),
          "service: runs without secrets as shipped (a missing credential file fails the unit; "
          "a token switches the github collector on)")


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
    # run it as cron would: a fresh account without ~/.cache, in $HOME
    exe = os.environ.get("OPSGRADE")
    if not exe:
        return
    home = os.path.join(TMP, "cron-home")
    conf = os.path.join(home, ".config", "opsgrade")
    os.makedirs(conf)
    with open(os.path.join(conf, "opsgrade.json"), "w") as f:
        f.write('{"subject": "cron-demo", "output_dir": "%s"}' % os.path.join(home, "out"))
    with open(os.path.join(home, "README.md"), "w") as f:
        f.write("# demo\n")
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "LOGNAME": "cron",
           "SOURCE_DATE_EPOCH": "1795000000"}
    for k in ("OPSGRADE_PLUGIN_PATH", "OPSGRADE_DATA_DIR", "OPSGRADE_NO_DEFAULT_PLUGINS"):
        if k in os.environ:
            env[k] = os.environ[k]
    p = subprocess.run(["/bin/sh", "-c", re.sub(r"^/\S*/opsgrade", exe, cmd)], cwd=home, env=env,
                       capture_output=True, text=True, timeout=300)
    check(p.returncode in (0, 1) and os.path.exists(os.path.join(home, "out", "report.json")),
          "the cron line runs as written on a fresh account (exit %d: %s)"
          % (p.returncode, p.stderr.strip()[-300:]))


main([units, cron])
