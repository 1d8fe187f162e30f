#!/usr/bin/python3
"""What a person at a terminal or cron sees: per-command help, "did you
mean", collect's default output, the progress line (TTY only), history of
every subject, the one-line failed-gate notice under --quiet, the lock
holder, --shard-from-env, and shell completions generated from the option
table (they must offer exactly what --help lists)."""
import fcntl
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
BUILD = os.environ["OG_BUILD_ROOT"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402

TMP = tempfile.mkdtemp(prefix="og-cli-ux-")
PLUGINS = os.path.join(TMP, "plugins")
os.makedirs(PLUGINS)
shutil.copy(os.path.join(BUILD, "tests", "core", "good.so"), PLUGINS)
ENV = dict(os.environ, OPSGRADE_NO_DEFAULT_PLUGINS="1", HOME=os.path.join(TMP, "home"),
           XDG_STATE_HOME=os.path.join(TMP, "state"), XDG_CACHE_HOME=os.path.join(TMP, "cache"),
           SOURCE_DATE_EPOCH="1764000000")
ENV.pop("OPSGRADE_PLUGIN_PATH", None)


def run(args, cwd=TMP, env=None):
    return subprocess.run([OPSGRADE] + args, capture_output=True, text=True, cwd=cwd,
                          env=dict(ENV, **(env or {})), timeout=120)


# the built collectors, so their declared flags show in help and completions
WITH_PLUGINS = {"OPSGRADE_NO_DEFAULT_PLUGINS": "0"}


def options_in_help(cmd):
    out = run([cmd, "--help"], env=WITH_PLUGINS).stdout
    return set(re.findall(r"^\s+(?:-\w, )?--([a-z-]+)", out, re.M))


def help_per_command():
    collect, report, render = (options_in_help(c) for c in ("collect", "report", "render"))
    check("collect --help lists collectors, not mail or PDF options",
          {"trivy", "github", "out"} <= collect and not {"mail-to", "paper", "from"} & collect)
    check("render --help lists --from and rendering, no collectors",
          {"from", "paper", "format"} <= render and not {"trivy", "github", "mail-to"} & render)
    check("report --help has mail and collectors", {"mail-to", "trivy", "quiet-gates"} <= report)
    out = run(["report", "--help"], env=WITH_PLUGINS).stdout
    check("a collector flag names the config key it sets",
          re.search(r"^\s+--trivy FILE .*\[collectors\.trivy\.reports\]$", out, re.M), out)
    check("merge --help offers the report's delivery (mail, formats, history)",
          {"mail-to", "mail-on", "format", "history", "out"} <= options_in_help("merge"))
    check("history --help is short", options_in_help("history") & {"subject", "json", "history"}
          == {"subject", "json", "history"} and "trivy" not in options_in_help("history"))
    p = run(["--help"])
    check("top-level help lists commands, hides completion",
          p.returncode == 0 and "history" in p.stdout and "completion" not in p.stdout)


def did_you_mean():
    p = run(["report", "--trivvy", "x.json"], env=WITH_PLUGINS)
    check("mistyped option: exit 2, suggestion", p.returncode == 2 and
          "did you mean '--trivy'" in p.stderr, p.stderr)
    p = run(["reprot"])
    check("mistyped command: exit 2, suggestion", p.returncode == 2 and
          "did you mean 'report'" in p.stderr, p.stderr)
    p = run(["render", "--trivy", "x.json"], env=WITH_PLUGINS)
    check("option of another command: exit 2, says so", p.returncode == 2 and
          "does not apply" in p.stderr, p.stderr)
    # merge runs no collector: a collector concurrency there would be ignored
    p = run(["merge", "a.json", "b.json", "--jobs", "2"])
    check("merge --jobs: exit 2, does not apply", p.returncode == 2 and
          "does not apply" in p.stderr, p.stderr)
    p = run(["report", "--frobnicate"])
    check("nothing close: no suggestion", p.returncode == 2 and "did you mean" not in p.stderr)


def collect_default():
    d = os.path.join(TMP, "cwd")
    os.makedirs(d)
    p = run(["collect", "--plugin-dir", PLUGINS], cwd=d)
    check("collect writes ./report.json by default (rc %d %s)" % (p.returncode, p.stderr),
          p.returncode == 0 and os.path.exists(os.path.join(d, "report.json")) and
          not os.path.exists(os.path.join(d, "opsgrade-report")))
    check("no progress line when stderr is not a terminal", "\r" not in p.stderr and
          "collectors done" not in p.stderr)


def progress_on_tty():
    master, slave = pty.openpty()
    d = os.path.join(TMP, "tty")
    os.makedirs(d)
    proc = subprocess.Popen([OPSGRADE, "collect", "--plugin-dir", PLUGINS], cwd=d, env=ENV,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:        # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(60)
    os.close(master)
    text = out.decode("utf-8", "replace")
    check("TTY: one line per collector with its status and time",
          re.search(r"good\s+ok\s+[\d.]+ s\s+\d+ facts", text) is not None, repr(text[:300]))
    proc = subprocess.run([OPSGRADE, "collect", "--quiet", "--plugin-dir", PLUGINS], cwd=d,
                          env=ENV, capture_output=True, text=True, timeout=60)
    check("--quiet: no progress", "facts" not in proc.stderr)


def quiet_gates():
    args = ["report", "--plugin-dir", PLUGINS, "--quiet", "--output-dir",
            os.path.join(TMP, "q"), "--set", "gates.min_level=5", "--format", "json"]
    p = run(args)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check("--quiet + failed gate: exit 1, one line on stderr naming it (%r)" % p.stderr,
          p.returncode == 1 and len(lines) == 1 and "gate" in lines[0] and "level" in lines[0])
    check("--quiet: nothing on stdout", p.stdout == "")
    p = run(args + ["--quiet-gates"])
    check("--quiet-gates: silent, still exit 1", p.returncode == 1 and p.stderr == "", p.stderr)
    p = run(args[:-4] + ["--format", "json"])
    check("--quiet without a failed gate: silent", p.returncode == 0 and p.stderr == "" and
          p.stdout == "", p.stderr)


def lock_holder():
    lock = os.path.join(TMP, "run.lock")
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        p = run(["report", "--plugin-dir", PLUGINS, "--lock", lock, "--format", "json",
                 "--output-dir", os.path.join(TMP, "l")])
        check("lock held by a program writing no PID: exit 75, 'unknown process' (%s)" % p.stderr,
              p.returncode == 75 and "unknown process" in p.stderr and "pid 0" not in p.stderr)
        f.write("%d\n" % os.getpid())
        f.flush()
        p = run(["report", "--plugin-dir", PLUGINS, "--lock", lock, "--format", "json",
                 "--output-dir", os.path.join(TMP, "l")])
        check("lock holder named with its PID and program (%s)" % p.stderr.strip(),
              p.returncode == 75 and "pid %d" % os.getpid() in p.stderr and "python" in p.stderr)


def history_subjects():
    env = {"XDG_STATE_HOME": os.path.join(TMP, "hist-state")}
    p = run(["history"], env=env)
    check("history with no history: exit 0, says so", p.returncode == 0 and "No history" in p.stdout)
    for s in ("acme/api", "acme/web"):
        run(["report", "--plugin-dir", PLUGINS, "--subject", s, "--format", "json",
             "--output-dir", os.path.join(TMP, "h")], env=env)
    p = run(["history"], env=env)
    check("history lists every subject with level and date",
          p.returncode == 0 and re.search(r"acme/api\s+\d\s+2025-11-24", p.stdout) and
          "acme/web" in p.stdout, p.stdout)
    p = run(["history", "--json"], env=env)
    subj = json.loads(p.stdout)["subjects"]
    check("history --json: subjects with level, at, snapshots",
          [s["subject"] for s in subj] == ["acme/api", "acme/web"] and
          all(s["level"] is not None and s["at"] and s["snapshots"] == 1 for s in subj))
    p = run(["history", "--subject", "acme/api"], env=env)
    check("history --subject: that subject's snapshots", p.returncode == 0 and
          "1 snapshot" in p.stdout, p.stdout)


def shard_env():
    p = run(["collect", "--plugin-dir", PLUGINS, "--shard-from-env", "-o",
             os.path.join(TMP, "s.json")], env={"JOB_COMPLETION_INDEX": "1"})
    check("--shard-from-env without a count: exit 2, names the variable",
          p.returncode == 2 and "OPSGRADE_SHARD_COUNT" in p.stderr)
    p = run(["collect", "--plugin-dir", PLUGINS, "--shard-from-env", "-o",
             os.path.join(TMP, "s.json")],
            env={"JOB_COMPLETION_INDEX": "3", "OPSGRADE_SHARD_COUNT": "3"})
    check("index beyond the count: exit 2", p.returncode == 2)


def completions():
    b = run(["completion", "bash"], env=WITH_PLUGINS)
    check("bash completion generated", b.returncode == 0 and "complete -o filenames" in b.stdout)
    syn = subprocess.run(["bash", "-n"], input=b.stdout, capture_output=True, text=True)
    check("bash completion parses", syn.returncode == 0, syn.stderr)
    script = b.stdout
    for cmd in ("report", "collect", "render", "merge", "plugins", "history"):
        m = re.search(r"^\t%s\) words_opts=\"([^\"]*)\"" % cmd, script, re.M)
        offered = set(re.findall(r"--([a-z-]+)", m.group(1))) if m else set()
        check("bash offers exactly %s --help's options" % cmd, offered == options_in_help(cmd),
              str(offered ^ options_in_help(cmd)))
    # the completion function itself, in a real bash
    sh = script + '\nCOMP_WORDS=(opsgrade render --pa); COMP_CWORD=2; _opsgrade; echo "${COMPREPLY[@]}"\n' \
        'COMP_WORDS=(opsgrade render --paper ""); COMP_CWORD=3; _opsgrade; echo "${COMPREPLY[@]}"\n'
    r = subprocess.run(["bash", "-c", sh], capture_output=True, text=True)
    check("bash completes an option and its values", r.stdout.split("\n")[:2] ==
          ["--paper", "a4 letter"], repr(r.stdout))
    z = run(["completion", "zsh"], env=WITH_PLUGINS)
    check("zsh completion generated", z.returncode == 0 and z.stdout.startswith("#compdef opsgrade"))
    if shutil.which("zsh"):
        r = subprocess.run(["zsh", "-n"], input=z.stdout, capture_output=True, text=True)
        check("zsh completion parses", r.returncode == 0, r.stderr)
    check("unknown shell: exit 2", run(["completion", "fish"]).returncode == 2)


def main():
    try:
        help_per_command()
        did_you_mean()
        collect_default()
        progress_on_tty()
        quiet_gates()
        lock_holder()
        history_subjects()
        shard_env()
        completions()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
