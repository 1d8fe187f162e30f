"""Fixture data for the github collector tests: an organisation "acme"
with repositories whose expected facts and KPI inputs are written down by
hand in test-github.py.  Times are relative to NOW (SOURCE_DATE_EPOCH).
"""

import calendar
import time

from ghfixture import Route

NOW = 1780272000          # 2026-06-01T00:00:00Z
DAY = 86400
SINCE = NOW - 90 * DAY


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_iso(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def created_filter(items, query):
    """/actions/runs?created=A..B (inclusive), newest first like GitHub."""
    c = query.get("created")
    if c and ".." in c:
        a, b = c.split("..")
        lo, hi = parse_iso(a), parse_iso(b)
        items = [r for r in items if lo <= parse_iso(r["created_at"]) <= hi]
    return items


def repo_obj(full, **kw):
    o = {
        "full_name": full, "name": full.split("/")[1], "default_branch": "main",
        "archived": False, "fork": False, "visibility": "private",
        "license": {"spdx_id": "MIT"}, "topics": ["web"],
        "permissions": {"admin": False, "push": True, "pull": True},
        "created_at": iso(NOW - 400 * DAY), "updated_at": iso(NOW - 20 * DAY),
        "pushed_at": iso(NOW - 2 * DAY),
    }
    o.update(kw)
    return o


def run(i, name, concl, created, branch="main"):
    return {"id": 100000 + i, "name": name, "event": "push", "status": "completed",
            "conclusion": concl, "head_branch": branch, "head_sha": "%040x" % i,
            "created_at": iso(created), "run_started_at": iso(created + 10),
            "updated_at": iso(created + 310), "run_attempt": 1}


NOT_PROTECTED = {"message": "Branch not protected",
                 "documentation_url": "https://docs.github.com/rest/branches/branch-protection"}


def not_protected():
    """GitHub's answer for an existing branch without classic protection
    (a bare 404 "Not Found" says nothing about protection)."""
    return Route(NOT_PROTECTED, status=404)


def add_shop(routes, base="/repos/acme/shop"):
    """The well-equipped repository: 1,500 runs (window split),
    deployments with statuses, PRs, incidents, permission walls."""
    routes[base] = Route(repo_obj("acme/shop"))
    routes[base + "/branches/main/protection"] = Route({
        "required_pull_request_reviews": {"required_approving_review_count": 2,
                                          "dismiss_stale_reviews": True,
                                          "require_code_owner_reviews": False},
        "required_status_checks": {"contexts": ["ci"], "checks": [{"context": "ci"}]},
        "required_signatures": {"enabled": False},
        "allow_force_pushes": {"enabled": False},
        "allow_deletions": {"enabled": False},
        "enforce_admins": {"enabled": True},
    })
    routes[base + "/rules/branches/main"] = Route([])
    routes[base + "/git/trees/main"] = Route({"truncated": False, "tree": [
        {"path": p, "type": "blob"} for p in [
            ".github/workflows/ci.yml", ".github/workflows/deploy.yml",
            ".github/dependabot.yml", "SECURITY.md", "Dockerfile", "README.md",
            "LICENSE", "src/main.c", "docs/guide.md"]] + [{"path": "src", "type": "tree"}]})
    runs = []
    for i in range(1500):
        created = SINCE + 3600 + i * 5000
        name = "CI" if i % 2 == 0 else "Deploy"
        concl = "failure" if i % 10 == 0 else "success"
        runs.append(run(i, name, concl, created))
    runs.reverse()  # newest first
    routes[base + "/actions/runs"] = Route(runs, wrap="workflow_runs",
                                           filt=created_filter, cap=1000)
    deps = [
        {"id": 1, "environment": "production", "sha": "a" * 40, "created_at": iso(NOW - 2 * DAY)},
        {"id": 2, "environment": "staging", "sha": "b" * 40, "created_at": iso(NOW - 3 * DAY)},
        {"id": 3, "environment": "Production-EU", "sha": "c" * 40, "created_at": iso(NOW - 5 * DAY)},
        {"id": 4, "environment": "production", "sha": "d" * 40, "created_at": iso(NOW - 6 * DAY)},
        {"id": 5, "environment": "production", "sha": "e" * 40, "created_at": iso(NOW - 100 * DAY)},
    ]
    routes[base + "/deployments"] = Route(deps)
    routes[base + "/deployments/1/statuses"] = Route([
        {"state": "success", "created_at": iso(NOW - 2 * DAY + 600)},
        {"state": "in_progress", "created_at": iso(NOW - 2 * DAY + 60)}])
    routes[base + "/deployments/3/statuses"] = Route([
        {"state": "failure", "created_at": iso(NOW - 5 * DAY + 900)}])
    routes[base + "/deployments/4/statuses"] = Route([
        {"state": "in_progress", "created_at": iso(NOW - 6 * DAY + 30)}])
    routes[base + "/releases"] = Route([
        {"id": 71, "tag_name": "v1.2.0", "draft": False, "prerelease": False,
         "published_at": iso(NOW - 10 * DAY), "target_commitish": "main",
         "assets": [{"name": "app.tar.gz"}, {"name": "app.tar.gz.sig"},
                    {"name": "app.spdx.json"}]},
        {"id": 70, "tag_name": "v1.1.0", "draft": False, "prerelease": False,
         "published_at": iso(NOW - 200 * DAY), "assets": []},
    ])
    routes[base + "/pulls"] = Route([
        {"number": 12, "user": {"login": "alice"}, "updated_at": iso(NOW - 1 * DAY),
         "created_at": iso(NOW - 3 * DAY), "merged_at": iso(NOW - 1 * DAY),
         "merge_commit_sha": "f" * 40},
        {"number": 11, "user": {"login": "carol"}, "updated_at": iso(NOW - 4 * DAY),
         "created_at": iso(NOW - 5 * DAY), "merged_at": None},
        {"number": 10, "user": {"login": "alice"}, "updated_at": iso(NOW - 8 * DAY),
         "created_at": iso(NOW - 10 * DAY), "merged_at": iso(NOW - 8 * DAY),
         "merge_commit_sha": "9" * 40},
        {"number": 5, "user": {"login": "dave"}, "updated_at": iso(NOW - 95 * DAY),
         "created_at": iso(NOW - 96 * DAY), "merged_at": iso(NOW - 95 * DAY)},
    ])
    routes[base + "/pulls/12/commits"] = Route([
        {"commit": {"author": {"date": iso(NOW - 4 * DAY)}}},
        {"commit": {"author": {"date": iso(NOW - 2 * DAY)}}}])
    routes[base + "/pulls/10/commits"] = Route([
        {"commit": {"author": {"date": iso(NOW - 12 * DAY)}}}])
    routes[base + "/pulls/12/reviews"] = Route([
        {"user": {"login": "alice"}, "state": "APPROVED"}])
    routes[base + "/pulls/10/reviews"] = Route([
        {"user": {"login": "bob"}, "state": "CHANGES_REQUESTED"},
        {"user": {"login": "bob"}, "state": "APPROVED"}])
    routes[base + "/issues"] = Route([
        {"number": 20, "created_at": iso(NOW - 5 * DAY + 1000),
         "closed_at": iso(NOW - 5 * DAY + 1000 + 7200), "state": "closed"},
        {"number": 21, "created_at": iso(NOW - 1 * DAY), "closed_at": None, "state": "open"},
        {"number": 22, "created_at": iso(NOW - 2 * DAY), "closed_at": None,
         "state": "open", "pull_request": {"url": "x"}},
    ])
    routes[base + "/dependabot/alerts"] = Route(
        {"message": "Dependabot alerts are disabled for this repository."}, status=403)
    routes[base + "/code-scanning/alerts"] = Route(
        {"message": "Advanced Security must be enabled for this repository to use code scanning."},
        status=403)
    routes[base + "/code-scanning/analyses"] = Route(
        {"message": "Advanced Security must be enabled for this repository to use code scanning."},
        status=403)
    routes[base + "/environments"] = Route({"total_count": 2, "environments": [
        {"name": "production", "protection_rules": [{"type": "required_reviewers"}]},
        {"name": "staging", "protection_rules": []}]})
    routes[base + "/commits"] = Route([{"sha": "%040x" % i} for i in range(42)])
    # hooks: not routed -> 404 (no admin rights)


def add_tool(routes, base="/repos/acme/tool"):
    """No deployments: the deploy workflow's runs stand in.  Admin token:
    security_and_analysis visible, alerts readable."""
    routes[base] = Route(repo_obj("acme/tool", permissions={"admin": True},
                                  security_and_analysis={
                                      "secret_scanning": {"status": "enabled"},
                                      "secret_scanning_push_protection": {"status": "disabled"},
                                      "dependabot_security_updates": {"status": "enabled"}}))
    routes[base + "/git/trees/main"] = Route({"truncated": False, "tree": [
        {"path": ".github/CODEOWNERS", "type": "blob"},
        {"path": "renovate.json", "type": "blob"}]})
    runs = []
    for i in range(10):
        runs.append(run(i, "Deploy app", "failure" if i in (3, 7) else "success",
                        NOW - (i + 1) * DAY))
    for i in range(10, 15):
        runs.append(run(i, "Deploy app", "success", NOW - (i + 1) * DAY, branch="dev"))
    routes[base + "/actions/runs"] = Route(runs, wrap="workflow_runs",
                                           filt=created_filter, cap=1000)
    routes[base + "/deployments"] = Route([])
    routes[base + "/branches/main/protection"] = not_protected()
    routes[base + "/rules/branches/main"] = Route([
        {"type": "pull_request", "parameters": {"required_approving_review_count": 1,
                                                "require_code_owner_review": True,
                                                "dismiss_stale_reviews_on_push": False}},
        {"type": "non_fast_forward"}])
    routes[base + "/dependabot/alerts"] = Route([
        {"security_advisory": {"severity": "critical"}},
        {"security_advisory": {"severity": "high"}},
        {"security_advisory": {"severity": "moderate"}},
        {"security_advisory": {"severity": "moderate"}}])
    routes[base + "/vulnerability-alerts"] = Route(None)  # 204
    routes[base + "/code-scanning/alerts"] = Route([
        {"rule": {"security_severity_level": "high"}},
        {"rule": {"severity": "warning"}}])
    routes[base + "/code-scanning/analyses"] = Route([{"id": 1, "tool": {"name": "CodeQL"}}])
    routes[base + "/hooks"] = Route([{"config": {"url": "https://x", "secret": "********"}}])
    routes[base + "/commits"] = Route([])


def add_lib(routes, base="/repos/acme/lib"):
    """Only releases: they stand in for deployments."""
    routes[base] = Route(repo_obj("acme/lib", visibility="public"))
    routes[base + "/branches/main/protection"] = not_protected()
    routes[base + "/rules/branches/main"] = Route([])
    routes[base + "/deployments"] = Route([])
    routes[base + "/actions/runs"] = Route([], wrap="workflow_runs", filt=created_filter)
    routes[base + "/releases"] = Route([
        {"id": 90 + i, "tag_name": "2.%d" % i, "draft": False, "prerelease": False,
         "published_at": iso(NOW - (i + 1) * 7 * DAY), "target_commitish": "main",
         "assets": []} for i in range(3)])


def add_org(routes):
    add_shop(routes)
    add_tool(routes)
    add_lib(routes)
    routes["/orgs/acme/repos"] = Route([
        repo_obj("acme/tool", permissions={"admin": True},
                 security_and_analysis={
                     "secret_scanning": {"status": "enabled"},
                     "secret_scanning_push_protection": {"status": "disabled"},
                     "dependabot_security_updates": {"status": "enabled"}}),
        repo_obj("acme/shop"),
        repo_obj("acme/lib", visibility="public"),
        repo_obj("acme/old", archived=True),
        repo_obj("acme/forked", fork=True),
    ])


def add_bench_org(routes, org, n):
    """n small repositories for the benchmark: realistic shapes, few items."""
    items = []
    for i in range(n):
        full = "%s/r%04d" % (org, i)
        base = "/repos/" + full
        items.append(repo_obj(full))
        routes[base + "/git/trees/main"] = Route({"truncated": False, "tree": [
            {"path": ".github/workflows/ci.yml", "type": "blob"},
            {"path": "README.md", "type": "blob"}]})
        routes[base + "/actions/runs"] = Route(
            [run(j, "CI", "success", NOW - (j + 1) * DAY) for j in range(5)],
            wrap="workflow_runs", filt=created_filter, cap=1000)
        routes[base + "/deployments"] = Route([])
        routes[base + "/releases"] = Route([])
        routes[base + "/pulls"] = Route([])
        routes[base + "/issues"] = Route([])
        routes[base + "/rules/branches/main"] = Route([])
        routes[base + "/branches/main/protection"] = not_protected()
        routes[base + "/commits"] = Route([{"sha": "0" * 40}] * 3)
    routes["/orgs/%s/repos" % org] = Route(items)
