#!/usr/bin/python3
"""Repository settings by GraphQL (plugins/github/gh-graphql.c), through
the real CLI against the loopback fixture's POST /graphql
(tests/http/ghgraphql.py, answered from the same route table as REST).

usage: test-github-graphql.py GITHUB_PLUGIN.so   (env: OPSGRADE)

One query for a batch of repositories replaces two REST requests per
repository (vulnerability-alerts, environments).  Checked: the query goes
through the broker with the token and gives the facts REST gives; a field
GitHub refuses (FORBIDDEN, HTTP 200 with "errors") makes that fact
unknown with GitHub's message and leaves the rest; a query that fails as
a whole (errors without data, a GraphQL rate limit, no endpoint) falls
back to REST for the same facts; without a token nothing is posted; GHES
posts to /api/graphql.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
from ogtest import check, done  # noqa: E402

from ghrun import TOKEN, collect, load_report, model_of, run_cli  # noqa: E402

REST_SETTINGS = ("/vulnerability-alerts", "/environments")


def posts(fx, before):
    return [r for r in fx.requests()[before:] if r[0] == "POST"]


def rest_settings(fx, before):
    return [r[1] for r in fx.requests()[before:]
            if r[0] == "GET" and r[1].split("?")[0].endswith(REST_SETTINGS)]


def expect(facts, key, want, label):
    f = facts.get(key, {})
    got = f.get("value") if f.get("type") != "unknown" else "?"
    check("%s: %s = %r" % (label, key, want), got == want, f)
    return f


def org(fx, label, **section):
    cache = tempfile.mkdtemp(prefix="og-gh-gql-")
    try:
        before = len(fx.requests())
        rc, facts, _, partial, err = collect(fx, dict({"org": "acme"}, **section), cache)
        check("%s: collect ok" % label, rc == 0, err)
        return facts, err, before
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def settings_by_graphql():
    fx = ghfixture.Fixture(rate_limit=5000)
    ghdata.add_org(fx.routes)
    fx.start()
    try:
        facts, err, before = org(fx, "graphql")
        p = posts(fx, before)
        check("graphql: one query for the batch", len(p) == 1 and p[0][1] == "/graphql", p)
        check("graphql: it carries the token (through the broker)",
              p and p[0][2].get("authorization") == "Bearer " + TOKEN,
              p and sorted(p[0][2]))
        check("graphql: no REST request for those settings", not rest_settings(fx, before),
              rest_settings(fx, before))
        f = expect(facts, ("acme/tool", "github.vulnerability_alerts"), True, "graphql")
        check("graphql: evidence names the query", "POST /graphql" in f.get("evidence", ""), f)
        expect(facts, ("acme/shop", "github.environments.count"), 2, "graphql")
        f = expect(facts, ("acme/shop", "github.environments.protected"), True, "graphql")
        check("graphql: environments evidence", "POST /graphql" in f.get("evidence", ""), f)
        # lib has no environments: GitHub's empty connection is a count of 0
        expect(facts, ("acme/lib", "github.environments.count"), 0, "graphql")
        # no admin rights on lib: GraphQL refuses the field (FORBIDDEN
        # with HTTP 200); nothing else tells (lib's Dependabot alerts are
        # not readable either), so the fact is unknown with GitHub's words
        # and the permission, and lib's other settings stand
        f = facts.get(("acme/lib", "github.vulnerability_alerts"), {})
        check("graphql: a refused field is unknown with GitHub's message and the permission",
              f.get("type") == "unknown" and "Resource not accessible" in f.get("reason", "") and
              "FORBIDDEN" in f.get("reason", "") and "admin" in f.get("reason", ""), f)
        check("graphql: no partial run for a refused field", "GraphQL unavailable" not in err, err)
        # 3 repositories: (3 environments + 3 x 50 protectionRules) / 100
        check("graphql: the log gives the queries' rateLimit.cost",
              "1 GraphQL queries for repository settings, 2 points" in err, err)
    finally:
        fx.stop()


def whole_query_failures():
    for mode, needle in (("errors", "timeout"), ("rate-limited", "rate limit"), (404, "404")):
        fx = ghfixture.Fixture(rate_limit=5000)
        ghdata.add_org(fx.routes)
        if mode == 404:
            fx.graphql = False
        else:
            fx.graphql_mode = mode
        fx.start()
        label = "graphql %s" % mode
        try:
            facts, err, before = org(fx, label)
            check("%s: the log says GraphQL failed and why" % label,
                  "GraphQL unavailable" in err and needle in err.lower(), err)
            got = rest_settings(fx, before)
            check("%s: REST asked for the settings instead" % label,
                  "/repos/acme/tool/vulnerability-alerts" in got and
                  "/repos/acme/shop/environments?per_page=100" in got, got)
            f = expect(facts, ("acme/tool", "github.vulnerability_alerts"), True, label)
            check("%s: REST evidence" % label,
                  "GET /repos/acme/tool/vulnerability-alerts" in f.get("evidence", ""), f)
            expect(facts, ("acme/shop", "github.environments.count"), 2, label)
            expect(facts, ("acme/shop", "github.environments.protected"), True, label)
            check("%s: one query a run, then REST" % label, len(posts(fx, before)) == 1)
        finally:
            fx.stop()


def no_token_no_post():
    fx = ghfixture.Fixture()
    ghdata.add_org(fx.routes)
    fx.start()
    tmp = tempfile.mkdtemp(prefix="og-gh-gql-")
    try:
        cfg = {"collectors": {"github": {"org": "acme", "api_url": fx.url}},
               "http": {"cache_dir": os.path.join(tmp, "c")}}
        p = run_cli(["collect", "-o", os.path.join(tmp, "o.json")], tmp, cfg, token=None)
        facts = model_of(load_report(os.path.join(tmp, "o.json")))[0]
        check("no token: collect runs", p.returncode in (0, 3), p.stderr)
        check("no token: nothing posted to /graphql", not posts(fx, 0), posts(fx, 0))
        check("no token: settings by REST", "/repos/acme/tool/vulnerability-alerts" in
              [r[1] for r in fx.requests()], [r[1] for r in fx.requests()][:5])
        check("no token: facts made", ("acme/tool", "github.vulnerability_alerts") in facts)
    finally:
        fx.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def enterprise_server():
    fx = ghfixture.Fixture(prefix="/api/v3")
    ghdata.add_shop(fx.routes)
    fx.start()
    cache = tempfile.mkdtemp(prefix="og-gh-gql-")
    try:
        rc, facts, _, _, err = collect(fx, {"repo": "acme/shop"}, cache)
        check("GHES: collect ok", rc == 0, err)
        check("GHES: the query goes to /api/graphql",
              [r[1] for r in posts(fx, 0)] == ["/graphql"] and
              "GraphQL unavailable" not in err, (posts(fx, 0), err))
        expect(facts, "github.environments.count", 2, "GHES")
    finally:
        fx.stop()
        shutil.rmtree(cache, ignore_errors=True)


for fn in (settings_by_graphql, whole_query_failures, no_token_no_post, enterprise_server):
    try:
        fn()
    except Exception as e:
        check(fn.__name__, False, repr(e))
sys.exit(done())
