#!/usr/bin/python3
"""Replay of recorded api.github.com answers (../shared/corpus/github:
PyGithub recordings, gh CLI fixtures) from the loopback fixture server,
each with its recorded HTTP status, Content-Type and Link header (URLs
pointed at the fixture).  The expected facts below were worked out by hand
from those files (see the comments).  Skipped (77) without ../shared.

usage: test-github-replay.py GITHUB_PLUGIN.so   (env: OPSGRADE, OG_SHARED)
"""

import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ghfixture  # noqa: E402
from ghfixture import Route  # noqa: E402
from ghrun import collect, load_report, run_cli  # noqa: E402
from ogtest import check, done  # noqa: E402

WINDOW = 2300   # days before the fixed clock (2026-06-01): back to 2020-02
CORPUS = os.path.join(os.environ.get("OG_SHARED", ""), "corpus", "github")


def recorded(fx, name):
    """The recorded body, status and headers of corpus/github/NAME."""
    with open(os.path.join(CORPUS, "_responses.meta.json"), encoding="utf-8") as f:
        meta = json.load(f).get("github/" + name, {})
    with open(os.path.join(CORPUS, name), "rb") as f:
        body = f.read()
    headers = {"Content-Type": meta.get("content-type", "application/json")}
    if meta.get("link"):
        headers["Link"] = meta["link"].replace("https://api.github.com", fx.url)
    return Route(body, status=meta.get("status", 200), headers=headers)


def facts_of(fx, repo, extra=None):
    cache = tempfile.TemporaryDirectory(prefix="og-gh-replay-")
    try:
        rc, facts, events, partial, err = collect(
            fx, dict({"repo": repo}, **(extra or {})), cache.name)
    finally:
        cache.cleanup()
    check("%s: collect ran" % repo, rc in (0, 3), err)
    return facts, events


def val(facts, key):
    f = facts.get(key)
    return None if f is None else (f["value"] if f["type"] != "unknown" else "?")


def kpi_checks(kpis, events, facts):
    """By hand from deployments.pygithub.json (2 deployments, no
    success/failure status: the 3 recorded statuses are "queued" and
    belong to the "test" one) and actions-runs.pygithub.json (5 completed
    successful runs on 2020-05-20, 3 of them pushes to master)."""
    runs = [e for e in events if e["type"] == "workflow_run"]
    check("replay: 5 workflow_run events, all success", len(runs) == 5 and
          all(e["attrs"]["conclusion"] == "success" for e in runs), runs)
    check("replay: 3 runs are pushes to master",
          sum(e["attrs"]["branch"] == "master" and e["attrs"]["event"] == "push"
              for e in runs) == 3)
    check("replay: no deployment event without a decisive status",
          not [e for e in events if e["type"] == "deployment"] and
          facts.get("github.deployments.count") == 0, facts.get("github.deployments.count"))
    for k in ("deployment_frequency", "lead_time_for_changes", "build_success_rate"):
        check("replay: KPI %s not measured, not a made-up value" % k,
              kpis[k]["status"] == "not measured" and kpis[k]["value"] is None, kpis[k])


def main():
    if not os.path.exists(os.path.join(CORPUS, "_responses.meta.json")):
        print("SKIP: no recorded GitHub answers at %s (../shared is absent "
              "in a plain clone; CI has it)" % CORPUS)
        return 77
    fx = ghfixture.Fixture().start()   # routes are read per request
    base = "/repos/curvewise-forks/PyGithub"
    for path, name in [
            ("", "repo.pygithub.json"),
            ("/branches/master/protection", "branches-protection.pygithub.json"),
            ("/rules/branches/master", "rules-branches.cli-fixture.json"),
            ("/git/trees/master", "git-trees-recursive.pygithub.json"),
            ("/deployments", "deployments.pygithub.json"),
            ("/actions/runs", "actions-runs.pygithub.json"),
            ("/releases", "releases-small.pygithub.json"),
            ("/dependabot/alerts", "dependabot-alerts.pygithub.json"),
            ("/code-scanning/alerts", "code-scanning-alerts.pygithub.json"),
            ("/environments", "environments.pygithub.json"),
            ("/commits", "commits.pygithub.json")]:
        fx.routes[base + path] = recorded(fx, name)
    old = "/repos/jacquev6/TestRepo"
    fx.routes[old] = recorded(fx, "repo.2012.pygithub.json")
    fx.routes[old + "/branches/master/protection"] = recorded(
        fx, "branches-protection-404.pygithub.json")
    fx.routes[old + "/rules/branches/master"] = Route([])
    fx.routes["/repos/jacquev6/Xxx"] = recorded(fx, "repo-404.pygithub.json")
    try:
        f, _ = facts_of(fx, "curvewise-forks/PyGithub")
        for key, want in [
                # repo.pygithub.json
                ("github.repo.default_branch", "master"),
                ("github.repo.visibility", "public"),
                ("github.repo.archived", False),
                ("github.repo.license", "LGPL-3.0"),
                ("github.secret_scanning", False),
                ("github.push_protection", False),
                # branches-protection.pygithub.json: 1 review, status check
                # "build (3.10)", enforce_admins, no force push / deletion;
                # rules-branches.cli-fixture.json adds required_signatures
                # (its other rules are patterns and creation)
                ("github.branch_protection.enabled", True),
                ("github.branch_protection.required_reviews", 1),
                ("github.branch_protection.status_checks", True),
                ("github.branch_protection.signed_commits", True),
                ("github.branch_protection.force_push_blocked", True),
                ("github.branch_protection.deletion_blocked", True),
                ("github.branch_protection.enforce_admins", True),
                ("github.branch_protection.codeowner_reviews", False),
                ("github.branch_protection.dismiss_stale", False),
                # dependabot-alerts.pygithub.json: 1 alert, dismissed
                ("github.dependabot.alerts.open", 0),
                ("github.dependabot.alerts.medium", 0),
                # code-scanning-alerts.pygithub.json: 14 alerts, 10 fixed,
                # 4 open, all security_severity_level medium
                ("github.code_scanning.alerts.open", 4),
                ("github.code_scanning.alerts.medium", 4),
                ("github.code_scanning.alerts.high", 0),
                # environments.pygithub.json: "dev" with required reviewers
                ("github.environments.count", 1),
                # releases-small.pygithub.json: one release with an asset
                ("github.releases.count", 1),
                # git tree of 2012 PyGithub: ReadMe.md, no workflows
                ("docs.readme", True),
                ("ci.present", False),
                # commits.pygithub.json: Link rel="next" (last_sha cursor),
                # no rel="last": not a count
                ("github.activity.commits_90d", "?"),
        ]:
            got = val(f, key)
            check("replay: %s = %r" % (key, want), got == want, "(got %r)" % (got,))

        # KPIs over the recorded deployments (2020-08-26: "production"
        # 262350588 and "test" 263877258, same sha), window reaching back
        # to them from the fixed clock
        tmp = tempfile.mkdtemp(prefix="og-gh-replay-kpi-")
        out = os.path.join(tmp, "out")
        p = run_cli(["report", "--github", "curvewise-forks/PyGithub",
                     "--github-url", fx.url, "--format", "json",
                     "--output-dir", out, "--set", "http.cache_dir=" +
                     os.path.join(tmp, "cache"), "--set",
                     "collectors.github.window_days=" + str(WINDOW)], tmp)
        rep = load_report(os.path.join(out, "report.json"))
        shutil.rmtree(tmp, ignore_errors=True)
        kpis = {k["id"]: k for k in rep["assessment"]["kpis"]}
        check("replay: report ran", p.returncode in (0, 1, 3), p.stderr[-300:])
        kpi_checks(kpis, rep["events"],
                   {x["key"]: x.get("value") for x in rep["facts"]})
        f, _ = facts_of(fx, "jacquev6/TestRepo")
        # repo.2012.pygithub.json names the branch "master_branch"
        check("replay 2012: default branch from master_branch",
              val(f, "github.repo.default_branch") == "master",
              f.get("github.repo.default_branch"))
        # 404 {"message": "Branch not protected"}, no rules
        check("replay 2012: not protected",
              val(f, "github.branch_protection.enabled") is False and
              val(f, "github.branch_protection.required_reviews") == 0)

        cache = tempfile.TemporaryDirectory(prefix="og-gh-replay-")
        try:
            rc, f, _, partial, err = collect(fx, {"repo": "jacquev6/Xxx"}, cache.name)
        finally:
            cache.cleanup()
        check("replay 404 repository: the run says so",
              rc != 0 and ("404" in err or "Not Found" in err or partial), (rc, err[-300:]))
    finally:
        fx.stop()
    return done()


sys.exit(main())
