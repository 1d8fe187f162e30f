#!/usr/bin/python3
"""The shipped Dockerfile and CI recipes pass opsgrade's own checks: the
repo collector run over a checkout holding them (Dockerfile, .dockerignore,
the GitHub Actions workflows, plain and org matrix, and the GitLab job) reports a multi-stage,
non-root image on a digest-pinned base, and least-privilege, SHA-pinned,
non-dangerous workflows.  No container engine is needed.

Then the plain recipes' jobs are run as their runners would, with the
CLI of this build on PATH in place of the image: the GitHub Actions job's
run steps and the GitLab job's script in a workspace holding the bundled
example checkout; the JUnit file each publishes and the reports each keeps
must be there, and the exit is the gates' verdict (0, or 1 = fail the
job)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ["OG_SOURCE_ROOT"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402
import cmdline  # noqa: E402
import yaml  # noqa: E402

CI = os.path.join(SRC, "contrib", "ci")
EXAMPLE = os.path.join(SRC, "data", "example", "acme-shop")


def job_env(tmp, ws):
    bindir = os.path.join(tmp, "bin")
    if not os.path.isdir(bindir):
        os.makedirs(bindir)
        os.symlink(os.environ["OPSGRADE"], os.path.join(bindir, "opsgrade"))
    return dict(os.environ, PATH=bindir + ":/usr/bin:/bin", HOME=ws,
                XDG_STATE_HOME=os.path.join(ws, ".state"),
                XDG_CACHE_HOME=os.path.join(ws, ".cache"))


def workspace(tmp, name):
    ws = os.path.join(tmp, "ws-" + name)
    shutil.copytree(EXAMPLE, ws)
    return ws


def run_script(text, ws, env):
    return subprocess.run(["sh", "-e", "-c", text], cwd=ws, env=env, capture_output=True,
                          text=True, timeout=120)


def published(ws, what, paths):
    """The files a job publishes exist; the JUnit one is a test suite."""
    for p in paths:
        f = os.path.join(ws, p)
        ok = os.path.isfile(f) and os.path.getsize(f) > 0
        if ok and p.endswith(".xml"):
            ok = re.search(r"<testsuites?\b", open(f).read()) is not None
        check("%s: publishes %s" % (what, p), ok)


def gate_verdict(ws, what, rc, out):
    rep = os.path.join(ws, "opsgrade-report", "report.json")
    failed = []
    if os.path.exists(rep):
        r = json.load(open(rep))
        failed = [g["id"] for g in r.get("gates") or [] if g["status"] == "fail"]
        crit = sum(1 for f in r["findings"] if f.get("severity") == "critical" and
                   f.get("state", "open") == "open")
        if crit:
            failed.append("fail-on critical (%d)" % crit)
    check("%s: exit %d is the gates' verdict %s" % (what, rc, failed),
          rc == (1 if failed else 0), out[-500:])


def github_job(tmp):
    wf = yaml.safe_load(open(os.path.join(CI, "github-actions.yml")))
    (name, job), = wf["jobs"].items()
    ws = workspace(tmp, "gha")
    env = job_env(tmp, ws)
    calls = [c for st in job["steps"] for c in cmdline.calls_in_shell(st.get("run", ""))]
    bad = cmdline.unknown_options(os.environ["OPSGRADE"], calls, env)
    check("actions: every opsgrade option exists", calls and not bad, bad)
    junit, kept, rc, out = [], [], None, ""
    for st in job["steps"]:
        uses = st.get("uses", "").split("@")[0]
        if "run" in st:
            step_env = dict(env, **{k: re.sub(r"\$\{\{.*?\}\}", "ghs_fake", str(v))
                                    for k, v in st.get("env", {}).items()})
            p = run_script(st["run"], ws, step_env)
            rc, out = p.returncode, p.stdout + p.stderr
        elif uses == "mikepenz/action-junit-report":
            check("actions: JUnit published even when the gate fails",
                  st.get("if") == "always()")
            junit.append(st["with"]["report_paths"])
        elif uses == "actions/upload-artifact":
            kept += st["with"]["path"].split()
    gate_verdict(ws, "actions", rc, out)
    published(ws, "actions", junit + kept)


def gitlab_job(tmp):
    jobs = yaml.safe_load(open(os.path.join(CI, "gitlab-ci.yml")))
    (name, job), = jobs.items()
    ws = workspace(tmp, "gitlab")
    env = dict(job_env(tmp, ws), CI_PROJECT_DIR=ws)
    # this project's policy (./opsgrade.json is read by default) fails a
    # gate: the job must fail, with the JUnit and reports still kept
    with open(os.path.join(ws, "opsgrade.json"), "w") as f:
        json.dump({"gates": {"min_level": 5}}, f)
    calls = [c for line in job["script"] for c in cmdline.calls_in_shell(line)]
    bad = cmdline.unknown_options(os.environ["OPSGRADE"], calls, env)
    check("gitlab: every opsgrade option exists", calls and not bad, bad)
    p = run_script("\n".join(job["script"]), ws, env)
    gate_verdict(ws, "gitlab", p.returncode, p.stdout + p.stderr)
    art = job["artifacts"]
    check("gitlab: artifacts kept when the job fails", art.get("when") == "always")
    published(ws, "gitlab", [art["reports"]["junit"]] + art["paths"])


def main():
    tmp = tempfile.mkdtemp(prefix="og-contrib-")
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, ".github", "workflows"))
    shutil.copy(os.path.join(SRC, "Dockerfile"), repo)
    shutil.copy(os.path.join(SRC, ".dockerignore"), repo)
    shutil.copy(os.path.join(SRC, "contrib", "ci", "github-actions.yml"),
                os.path.join(repo, ".github", "workflows", "opsgrade.yml"))
    shutil.copy(os.path.join(SRC, "contrib", "ci", "github-actions-org.yml"),
                os.path.join(repo, ".github", "workflows", "opsgrade-org.yml"))
    shutil.copy(os.path.join(SRC, "contrib", "ci", "gitlab-ci.yml"),
                os.path.join(repo, ".gitlab-ci.yml"))
    out = os.path.join(tmp, "report.json")
    env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, "state"),
               XDG_CACHE_HOME=os.path.join(tmp, "cache"), OPSGRADE_NO_DEFAULT_PLUGINS="0")
    p = subprocess.run([os.environ["OPSGRADE"], "collect", repo, "-o", out, "--quiet"],
                       capture_output=True, text=True, env=env, timeout=120, cwd=tmp)
    check("repo collector runs (rc %d) %s" % (p.returncode, p.stderr.strip()[:300]),
          p.returncode == 0 and os.path.exists(out))
    facts = {}
    if os.path.exists(out):
        for f in json.load(open(out))["facts"]:
            facts[f["key"]] = f.get("value")
    for key, want in (("container.dockerfile.multistage", True),
                      ("container.dockerfile.nonroot", True),
                      ("container.dockerfile.base_pinned", True),
                      ("container.dockerignore", True),
                      ("scorecard.token_permissions", True),
                      ("scorecard.pinned_actions", True),
                      ("scorecard.dangerous_workflow", False),
                      ("ci.workflows.count", 3)):
        check("%s = %r (got %r)" % (key, want, facts.get(key)), facts.get(key) == want)
    github_job(tmp)
    gitlab_job(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
