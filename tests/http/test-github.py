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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
from ghdata import DAY, NOW  # noqa: E402

from ghrun import TOKEN, collect, fact_map, load_report, model_of, run_cli  # noqa: E402,F401


def subjects_of(facts):
    return {k[0].split("/", 1)[1] for k in facts if isinstance(k, tuple)}


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
            key = k if k.split(".")[0] in ("docs", "deps") else "github." + k
            expect(facts, ("acme/tool", key), v)
        expect_unknown(facts, ("acme/tool", "github.branch_protection.enforce_admins"), "admin")
        expect(facts, ("acme/lib", "github.deployments.source"), "release")
        expect(facts, ("acme/lib", "github.deployments.count"), 3)
        expect(facts, ("acme/shop", "github.deployments.source"), "deployments")
        # aggregates: lib has no protection -> false for the org
        expect(facts, "github.branch_protection.enabled", False)
        # only tool could tell (true): with shop and lib unobservable,
        # "every repository" is not known (three-valued ALL)
        expect_unknown(facts, "github.secret_scanning", "every repository")
        tool_deps = [e for e in events if e["type"] == "deployment" and e["attrs"]["repo"] == "acme/tool"]
        check("org: workflow deployments on main only", len(tool_deps) == 10 and
              sum(e["attrs"]["status"] == "failure" for e in tool_deps) == 2 and
              all(e["attrs"]["origin"] == "workflow" for e in tool_deps), tool_deps)
        lib_deps = [e for e in events if e["type"] == "deployment" and e["attrs"]["repo"] == "acme/lib"]
        check("org: release deployments", len(lib_deps) == 3 and
              all(e["attrs"]["origin"] == "release" for e in lib_deps))
        check("org: every event names its repo", all("repo" in e["attrs"] for e in events))

        # the org-wide booleans carry the ALL rule; false names the first
        # repository (by key) that lacks it
        bp = facts["github.branch_protection.enabled"]
        check("org: org-wide bools roll up with ALL", all(
            facts[k].get("rollup") == "all" for k in ORG_BOOLS if facts[k]["type"] == "bool"), bp)
        check("org: false names the repo", bp["evidence"].startswith(
              "acme/lib is false: GET /repos/acme/lib/"), bp)
        check("org: no per-shard key unsharded",
              not [k for k in facts if isinstance(k, str) and k.startswith("github.shard.")])

        # the model's per-repository keys rolled up for the org view
        # (docs/facts-github.md): tool has no workflow, README, licence;
        # shop has no compose file, CHANGELOG, CONTRIBUTING; lib's tree is
        # not routed (404) so lib is left out of the tree keys
        for k, v, who in [("ci.present", False, "tool"), ("docs.readme", False, "tool"),
                          ("docs.license", False, "tool"), ("container.compose", False, "shop"),
                          ("release.changelog", False, "shop"),
                          ("container.dockerfile.present", False, "tool"),
                          ("docs.security_policy", False, "tool"),
                          ("docs.codeowners", False, "shop")]:
            f = facts.get(k, {})
            check("org: %s rolled up ALL = %r naming %s" % (k, v, who),
                  f.get("value") is v and f.get("rollup") == "all" and
                  f.get("evidence", "").startswith("acme/%s is false: " % who), f)
        f = facts.get("deps.automated_updates", {})
        check("org: deps.automated_updates unknown (dependabot, renovate; lib unknown)",
              f.get("type") == "unknown" and f.get("parts") == 3, f)
        check("org: no deps.update_tool when every observed repo automates updates",
              "deps.update_tool" not in facts, facts.get("deps.update_tool"))
        f = facts.get("github.repo.archived", {})
        check("org: archived rolls up with ANY, false", f.get("value") is False and
              f.get("rollup") == "any", f)
        # lib has releases without a semver tag ("2.0"), so the org's is false
        expect(facts, "github.releases.semver", False)

        # shards: disjoint, together the whole org; org numbers the same
        # in every shard, what only a shard knows under its own key
        got, per_shard = [], 0
        for i in (1, 2):
            rc, f, _, _, err = collect(fx, {"org": "acme", "shard": "%d/2" % i}, cache.name)
            check("shard %d/2 ok" % i, rc == 0, err)
            got.append(subjects_of(f))
            expect(f, "github.org.repos.count", 3, "shard %d/2: " % i)
            expect(f, "github.org.repos.listed", 5, "shard %d/2: " % i)
            check("shard %d/2: only its own shard key" % i,
                  [k for k in f if isinstance(k, str) and k.startswith("github.shard.")] ==
                  ["github.shard.%dof2.repos.count" % i], sorted(f, key=str))
            n = val(f, "github.shard.%dof2.repos.count" % i)
            check("shard %d/2: its count is its repos" % i, n == len(got[-1]), (n, got[-1]))
            per_shard += n or 0
            check("shard %d/2: no org-wide bool left unknown for sharding" % i,
                  not [k for k in ORG_BOOLS if f[k]["type"] == "unknown" and
                       "shard" in f[k].get("reason", "")])
        check("shards split the org", got[0] | got[1] == {"shop", "tool", "lib"} and
              not (got[0] & got[1]), got)
        check("shard counts add up to the org's", per_shard == 3, per_shard)
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


# github.c org_bools: "true only when every repository is"
ORG_BOOLS = [
    "github.branch_protection.enabled", "github.branch_protection.status_checks",
    "github.branch_protection.signed_commits", "github.branch_protection.force_push_blocked",
    "github.branch_protection.deletion_blocked", "github.branch_protection.enforce_admins",
    "github.branch_protection.codeowner_reviews", "github.branch_protection.dismiss_stale",
    "github.secret_scanning", "github.push_protection", "github.dependabot_security_updates",
    "github.vulnerability_alerts", "github.code_scanning.enabled", "github.codeowners",
    "github.security_policy", "github.webhooks.all_secret",
]


def scan_outputs(outdir, p, label):
    """The token appears in no file written, nor in the PDF's text."""
    leaked = [n for n in sorted(os.listdir(outdir))
              if TOKEN.encode() in open(os.path.join(outdir, n), "rb").read()]
    pdf = os.path.join(outdir, "report.pdf")
    if not os.path.exists(pdf):
        pass
    elif shutil.which("pdftotext"):
        t = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True)
        check("%s: PDF text readable" % label, t.returncode == 0 and "acme/shop" in t.stdout,
              t.stderr)
        if TOKEN in t.stdout:
            leaked.append("report.pdf (text)")
    else:
        print("# pdftotext missing: PDF text not scanned")
    check("%s: token in no output" % label, not leaked and TOKEN not in p.stdout + p.stderr,
          leaked)


def kpis_of(rep):
    return {k["id"]: k for k in rep["assessment"]["kpis"]}


def caps_of(rep):
    return {c["id"]: c["status"] for c in rep["assessment"]["capabilities"]}


def report_cli():
    """`opsgrade report --github O/R --github-url URL`: the shorthand flags,
    a GHES-like /api/v3 base, the assessment from the github facts."""
    fx = ghfixture.Fixture(prefix="/api/v3")
    ghdata.add_shop(fx.routes)
    fx.start()
    tmp = tempfile.mkdtemp(prefix="og-gh-report-")
    try:
        out = os.path.join(tmp, "out")
        p = run_cli(["report", "--github", "acme/shop", "--github-url", fx.url,
                     "--output-dir", out, "--set", "http.cache_dir=" + os.path.join(tmp, "cache")],
                    tmp)
        check("report: exit 0", p.returncode == 0, p.stderr)
        check("report: all formats written",
              sorted(os.listdir(out)) == ["junit.xml", "report.html", "report.json", "report.pdf", "summary.png"],
              os.listdir(out))
        rep = load_report(os.path.join(out, "report.json"))
        check("report: subject is the repo", rep["subject"] == "acme/shop", rep["subject"])
        check("report: collector ok", [(c["name"], c["status"]) for c in rep["collectors"]] ==
              [("github", "ok")], rep["collectors"])
        check("report: requests under /api/v3 only", fx.hits("/repos/acme/shop") == 1 and
              fx.hits("/repos/acme/shop/git/trees/main") == 1)
        caps = caps_of(rep)
        # classic protection with 2 reviews, checks, no force push/deletion,
        # unsigned commits; no CODEOWNERS in the tree
        for cid, want in [("sec.branch_protection", "met"), ("sec.force_push_blocked", "met"),
                          ("sec.code_review", "met"), ("sec.status_checks", "met"),
                          ("sec.signed_commits", "missing"), ("sec.codeowners", "missing"),
                          ("sec.security_policy", "met")]:
            check("report: %s %s" % (cid, want), caps.get(cid) == want, caps.get(cid))
        k = kpis_of(rep)
        # Window: the 90 UTC days ending 2026-06-01 (NOW is midnight, so
        # day NOW-90d is outside).  Successful deployments: only #1
        # (NOW-2d+600; #3 failed, #4 undecided, #2 staging, #5 too old):
        # 1 deployment day in 12 weekly buckets -> median 0 days/week, and
        # 0 per 30 days: DORA 2023 low.
        # Lead time: PR 10 (first commit NOW-12d, merged NOW-8d) ships with
        # deployment #1: 10 d + 600 s = 240.2 h, one decimal as shown (PR 12, merged NOW-1d, has
        # no deployment after it yet): 2023 medium (7-30 d).
        # CFR (DevLake): incident 20 (NOW-5d+1000) precedes every successful
        # deployment; incident 21 (NOW-1d) follows #1 -> 1 of 1 = 100 %.
        # Time to restore: incident 20 closed after 7200 s = 2 h (21 open):
        # high (< 1 d).
        # Build success: runs 17..1499 are in the window (0..16 start on day
        # NOW-90d); failures are i % 10 == 0 -> 148 of 1483; 1335/1483 = 90.0 %.
        for kid, value, band in [("deployment_frequency", 0, "low"),
                                 ("lead_time_for_changes", 240.2, "medium"),
                                 ("change_failure_rate", 100, "low"),
                                 ("time_to_restore", 2, "high"),
                                 ("build_success_rate", 90, None)]:
            got = k.get(kid, {})
            check("report: KPI %s = %r (%s)" % (kid, value, band),
                  got.get("value") == value and got.get("band") == band and
                  got.get("window_days") == 90, got)
        check("report: lead time via deployments",
              "first successful deployment" in (k["lead_time_for_changes"].get("evidence") or ""))
        scan_outputs(out, p, "report")
        seen_auth = {r[2].get("authorization") for r in fx.requests()}
        check("report: token sent as Bearer", seen_auth == {"Bearer " + TOKEN}, seen_auth)
    finally:
        fx.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def no_token():
    """Without GITHUB_TOKEN/GH_TOKEN the plugin warns and goes on
    unauthenticated (public data, 60 requests an hour)."""
    fx = ghfixture.Fixture(prefix="/api/v3")
    ghdata.add_shop(fx.routes)
    fx.start()
    tmp = tempfile.mkdtemp(prefix="og-gh-notoken-")
    try:
        out = os.path.join(tmp, "out")
        p = run_cli(["report", "--github", "acme/shop", "--github-url", fx.url,
                     "--output-dir", out, "--format", "json",
                     "--set", "http.cache_dir=" + os.path.join(tmp, "cache")], tmp, token=None)
        check("no token: says so", "no GitHub token" in p.stderr and "GITHUB_TOKEN" in p.stderr,
              p.stderr)
        check("no token: no Authorization sent",
              all("authorization" not in r[2] for r in fx.requests()) and fx.requests())
        rep = load_report(os.path.join(out, "report.json"))
        check("no token: report written, collector ran",
              p.returncode == 0 and rep["collectors"][0]["status"] == "ok",
              (p.returncode, rep["collectors"]))
    finally:
        fx.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def refused():
    """A base URL nobody listens on: the collector fails naming the URL,
    exit 3, the report is still written."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connections are refused
    url = "http://127.0.0.1:%d/api/v3" % port
    tmp = tempfile.mkdtemp(prefix="og-gh-refused-")
    try:
        out = os.path.join(tmp, "out")
        p = run_cli(["report", "--github", "acme/shop", "--github-url", url,
                     "--output-dir", out, "--format", "json,junit",
                     "--set", "http.cache_dir=" + os.path.join(tmp, "cache"),
                     "--set", "http.retries=1"], tmp)
        check("refused: exit 3", p.returncode == 3, (p.returncode, p.stderr))
        path = os.path.join(out, "report.json")
        check("refused: report written", os.path.exists(path) and
              os.path.exists(os.path.join(out, "junit.xml")))
        if os.path.exists(path):
            rep = load_report(path)
            c = rep["collectors"][0]
            check("refused: collector failed/partial naming the URL",
                  c["status"] in ("failed", "partial") and
                  "127.0.0.1:%d" % port in (c["message"] or ""), c)
            check("refused: assessment still made", rep["assessment"] is not None)
            scan_outputs(out, p, "refused")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def org_shards_merge():
    """--github-org with --shard 1/2 and 2/2, merged, equals one run."""
    fx = ghfixture.Fixture(prefix="/api/v3")
    ghdata.add_org(fx.routes)
    fx.start()
    tmp = tempfile.mkdtemp(prefix="og-gh-shards-")
    try:
        common = ["--github-org", "acme", "--github-url", fx.url,
                  "--set", "http.cache_dir=" + os.path.join(tmp, "cache")]
        paths = {}
        for name, extra in [("all", []), ("s1", ["--shard", "1/2"]), ("s2", ["--shard", "2/2"])]:
            paths[name] = os.path.join(tmp, name + ".json")
            p = run_cli(["collect", "-o", paths[name]] + common + extra, tmp)
            check("org %s: collect exit 0" % name, p.returncode == 0, p.stderr)
        merged, single = os.path.join(tmp, "merged.json"), os.path.join(tmp, "single.json")
        p1 = run_cli(["merge", paths["s1"], paths["s2"], "-o", merged], tmp)
        p2 = run_cli(["merge", paths["all"], "-o", single], tmp)
        check("org: merges exit 0", p1.returncode == 0 and p2.returncode == 0,
              p1.stderr + p2.stderr)
        m, o = load_report(merged), load_report(single)
        shard_repos = [subjects_of(fact_map(load_report(paths[n])["facts"]))
                       for n in ("s1", "s2")]
        check("org: shards disjoint, both non-empty", all(shard_repos) and
              not (shard_repos[0] & shard_repos[1]), shard_repos)
        for k in ("findings", "events"):
            check("org: merged shards equal one run: " + k, m[k] == o[k])
        # The merged shards equal one run in every fact; they only add
        # each shard's own github.shard.<I>of<N>.* keys.
        fm = fact_map(m["facts"])
        fo = fact_map(o["facts"])
        extra = sorted(k for k in fm if isinstance(k, str) and k.startswith("github.shard."))
        check("org: merged shards add only their shard keys",
              extra == ["github.shard.1of2.repos.count", "github.shard.2of2.repos.count"] and
              sum(fm[k]["value"] for k in extra) == fo["github.org.repos.count"]["value"], extra)
        diff = sorted((key for key in (set(fm) - set(extra)) | set(fo)
                       if fm.get(key) != fo.get(key)), key=str)
        check("org: merged shards equal one run: facts", not diff,
              [(key, fm.get(key), fo.get(key)) for key in diff])
        check("org: org-wide bools known and equal", all(
            fm[k]["type"] == fo[k]["type"] and fm[k].get("value") == fo[k].get("value")
            for k in ORG_BOOLS), [(k, fm[k].get("value"), fo[k].get("value")) for k in ORG_BOOLS])
        check("org: unsharded org-wide protection false (lib has none)",
              fo["github.branch_protection.enabled"]["value"] is False and
              fm["github.branch_protection.enabled"]["value"] is False)
        check("org: merged shards equal one run: assessment", m["assessment"] == o["assessment"],
              [k for k in o["assessment"] if m["assessment"].get(k) != o["assessment"][k]])
        # the tie-break is exercised: both shards say false, naming
        # different repositories, and the merge names the one sorting first
        sf = [fact_map(load_report(paths[n])["facts"]) for n in ("s1", "s2")]
        both = [k for k in ORG_BOOLS if all(x[k].get("value") is False for x in sf) and
                sf[0][k]["evidence"] != sf[1][k]["evidence"]]
        check("org: shards disagreeing on the evidence of a false", both and all(
            fm[k]["evidence"] == min(x[k]["evidence"] for x in sf) for k in both), both)
        # merging is idempotent: the merged report merged with itself
        again = os.path.join(tmp, "again.json")
        p3 = run_cli(["merge", merged, merged, "-o", again], tmp)
        a = load_report(again)
        check("org: merge with itself changes nothing", p3.returncode == 0 and
              all(a[k] == m[k] for k in ("facts", "findings", "events", "assessment")),
              [k for k in ("facts", "findings", "events", "assessment") if a[k] != m[k]])
        # and the order of the shards does not matter
        rev = os.path.join(tmp, "rev.json")
        p4 = run_cli(["merge", paths["s2"], paths["s1"], "-o", rev], tmp)
        r = load_report(rev)
        check("org: shard order does not matter", p4.returncode == 0 and
              all(r[k] == m[k] for k in ("facts", "findings", "events", "assessment")),
              [k for k in ("facts", "findings", "events", "assessment") if r[k] != m[k]])
        check("org: collectors ok in both", [c["status"] for c in m["collectors"]] == ["ok"] and
              [c["status"] for c in o["collectors"]] == ["ok"])
        # the report from the merged shards: KPIs over the whole org
        k = kpis_of(m)
        check("org: deployment frequency measured", k["deployment_frequency"]["value"] is not None,
              k["deployment_frequency"])
        portfolio_checks(m, o, fx, tmp)
    finally:
        fx.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def portfolio_checks(m, o, fx, tmp):
    """assessment.portfolio of the merged shards: one row per repository,
    equal to the unsharded run, each row equal to a repo-mode run of that
    repository (the per-repo view is the repo-mode report), KPIs worked
    out by hand."""
    pm, po = m["assessment"].get("portfolio"), o["assessment"].get("portfolio")
    check("portfolio: present, merged shards equal one run", pm is not None and pm == po)
    if not pm:
        return
    rows = {r["name"].split("/", 1)[1]: r for r in pm["repos"]}
    check("portfolio: repos sorted by name", [r["name"] for r in pm["repos"]] ==
          ["acme/lib", "acme/shop", "acme/tool"], [r["name"] for r in pm["repos"]])
    # shop: the repo-mode figures of report_cli (same fixture data).
    # tool: deploy-workflow fallback, 8 successful days within 10 days:
    # weekly median 0, 30-day median 0 -> low; runs: 15 in the window
    # (10 on main, 5 on dev), 2 failed -> 13/15 = 86.7 %; no PRs or
    # incidents -> lead time, CFR, restore not measured.  Dependabot
    # alerts enabled (204) -> scanned, no findings of its own -> 0.
    # lib: 3 weekly releases -> 0 days/week, low; no runs -> build
    # success not measured.
    for name, kid, value, band, status in [
            ("shop", "deployment_frequency", 0, "low", "needs improvement"),
            ("shop", "lead_time_for_changes", 240.2, "medium", "needs improvement"),
            ("shop", "change_failure_rate", 100, "low", "needs improvement"),
            ("shop", "time_to_restore", 2, "high", "good"),
            ("shop", "build_success_rate", 90, None, "needs improvement"),
            ("tool", "deployment_frequency", 0, "low", "needs improvement"),
            ("tool", "build_success_rate", 86.7, None, "needs improvement"),
            ("tool", "lead_time_for_changes", None, None, "not measured"),
            ("tool", "open_critical_high", 0, None, "good"),
            ("lib", "deployment_frequency", 0, "low", "needs improvement"),
            ("lib", "build_success_rate", None, None, "not measured")]:
        got = rows[name]["kpis"].get(kid)
        check("portfolio: %s %s = %r %s (%s)" % (name, kid, value, band, status),
              got == {"value": value, "status": status, "band": band}, got)
    # levels: every repository is at level 1 (Initial)
    check("portfolio: levels", {n: r["level"] for n, r in rows.items()} ==
          {"lib": 1, "shop": 1, "tool": 1} and pm["level_distribution"] ==
          {"1": 3, "2": 0, "3": 0, "4": 0, "5": 0}, pm["level_distribution"])
    # tool: ruleset with 1 review but no signed commits etc.; dependencies:
    # renovate (weight 3), security updates (1) and alerts (2) met; the
    # other six (weight 7) not observed count as not met -> 6/13 = 46.2
    check("portfolio: tool dependencies 46.2 %", rows["tool"]["areas"]["dependencies"] == 46.2,
          rows["tool"]["areas"])
    # the per-repository view is what a repo-mode run of that repository
    # sees: same level, areas, KPIs and P1 gaps
    for name in ("shop", "tool", "lib"):
        out = os.path.join(tmp, "repo-" + name)
        p = run_cli(["report", "--github", "acme/" + name, "--github-url", fx.url,
                     "--format", "json", "--output-dir", out,
                     "--set", "http.cache_dir=" + os.path.join(tmp, "cache")], tmp)
        rep = load_report(os.path.join(out, "report.json"))["assessment"]
        want = {
            "level": rep["level"],
            "areas": {a["id"]: a["completeness"] for a in rep["areas"]},
            "kpis": {k["id"]: {"value": k["value"], "status": k["status"], "band": k["band"]}
                     for k in rep["kpis"] if k["id"] != "test_coverage"},
            "gaps_p1": sum(g["priority"] == 1 for g in rep["gaps"]),
        }
        r = rows[name]
        got = {"level": r["level"], "areas": r["areas"], "gaps_p1": r["gaps_p1"],
               "kpis": {k: v for k, v in r["kpis"].items() if k != "test_coverage"}}
        check("portfolio: %s equals its repo-mode run" % name, p.returncode in (0, 1) and
              got == want, [(k, got[k], want[k]) for k in want if got[k] != want[k]])
    # the org view scores the roll-ups: CI is missing because tool has none
    caps = caps_of(m)
    check("org: cicd.pipeline missing (tool has no CI)", caps.get("cicd.pipeline") == "missing",
          caps.get("cicd.pipeline"))
    check("org: sec.branch_protection missing (lib)", caps.get("sec.branch_protection") == "missing")


for fn in (repo_mode, org_mode, rate_limited, report_cli, no_token, refused, org_shards_merge):
    try:
        fn()
    except Exception as e:
        check(fn.__name__, False, repr(e))

sys.exit(done())
