#!/usr/bin/python3
"""Answers without an ETag carried over between runs (plugins/github/
gh-memo.c), through the real CLI against the loopback fixture.

usage: test-github-memo.py GITHUB_PLUGIN.so   (env: OPSGRADE)

A 404/403/204 costs a request on every run (no ETag, so no free 304).  An
org's repository whose listing entry is unchanged keeps such answers for
recheck_days: not asked again, the same values, and every fact made from
one says it was carried over and when GitHub gave it.  Anything that
could make the answer stale asks again: another pushed_at/updated_at or
permissions, an answer older than recheck_days, recheck_days 0, another
token, a damaged memory file.
"""

import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ghdata  # noqa: E402
import ghfixture  # noqa: E402
from ghdata import DAY, NOW  # noqa: E402
from ogtest import check, done  # noqa: E402

from ghrun import TOKEN, collect, load_report, model_of, run_cli  # noqa: E402

# acme/lib answers 404 to these (not routed): never an ETag.  (The
# vulnerability-alerts switch and environments come from the batch's
# GraphQL query; the REST fallback is carried the same way, below.)
LIB_404 = ["/repos/acme/lib/hooks", "/repos/acme/lib/code-scanning/alerts",
           "/repos/acme/lib/code-scanning/analyses"]
HOOKS = ("acme/lib", "github.webhooks.all_secret")
NOTE = "[carried over: GET /repos/acme/lib/hooks?per_page=100 answered HTTP 404 at 2026-06-01T00:00:00Z"


def asked(fx, before):
    """The API paths asked since @before requests (no query)."""
    return [r[1].split("?")[0] for r in fx.requests()[before:]]


def dumps(facts):
    return json.dumps(list(facts.values()))


def values(facts):
    return {k: (f["type"], f.get("value")) for k, f in facts.items()}


def memo_files(cache):
    return glob.glob(os.path.join(cache, "collectors", "github", "*", "memo-*.json"))


def run(fx, cache, section=None, token=TOKEN):
    """One org collect; (rc, facts, stderr, paths asked)."""
    before = len(fx.requests())
    if token == TOKEN:
        rc, facts, _, _, err = collect(fx, section or {"org": "acme"}, cache)
    else:
        cfg = {"collectors": {"github": dict(section or {"org": "acme"}, api_url=fx.url)},
               "http": {"cache_dir": cache}}
        tmp = tempfile.mkdtemp(prefix="og-gh-run-")
        try:
            p = run_cli(["collect", "-o", os.path.join(tmp, "o.json")], tmp, cfg, token=token)
            facts = model_of(load_report(os.path.join(tmp, "o.json")))[0]
            rc, err = p.returncode, p.stderr
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rc, facts, err, asked(fx, before)


def main():
    fx = ghfixture.Fixture(rate_limit=5000)
    ghdata.add_org(fx.routes)
    fx.start()
    cache = tempfile.mkdtemp(prefix="og-gh-memo-")
    try:
        rc, cold, err, paths = run(fx, cache)
        check("cold: ok", rc == 0, err)
        check("cold: asks lib's 404s", all(p in paths for p in LIB_404), paths)
        check("cold: nothing carried", "carried over" not in dumps(cold) and
              "carried over" not in err, err)
        files = memo_files(cache)
        check("cold: one memory file in the collector's cache dir", len(files) == 1, files)
        text = open(files[0]).read() if files else ""
        check("memory holds no token", TOKEN not in text)
        check("memory holds no 200 answer (those have ETags)",
              '"status":200' not in text.replace(" ", ""), text[:300])

        with fx.lock:
            left = fx.remaining
        rc, warm, err, paths = run(fx, cache)
        with fx.lock:
            charged = left - fx.remaining
        check("warm: ok", rc == 0, err)
        check("warm: lib's 404s not asked again", not [p for p in LIB_404 if p in paths], paths)
        check("warm: charged only the batch's GraphQL query (304s and carried answers "
              "are free)", charged == 1 and paths.count("/graphql") == 1, (charged, paths))
        check("warm: the same facts and values", values(warm) == values(cold),
              [k for k in cold if values(cold).get(k) != values(warm).get(k)][:5])
        f = warm.get(HOOKS, {})
        check("warm: a carried fact says so and when", f.get("type") == "unknown" and
              NOTE in f.get("reason", ""), f)
        f = warm.get(("acme/lib", "github.branch_protection.enabled"), {})
        check("warm: protection from a carried 'Branch not protected' says so",
              f.get("value") is False and "[carried over: GET /repos/acme/lib/branches/main/"
              "protection answered HTTP 404" in f.get("evidence", ""), f)
        f = warm.get(("acme/tool", "github.webhooks.all_secret"), {})
        check("warm: an answer with an ETag is asked (conditionally), not carried",
              f.get("value") is True and "carried" not in f.get("evidence", ""), f)
        check("warm: the log counts what was carried", "carried over" in err, err)

        # the memory keeps the first observation: carrying never refreshes it
        doc = json.load(open(files[0]))
        at = doc["repos"]["acme/lib"]["answers"]["hooks"]["at"]
        check("carried answers keep their observation time", at == NOW, at)

        # lib pushed since: everything of lib is asked again
        lst = fx.routes["/orgs/acme/repos"].body
        lib = next(r for r in lst if r["full_name"] == "acme/lib")
        lib["pushed_at"] = ghdata.iso(NOW - 3600)
        rc, facts, err, paths = run(fx, cache)
        check("pushed: lib asked again", all(p in paths for p in LIB_404), paths)
        check("pushed: lib's facts fresh", "carried" not in facts.get(HOOKS, {}).get("reason", "x"),
              facts.get(HOOKS))
        check("pushed: unchanged shop still carried",
              "/repos/acme/shop/hooks" not in paths, paths)

        # the token's permissions changed: asked again
        lib["permissions"] = {"admin": True, "push": True, "pull": True}
        rc, facts, err, paths = run(fx, cache)
        check("permissions changed: lib asked again", "/repos/acme/lib/hooks" in paths, paths)

        # an answer older than recheck_days (7 by default) is asked again
        rc, facts, err, paths = run(fx, cache)
        check("again unchanged: carried", "/repos/acme/lib/hooks" not in paths, paths)
        doc = json.load(open(files[0]))
        doc["repos"]["acme/lib"]["answers"]["hooks"]["at"] = NOW - 8 * DAY
        doc["repos"]["acme/shop"]["answers"]["hooks"]["at"] = NOW + DAY  # another clock
        json.dump(doc, open(files[0], "w"))
        rc, facts, err, paths = run(fx, cache)
        check("older than recheck_days: asked again", "/repos/acme/lib/hooks" in paths, paths)
        check("observed in the future: asked again", "/repos/acme/shop/hooks" in paths, paths)
        check("other answers of lib still carried",
              "/repos/acme/lib/code-scanning/alerts" not in paths, paths)

        # recheck_days 0: never carried
        rc, facts, err, paths = run(fx, cache, {"org": "acme", "recheck_days": 0})
        check("recheck_days 0: asks everything", all(p in paths for p in LIB_404), paths)
        check("recheck_days 0: nothing carried", "carried over" not in dumps(facts))
        rc, facts, err, paths = run(fx, cache, {"org": "acme", "recheck_days": -1})
        check("recheck_days -1 refused", rc != 0 and "recheck_days" in err, err)

        # another token: another cache directory, nothing of the first read
        rc, facts, err, paths = run(fx, cache, token="ghp_otherTOKEN")
        check("other token: asked again", all(p in paths for p in LIB_404), paths)
        check("other token: its own memory", len(memo_files(cache)) == 2, memo_files(cache))

        # a damaged memory: ignored, asked again, the run is fine
        for path in memo_files(cache):
            with open(path, "w") as f:
                f.write('{"version": 1, "api": "' + fx.url + '", "repos": {"acme/lib": [')
        rc, facts, err, paths = run(fx, cache)
        check("damaged memory: ok and asked again", rc == 0 and
              all(p in paths for p in LIB_404), (rc, err))
        rc, facts, err, paths = run(fx, cache)
        check("damaged memory: rewritten, carried next time",
              "/repos/acme/lib/hooks" not in paths, paths)
        for path in memo_files(cache):
            try:
                doc = json.load(open(path))
            except ValueError:
                continue  # the other token's, still damaged
            doc["repos"]["acme/lib"]["answers"]["hooks"]["status"] = 200
            json.dump(doc, open(path, "w"))
        rc, facts, err, paths = run(fx, cache)
        check("a remembered 200 is never carried", "/repos/acme/lib/hooks" in paths, paths)

        # without GraphQL the settings come by REST, and a 204 is carried too
        fx.graphql = False
        fresh = tempfile.mkdtemp(prefix="og-gh-memo-", dir=cache)
        run(fx, fresh)
        rc, facts, err, paths = run(fx, fresh)
        f = facts.get(("acme/tool", "github.vulnerability_alerts"), {})
        check("REST settings: a carried 204 (alerts on) stays true and says so",
              f.get("value") is True and "answered HTTP 204" in f.get("evidence", "") and
              "/repos/acme/tool/vulnerability-alerts" not in paths, (f, paths))
    finally:
        fx.stop()
        shutil.rmtree(cache, ignore_errors=True)


try:
    main()
except Exception as e:
    check("memo", False, repr(e))
sys.exit(done())
