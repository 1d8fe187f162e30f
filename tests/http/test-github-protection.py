#!/usr/bin/python3
"""Branch protection from classic protection and rulesets, permission
walls, missing branches, branch names in URLs and commit counting without
rel="last", through the real CLI against the loopback fixture.

usage: test-github-protection.py GITHUB_PLUGIN.so   (env: OPSGRADE)

One org-mode run holds one repository per case (facts name the
repository acme/<name> as their subject), so every ruleset rule type is
tested in one run.
Which rules constitute protection follows OpenSSF Scorecard's
Branch-Protection check (docs/facts-github.md).
"""

import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
from ghfixture import Route  # noqa: E402
from ogtest import check, done  # noqa: E402

from ghrun import collect  # noqa: E402

BP = "branch_protection."
BOOLS = ["enabled", "status_checks", "signed_commits", "force_push_blocked",
         "deletion_blocked", "codeowner_reviews", "dismiss_stale"]

# rule type -> the protection facts it makes true (besides "enabled",
# which only the Scorecard set switches on)
PROTECTIVE = {
    "deletion": {"deletion_blocked"},
    "non_fast_forward": {"force_push_blocked"},
    "required_linear_history": set(),
    "pull_request": {"codeowner_reviews", "dismiss_stale"},
    "required_status_checks": {"status_checks"},
}
NOT_PROTECTIVE = {
    "commit_message_pattern": set(), "commit_author_email_pattern": set(),
    "committer_email_pattern": set(), "branch_name_pattern": set(),
    "tag_name_pattern": set(), "creation": set(), "update": set(),
    "required_deployments": set(), "merge_queue": set(), "code_scanning": set(),
    "workflows": set(), "file_path_restriction": set(),
    "required_signatures": {"signed_commits"},
}
PARAMS = {
    "pull_request": {"required_approving_review_count": 2,
                     "require_code_owner_review": True,
                     "dismiss_stale_reviews_on_push": True},
    "required_status_checks": {"required_status_checks": [{"context": "ci"}]},
    "commit_message_pattern": {"operator": "starts_with", "pattern": "JIRA-"},
    "commit_author_email_pattern": {"operator": "ends_with", "pattern": "@acme.test"},
}


def rule(t):
    r = {"type": t, "ruleset_source_type": "Repository", "ruleset_source": "acme/x",
         "ruleset_id": 42}
    if t in PARAMS:
        r["parameters"] = PARAMS[t]
    return r


def repo(routes, items, name, branch="main", protection=None, rules=None,
         commits=None, **kw):
    full = "acme/" + name
    obj = ghdata.repo_obj(full, **kw)
    if branch is None:
        obj.pop("default_branch")
    else:
        obj["default_branch"] = branch
    items.append(obj)
    enc = urllib.parse.quote(branch or "main", safe="-._~")
    base = "/repos/" + full
    if protection is not None:
        routes[base + "/branches/%s/protection" % enc] = protection
    if rules is not None:
        routes[base + "/rules/branches/%s" % enc] = Route(rules)
    if commits is not None:
        routes[base + "/commits"] = commits


FORBIDDEN = Route({"message": "Resource not accessible by integration",
                   "documentation_url": "https://docs.github.com/rest"}, status=403)
NOT_FOUND_BRANCH = Route({"message": "Branch not found",
                          "documentation_url": "https://docs.github.com/rest"}, status=404)


def main():
    fx = ghfixture.Fixture()
    items = []
    r = fx.routes
    cases = dict(PROTECTIVE, **NOT_PROTECTIVE)
    for t in cases:
        repo(r, items, "rule-" + t.replace("_", "-"),
             protection=ghdata.not_protected(), rules=[rule(t)])
    # commit-message and author-email rules only: not protected
    repo(r, items, "patterns-only", protection=ghdata.not_protected(),
         rules=[rule("commit_message_pattern"), rule("commit_author_email_pattern")])
    # classic protection 403 + a pull_request ruleset
    repo(r, items, "forbidden-pr", protection=FORBIDDEN, rules=[rule("pull_request")])
    repo(r, items, "forbidden-nff", protection=FORBIDDEN,
         rules=[rule("non_fast_forward"), rule("commit_message_pattern")])
    repo(r, items, "forbidden-none", protection=FORBIDDEN, rules=[])
    # empty repository: the default branch does not exist
    repo(r, items, "empty", protection=NOT_FOUND_BRANCH, rules=[],
         commits=Route({"message": "Git Repository is empty."}, status=409))
    # org listing without default_branch
    repo(r, items, "nobranch", branch=None, protection=NOT_FOUND_BRANCH, rules=[])
    # a bare 404 (no access) is not "not protected"
    repo(r, items, "bare404", rules=[])
    # branch names that must be escaped in URL paths
    classic = Route({"allow_force_pushes": {"enabled": False},
                     "allow_deletions": {"enabled": False},
                     "enforce_admins": {"enabled": True}})
    repo(r, items, "slash", branch="release/2026", protection=classic, rules=[])
    repo(r, items, "hash", branch="feat#1", protection=classic, rules=[])
    # cursor pagination: next but no last -> the count is unknown
    nxt = '<%s/repos/acme/cursor/commits?per_page=1&after=abc>; rel="next"'
    repo(r, items, "cursor", protection=ghdata.not_protected(), rules=[],
         commits=Route([{"sha": "1" * 40}], headers={"Link": nxt % "http://127.0.0.1"}))
    repo(r, items, "counted", protection=ghdata.not_protected(), rules=[],
         commits=Route([{"sha": "%040x" % i} for i in range(7)]))
    r["/orgs/acme/repos"] = Route(items)
    fx.start()
    cache = tempfile.TemporaryDirectory(prefix="og-gh-cache-")
    try:
        rc, facts, _, _, err = collect(fx, {"org": "acme"}, cache.name)
        check("protection: collect ran", rc in (0, 3), err)

        def f(name, key):
            return facts.get(("acme/" + name, "github." + key), {})

        def val(name, key):
            x = f(name, key)
            return "?" if x.get("type") == "unknown" else x.get("value")

        for t, makes in cases.items():
            name = "rule-" + t.replace("_", "-")
            want_enabled = t in PROTECTIVE
            check("rule %s: enabled = %s" % (t, want_enabled),
                  val(name, BP + "enabled") is want_enabled, f(name, BP + "enabled"))
            for b in BOOLS[1:]:
                check("rule %s: %s = %s" % (t, b, b in makes),
                      val(name, BP + b) is (b in makes), f(name, BP + b))
            want_n = 2 if t == "pull_request" else 0
            check("rule %s: required_reviews = %d" % (t, want_n),
                  val(name, BP + "required_reviews") == want_n,
                  f(name, BP + "required_reviews"))
        check("patterns only: not protected",
              val("patterns-only", BP + "enabled") is False and
              val("patterns-only", BP + "force_push_blocked") is False)

        # 403 on classic protection: what only classic could set is unknown
        # unless a rule decides it
        check("403 + pull_request: enabled", val("forbidden-pr", BP + "enabled") is True)
        check("403 + pull_request: reviews from the rule",
              val("forbidden-pr", BP + "required_reviews") == 2)
        for b in ("force_push_blocked", "deletion_blocked", "status_checks",
                  "signed_commits", "enforce_admins"):
            x = f("forbidden-pr", BP + b)
            check("403 + pull_request: %s unknown" % b, x.get("type") == "unknown" and
                  "admin" in x.get("reason", ""), x)
        check("403 + non_fast_forward: force push blocked",
              val("forbidden-nff", BP + "force_push_blocked") is True and
              val("forbidden-nff", BP + "enabled") is True and
              val("forbidden-nff", BP + "status_checks") == "?" and
              val("forbidden-nff", BP + "required_reviews") == "?")
        check("403 + no rules: every setting unknown",
              all(val("forbidden-none", BP + b) == "?" for b in BOOLS + ["required_reviews"]))

        # missing branch: unknown with the reason, never false
        for name, needle in (("empty", "not found"), ("nobranch", "no default branch")):
            for b in BOOLS + ["required_reviews"]:
                x = f(name, BP + b)
                check("%s: %s unknown (%s)" % (name, b, needle),
                      x.get("type") == "unknown" and needle in x.get("reason", ""), x)
        x = f("nobranch", "repo.default_branch")
        check("nobranch: default branch not made up", x.get("type") == "unknown", x)
        check("bare 404: unknown, not false", val("bare404", BP + "enabled") == "?",
              f("bare404", BP + "enabled"))

        # escaped branch names reach the right routes
        for name, enc in (("slash", "release%2F2026"), ("hash", "feat%231")):
            check("%s: protection read at /branches/%s/" % (name, enc),
                  fx.hits("/repos/acme/%s/branches/%s/protection" % (name, enc)) >= 1 and
                  val(name, BP + "enabled") is True and
                  val(name, BP + "force_push_blocked") is True,
                  [p for _, p, _ in fx.log if "/acme/%s/" % name in p])
            check("%s: rules and tree escaped too" % name,
                  fx.hits("/repos/acme/%s/rules/branches/%s" % (name, enc)) >= 1 and
                  fx.hits("/repos/acme/%s/git/trees/%s" % (name, enc)) >= 1)
            check("%s: commits?sha= escaped" % name,
                  any(p.startswith("/repos/acme/%s/commits?sha=%s&" % (name, enc))
                      for _, p, _ in fx.log))

        # commits: rel="next" without rel="last" is not a count of 1
        x = f("cursor", "activity.commits_90d")
        check("cursor pagination: commit count unknown", x.get("type") == "unknown", x)
        check("paged with last: 7 commits", val("counted", "activity.commits_90d") == 7,
              f("counted", "activity.commits_90d"))
        check("empty repository: 0 commits", val("empty", "activity.commits_90d") == 0)
    finally:
        fx.stop()
        cache.cleanup()


try:
    main()
except Exception as e:  # noqa: BLE001
    import traceback
    traceback.print_exc()
    check("protection tests ran", False, repr(e))
sys.exit(done())
