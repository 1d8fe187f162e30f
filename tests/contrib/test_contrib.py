#!/usr/bin/python3
"""The shipped Dockerfile and CI recipes pass opsgrade's own checks: the
repo collector run over a checkout holding them (Dockerfile, .dockerignore,
the GitHub Actions workflows, plain and org matrix, and the GitLab job) reports a multi-stage,
non-root image on a digest-pinned base, and least-privilege, SHA-pinned,
non-dangerous workflows.  No container engine is needed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ["OG_SOURCE_ROOT"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402


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
    shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
