#!/usr/bin/python3
"""End-to-end tests of the github collector through the real CLI against
the loopback fixture.

usage: test-github.py GITHUB_PLUGIN.so     (env: OPSGRADE = the CLI)
Each run is `opsgrade collect|report|merge` with only the github plugin
(OPSGRADE_NO_DEFAULT_PLUGINS=1, --plugin-dir of the .so), a config file
with collectors.github.* and http.cache_dir, GITHUB_TOKEN in the
environment and SOURCE_DATE_EPOCH fixed.  The expected facts and KPIs
below are worked out by hand from the data in ghdata.py (see the comments
next to each).
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
from ghdata import DAY, NOW  # noqa: E402

OPSGRADE = os.environ["OPSGRADE"]
PLUGIN_DIR = os.path.dirname(os.path.abspath(sys.argv[1]))
TOKEN = "ghp_testTOKENvalue"
failures = []


def check(name, cond, detail=""):
    if cond:
        print("ok - %s" % name)
    else:
        print("not ok - %s %s" % (name, detail))
        failures.append(name)


def run_cli(args, cwd, config=None, token=TOKEN):
    """Run the CLI with only the github plugin; returns the process.  The
    token must never show on stdout or stderr."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(NOW), OPSGRADE_NO_DEFAULT_PLUGINS="1")
    env.pop("GH_TOKEN", None)
    env.pop("GITHUB_TOKEN", None)
    if token:
        env["GITHUB_TOKEN"] = token
    argv = [OPSGRADE] + args + ["--plugin-dir", PLUGIN_DIR]
    if config is not None:
        path = os.path.join(cwd, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        argv += ["--config", path]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    if TOKEN in p.stdout or TOKEN in p.stderr:
        raise AssertionError("token leaked on stdout/stderr of %s" % args[0])
    return p


def load_report(path):
    with open(path, "rb") as f:
        raw = f.read()
    if TOKEN.encode() in raw:
        raise AssertionError("token leaked into %s" % path)
    return json.loads(raw)


def model_of(rep):
    """facts by key, events with numeric times, partial messages."""
    facts = {f["key"]: f for f in rep["facts"]}
    events = [dict(e, time=ghdata.parse_iso(e["time"])) for e in rep["events"]]
    partial = [c["message"] for c in rep["collectors"] if c["status"] == "partial"]
    return facts, events, partial


def collect(fx, section, cache_dir, http=None, extra=()):
    cfg = {"collectors": {"github": dict(section, api_url=fx.url)},
           "http": dict(http or {}, cache_dir=cache_dir)}
    tmp = tempfile.mkdtemp(prefix="og-gh-run-")
    try:
        out = os.path.join(tmp, "out.json")
        p = run_cli(["collect", "-o", out] + list(extra), tmp, cfg)
        rep = load_report(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    facts, events, partial = model_of(rep)
    return p.returncode, facts, events, partial, p.stderr


def val(facts, key):
    f = facts.get(key)
    return None if f is None else (f["value"] if f["type"] != "unknown" else "?")


def expect(facts, key, want, prefix=""):
    got = val(facts, key)
    check("%s%s = %r" % (prefix, key, want), got == want, "(got %r)" % (got,))


def expect_unknown(facts, key, needle, prefix=""):
    f = facts.get(key, {})
    check("%s%s unknown (%s)" % (prefix, key, needle),
          f.get("type") == "unknown" and needle.lower() in f.get("reason", "").lower(),
          f)


def repo_mode():
    fx = ghfixture.Fixture()
    ghdata.add_shop(fx.routes)
    fx.start()
    cache = tempfile.TemporaryDirectory(prefix="og-gh-cache-")
    try:
        rc, facts, events, partial, err = collect(fx, {"repo": "acme/shop"}, cache.name)
        check("repo: collect ok", rc == 0, err)
        check("repo: not partial", not partial, partial)
        for k, v in [
            ("github.repo.archived", False), ("github.repo.default_branch", "main"),
            ("github.repo.visibility", "private"), ("github.repo.license", "MIT"),
            ("github.repo.topics", ["web"]),
            # classic protection as served
            ("github.branch_protection.enabled", True),
            ("github.branch_protection.required_reviews", 2),
            ("github.branch_protection.status_checks", True),
            ("github.branch_protection.signed_commits", False),
            ("github.branch_protection.force_push_blocked", True),
            ("github.branch_protection.deletion_blocked", True),
            ("github.branch_protection.enforce_admins", True),
            ("github.branch_protection.codeowner_reviews", False),
            ("github.branch_protection.dismiss_stale", True),
            # the tree: 2 workflows, dependabot.yml, SECURITY.md, Dockerfile ...
            ("ci.present", True), ("ci.workflows.count", 2),
            # (the repo collector's keys, which the maturity model reads)
            ("deps.automated_updates", True), ("deps.update_tool", "dependabot"),
            ("github.codeowners", False), ("docs.codeowners", False),
            ("github.security_policy", True), ("docs.security_policy", True),
            ("container.dockerfile.present", True), ("container.dockerignore", False),
            ("container.compose", False),
            ("docs.readme", True), ("docs.license", True), ("docs.contributing", False),
            ("release.changelog", False),
            # 403 "disabled" on Dependabot alerts: alerts are off
            ("github.vulnerability_alerts", False),
            ("github.code_scanning.enabled", False),
            # v1.2.0 (signed .sig, SBOM .spdx.json) and v1.1.0
            ("github.releases.count", 2), ("github.releases.semver", True),
            ("github.releases.signed", True), ("github.releases.sbom", True),
            ("github.environments.count", 2), ("github.environments.protected", True),
            # deployments 1, 2, 3, 4 are in the window (5 is 100 days old)
            ("github.deployments.present", True),
            ("github.deployments.source", "deployments"),
            # 1 success, 3 failure; 4 has no decisive status; 2 is staging
            ("github.deployments.count", 2),
            ("github.workflow_runs.count", 1500),
            ("github.pull_requests.merged", 2),
            # PR 10 approved by bob (author alice); PR 12 only by its author
            ("github.pull_requests.reviewed_ratio", 0.5),
            ("github.incidents.count", 2),
            ("github.activity.commits_90d", 42),
        ]:
            expect(facts, k, v)
        for k in ("github.secret_scanning", "github.push_protection",
                  "github.dependabot_security_updates"):
            expect_unknown(facts, k, "admin")
        for s in ("critical", "high", "medium", "low", "open"):
            expect_unknown(facts, "github.dependabot.alerts." + s, "disabled")
            expect_unknown(facts, "github.code_scanning.alerts." + s, "Advanced Security")
        expect_unknown(facts, "github.webhooks.all_secret", "admin")

        deps = sorted([e for e in events if e["type"] == "deployment"], key=lambda e: e["time"])
        check("repo: deployment events", [(e["id"], e["attrs"]["status"], e["time"]) for e in deps]
              == [("3", "failure", NOW - 5 * DAY + 900), ("1", "success", NOW - 2 * DAY + 600)],
              deps)
        check("repo: deployment attrs", all(e["attrs"]["origin"] == "deployments" and
                                            len(e["attrs"]["sha"]) == 40 for e in deps))
        # change failure rate by hand: 1 failed of 2 = 0.5
        check("repo: CFR inputs", sum(e["attrs"]["status"] == "failure" for e in deps) / len(deps) == 0.5)

        runs = [e for e in events if e["type"] == "workflow_run"]
        check("repo: 1500 runs despite the 1,000 cap", len(runs) == 1500 and
              len({e["id"] for e in runs}) == 1500, len(runs))
        check("repo: run failures", sum(e["attrs"]["conclusion"] == "failure" for e in runs) == 150)
        check("repo: run duration", all(e["attrs"]["duration_s"] == "300" for e in runs))
        split = [r for r in fx.requests("/repos/acme/shop/actions/runs")]
        check("repo: runs window split by created=",
              len({r[1].split("created=")[1].split("&")[0] for r in split}) >= 3, len(split))

        prs = sorted([e for e in events if e["type"] == "pr_merged"], key=lambda e: e["id"])
        check("repo: pr events", [(e["id"], e["time"]) for e in prs] ==
              [("10", NOW - 8 * DAY), ("12", NOW - 1 * DAY)], prs)
        lead = [e["time"] - ghdata.parse_iso(e["attrs"]["first_commit_at"]) for e in prs]
        # PR 10: 12 d -> 8 d = 4 days; PR 12: 4 d -> 1 d = 3 days; median 3.5 days
        check("repo: lead time inputs", sorted(lead) == [3 * DAY, 4 * DAY] and
              statistics.median(lead) == 3.5 * DAY, lead)

        inc = sorted([e for e in events if e["type"] == "incident"], key=lambda e: e["id"])
        check("repo: incidents", [e["id"] for e in inc] == ["20", "21"], inc)
        check("repo: time to restore 2 h",
              ghdata.parse_iso(inc[0]["attrs"]["resolved_at"]) - inc[0]["time"] == 7200 and
              "resolved_at" not in inc[1]["attrs"], inc)
        rel = [e for e in events if e["type"] == "release"]
        check("repo: release event", [e["attrs"]["tag"] for e in rel] == ["v1.2.0"], rel)

        cold = len(fx.requests())
        seen_auth = {r[2].get("authorization") for r in fx.requests()}
        check("repo: token on every request", seen_auth == {"Bearer " + TOKEN}, seen_auth)
        check("repo: one tree call, no contents calls",
              fx.hits("/repos/acme/shop/git/trees/main") == 1 and
              not fx.requests("/repos/acme/shop/contents"))
        print("# repo mode: %d requests cold" % cold)

        # warm run: everything answered 304 from the ETag cache
        before = len(fx.requests())
        rc2, facts2, events2, _, _ = collect(fx, {"repo": "acme/shop"}, cache.name)
        warm = fx.requests()[before:]
        inm = sum(1 for r in warm if "if-none-match" in r[2])
        print("# repo mode: %d requests warm, %d conditional" % (len(warm), inm))
        check("warm: same facts", rc2 == 0 and
              {k: val(facts2, k) for k in facts2} == {k: val(facts, k) for k in facts})
        check("warm: same events", len(events2) == len(events))
        check("warm: conditional requests", inm >= len(warm) * 0.8, (inm, len(warm)))
    finally:
        fx.stop()
        cache.cleanup()


def org_mode():
    fx = ghfixture.Fixture()
    ghdata.add_org(fx.routes)
    fx.start()
    cache = tempfile.TemporaryDirectory(prefix="og-gh-cache-")
    try:
        rc, facts, events, partial, err = collect(fx, {"org": "acme"}, cache.name)
        check("org: collect ok", rc == 0, err)
        expect(facts, "github.org.repos.count", 3)
        expect(facts, "github.org.repos.listed", 5)
        expect(facts, "github.org.repos.skipped_archived", 1)
        expect(facts, "github.org.repos.skipped_forks", 1)
        check("org: archived/fork not collected", not fx.requests("/repos/acme/old") and
              not fx.requests("/repos/acme/forked"))
        p = "github.repos.tool."
        for k, v in [
            ("secret_scanning", True), ("push_protection", False),
            ("dependabot_security_updates", True), ("vulnerability_alerts", True),
            ("dependabot.alerts.critical", 1), ("dependabot.alerts.high", 1),
            ("dependabot.alerts.medium", 2), ("dependabot.alerts.low", 0),
            ("dependabot.alerts.open", 4),
            ("code_scanning.alerts.high", 1), ("code_scanning.alerts.medium", 1),
            ("code_scanning.alerts.open", 2), ("code_scanning.enabled", True),
            ("webhooks.all_secret", True),
            # ruleset only: pull_request (1 review, code owners) + non_fast_forward
            ("branch_protection.enabled", True), ("branch_protection.required_reviews", 1),
            ("branch_protection.codeowner_reviews", True),
            ("branch_protection.force_push_blocked", True),
            ("branch_protection.deletion_blocked", False),
            ("codeowners", True), ("docs.codeowners", True),
            ("deps.automated_updates", True), ("deps.update_tool", "renovate"),
            ("deployments.source", "workflow"), ("deployments.count", 10),
        ]:
            expect(facts, p + k, v)
        expect_unknown(facts, p + "branch_protection.enforce_admins", "admin")
        expect(facts, "github.repos.lib.deployments.source", "release")
        expect(facts, "github.repos.lib.deployments.count", 3)
        expect(facts, "github.repos.shop.deployments.source", "deployments")
        # aggregates: lib has no protection -> false for the org
        expect(facts, "github.branch_protection.enabled", False)
        expect(facts, "github.secret_scanning", True)  # only tool could tell
        tool_deps = [e for e in events if e["type"] == "deployment" and e["attrs"]["repo"] == "acme/tool"]
        check("org: workflow deployments on main only", len(tool_deps) == 10 and
              sum(e["attrs"]["status"] == "failure" for e in tool_deps) == 2 and
              all(e["attrs"]["origin"] == "workflow" for e in tool_deps), tool_deps)
        lib_deps = [e for e in events if e["type"] == "deployment" and e["attrs"]["repo"] == "acme/lib"]
        check("org: release deployments", len(lib_deps) == 3 and
              all(e["attrs"]["origin"] == "release" for e in lib_deps))
        check("org: every event names its repo", all("repo" in e["attrs"] for e in events))

        # shards: disjoint, together the whole org
        got = []
        for i in (1, 2):
            rc, f, _, _, err = collect(fx, {"org": "acme", "shard": "%d/2" % i}, cache.name)
            check("shard %d/2 ok" % i, rc == 0, err)
            got.append({k.split(".")[2] for k in f if k.startswith("github.repos.")})
        check("shards split the org", got[0] | got[1] == {"shop", "tool", "lib"} and
              not (got[0] & got[1]), got)
    finally:
        fx.stop()
        cache.cleanup()


def rate_limited():
    fx = ghfixture.Fixture()
    ghdata.add_shop(fx.routes)
    fx.routes["/repos/acme/shop/pulls"] = ghfixture.Route(
        {"message": "API rate limit exceeded"}, status=403,
        headers={"x-ratelimit-remaining": "0",
                 "x-ratelimit-reset": str(int(__import__("time").time()) + 3600)})
    fx.start()
    cache = tempfile.TemporaryDirectory(prefix="og-gh-cache-")
    try:
        rc, facts, events, partial, err = collect(fx, {"repo": "acme/shop"}, cache.name,
                                                  http={"max_wait": 2})
        check("rate limit: collector partial, says when", len(partial) == 1 and
              "resets at" in partial[0], partial)
        check("rate limit: facts from before stay", val(facts, "github.repo.archived") is False)
        expect_unknown(facts, "github.pull_requests.merged", "rate limit")
    finally:
        fx.stop()
        cache.cleanup()


for fn in (repo_mode, org_mode, rate_limited):
    try:
        fn()
    except Exception as e:
        check(fn.__name__, False, repr(e))

if failures:
    print("FAILED: %s" % ", ".join(failures))
    sys.exit(1)
print("all github tests passed")
