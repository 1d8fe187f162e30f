#!/usr/bin/python3
"""Tests of core/http against the loopback GitHub fixture.

usage: test-http.py PATH/TO/http-driver
Each case runs the C driver on a JSON spec and checks its answers and what
the fixture recorded.  No timing assertions: waits are only bounded.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402
import ghfixture  # noqa: E402

DRIVER = sys.argv[1]
TOKEN = "tok-SECRET-123"


# Credentials as a plugin "github" declares them: the token for the API
# it is configured with, a Basic login for the hosts of its images.
CREDENTIALS = [
    {"name": "github.token", "env": "GITHUB_TOKEN:GH_TOKEN",
     "hosts": ["api.github.com"], "hosts_option": "api_url"},
    {"name": "github.login", "env": "OPSGRADE_REGISTRY_PASSWORD",
     "user_env": "OPSGRADE_REGISTRY_USER", "scheme": "Basic",
     "hosts_option": "images", "insecure_option": "insecure"},
]
TOK = "secret:github.token"
GH_HEADERS = ["Accept: application/vnd.github+json",
              "X-GitHub-Api-Version: 2022-11-28"]


def run(fx, rounds, http=None, env_extra=None, cache_dir=None, github=None):
    cfg = {"http": dict(http or {})}
    cfg["http"].setdefault("cache_dir", cache_dir or tmp_cache())
    # the fixture plays the GitHub API: the token goes only there
    cfg["collectors"] = {"github": dict({"api_url": fx.url}, **(github or {}))}
    spec = {"config": cfg, "rounds": rounds, "credentials": CREDENTIALS}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    env = dict(os.environ, GITHUB_TOKEN=TOKEN)
    env.pop("GH_TOKEN", None)
    env.update(env_extra or {})
    try:
        p = subprocess.run([DRIVER, f.name], capture_output=True, text=True,
                           timeout=120, env=env)
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise AssertionError("driver failed: %s" % p.stderr)
    if TOKEN in p.stderr or TOKEN in p.stdout:
        raise AssertionError("token leaked into driver output")
    return json.loads(p.stdout)


_tmpdirs = []


def tmp_cache():
    d = tempfile.TemporaryDirectory(prefix="og-http-cache-")
    _tmpdirs.append(d)
    return d.name


def case(fn):
    fx = ghfixture.Fixture().start()
    try:
        fn(fx)
    except Exception as e:  # a broken case must not hide the others
        check(fn.__name__, False, repr(e))
    finally:
        fx.stop()
    return fn


def req(fx, path, **kw):
    r = {"url": fx.url + path}
    r.update(kw)
    return r


@case
def pagination_and_headers(fx):
    # the client returns Link; following it is the plugin's job
    out = run(fx, [[req(fx, "/t/paged", auth=TOK, headers=GH_HEADERS)]])
    r = out["rounds"][0][0]
    check("paged: 200", r["status"] == 200, r)
    link = r["headers"].get("link", "")
    check("paged: link header kept", 'rel="next"' in link and "page=2" in link, link)
    rounds = []
    url = fx.url + "/t/paged"
    seen = []
    for _ in range(5):
        out = run(fx, [[{"url": url, "auth": TOK}]])
        r = out["rounds"][0][0]
        seen += [x["n"] for x in json.loads(r["body"])]
        import re
        m = re.search(r'<([^>]+)>;\s*rel="next"', r["headers"].get("link", ""))
        if not m:
            break
        url = m.group(1)
    check("paged: three pages walked", seen == [10, 11, 20, 21, 30, 31], seen)
    _, _, h = fx.requests("/t/paged")[0]
    check("paged: user-agent", h.get("user-agent", "").startswith("opsgrade/"), h)
    check("paged: api version", h.get("x-github-api-version") == "2022-11-28", h)
    check("paged: bearer token", h.get("authorization") == "Bearer " + TOKEN)
    check("paged: accept", h.get("accept") == "application/vnd.github+json", h)
    check("paged: gzip offered", "gzip" in h.get("accept-encoding", ""), h)


@case
def etag_cache(fx):
    cache = tmp_cache()
    first = run(fx, [[req(fx, "/t/etag", auth=TOK)]], cache_dir=cache)
    second = run(fx, [[req(fx, "/t/etag", auth=TOK)]], cache_dir=cache)
    a, b = first["rounds"][0][0], second["rounds"][0][0]
    check("etag: first from network", a["status"] == 200 and not a["from_cache"], a)
    check("etag: second from cache", b["status"] == 200 and b["from_cache"], b)
    check("etag: same body", a["body"] == b["body"])
    check("etag: cached link header", 'rel="next"' in b["headers"].get("link", ""), b)
    reqs = fx.requests("/t/etag")
    check("etag: If-None-Match sent with quotes",
          reqs[1][2].get("if-none-match", "").startswith('"'), reqs[1][2])
    check("etag: stats", second["cached"] == 1 and second["sent"] == 1, second)
    # another credential is another cache entry (ETags vary by auth)
    third = run(fx, [[req(fx, "/t/etag", auth=TOK)]], cache_dir=cache,
                env_extra={"GITHUB_TOKEN": "other-token"})
    check("etag: keyed by token", not third["rounds"][0][0]["from_cache"])
    fourth = run(fx, [[req(fx, "/t/etag", auth=TOK, no_cache=True)]],
                 cache_dir=cache)
    check("etag: no_cache skips", not fourth["rounds"][0][0]["from_cache"] and
          "if-none-match" not in fx.requests("/t/etag")[-1][2])


@case
def primary_limit_short(fx):
    out = run(fx, [[req(fx, "/t/primary")]], http={"max_wait": 5})
    r = out["rounds"][0][0]
    check("primary short: waited and succeeded", r["status"] == 200, r)
    check("primary short: two requests", fx.hits("/t/primary") == 2)


@case
def primary_limit_long(fx):
    out = run(fx, [[req(fx, "/t/primary-long")],
                   [req(fx, "/t/paged")]], http={"max_wait": 5})
    r = out["rounds"][0][0]
    check("primary long: fails with the reset time",
          r["status"] == 403 and "resets at" in (r["error"] or ""), r)
    check("primary long: machine-readable reset",
          int(r["headers"].get("x-opsgrade-rate-limit-reset", "0")) > 0, r)
    r2 = out["rounds"][1][0]
    check("primary long: next request not sent",
          r2["status"] == 0 and "resets at" in (r2["error"] or "") and
          fx.hits("/t/paged") == 0, r2)


@case
def secondary_limit(fx):
    out = run(fx, [[req(fx, "/t/secondary")]], http={"max_wait": 5})
    r = out["rounds"][0][0]
    check("secondary: retry-after honoured", r["status"] == 200 and
          fx.hits("/t/secondary") == 2, r)
    out = run(fx, [[req(fx, "/t/secondary-long")]], http={"max_wait": 5})
    r = out["rounds"][0][0]
    check("secondary long: fails, says when", r["status"] == 403 and
          "resets at" in (r["error"] or "") and
          fx.hits("/t/secondary-long") == 1, r)


@case
def retry_5xx(fx):
    out = run(fx, [[req(fx, "/t/flaky")]])
    r = out["rounds"][0][0]
    check("502 then success", r["status"] == 200 and fx.hits("/t/flaky") == 2, r)
    out = run(fx, [[req(fx, "/t/always-503")]], http={"retries": 2})
    r = out["rounds"][0][0]
    check("503 gives up after retries", r["status"] == 503 and
          fx.hits("/t/always-503") == 3, (r, fx.hits("/t/always-503")))


@case
def connection_reset(fx):
    out = run(fx, [[req(fx, "/t/reset")]])
    r = out["rounds"][0][0]
    check("reset: retried to success", r["status"] == 200 and
          fx.hits("/t/reset") >= 2, r)


@case
def slow_timeout(fx):
    out = run(fx, [[req(fx, "/t/slow?s=3")]], http={"timeout": 0.3, "retries": 1})
    r = out["rounds"][0][0]
    check("slow: times out with an error", r["status"] == 0 and
          "timeout" in (r["error"] or "").lower() and fx.hits("/t/slow") == 2, r)


@case
def forbidden(fx):
    out = run(fx, [[req(fx, "/t/forbidden", auth=TOK)]])
    r = out["rounds"][0][0]
    check("403 permission passes through", r["status"] == 403 and
          r["error"] is None and "disabled" in r["body"] and
          fx.hits("/t/forbidden") == 1, r)


@case
def redirect_other_host(fx):
    out = run(fx, [[req(fx, "/t/redirect", auth=TOK, follow_redirects=True)]])
    r = out["rounds"][0][0]
    check("redirect: followed", r["status"] == 200 and "localhost" in r["effective_url"], r)
    first = fx.requests("/t/redirect")[0][2]
    landing = fx.requests("/t/landing")[0][2]
    check("redirect: token on the origin", first.get("authorization") == "Bearer " + TOKEN)
    check("redirect: no Authorization on the other host", "authorization" not in landing,
          landing)
    # same host: the credential stays
    out = run(fx, [[req(fx, "/t/redirect?to=" + fx.url + "/t/landing", auth=TOK,
                        follow_redirects=True)]])
    landing = fx.requests("/t/landing")[-1][2]
    check("redirect: same host keeps token", landing.get("authorization") ==
          "Bearer " + TOKEN)
    out = run(fx, [[req(fx, "/t/redirect")]])
    check("redirect: not followed unless asked", out["rounds"][0][0]["status"] == 302)


@case
def declared_credentials(fx):
    login = {"OPSGRADE_REGISTRY_USER": "u", "OPSGRADE_REGISTRY_PASSWORD": "p"}
    out = run(fx, [[req(fx, "/t/echo", auth="secret:github.login")]],
              env_extra=login, github={"images": ["127.0.0.1:%d/app:1" % fx.port]})
    r = json.loads(out["rounds"][0][0]["body"])
    check("credential: Basic for a host of its option", r.get("authorization") ==
          "Basic dTpw", r)
    check("credential: no GitHub headers added by the core",
          "x-github-api-version" not in r, r)
    # the fixture is not among the credential's hosts
    out = run(fx, [[req(fx, "/t/echo", auth="secret:github.login")]],
              env_extra=login, github={"images": ["registry.example:5000/app"]})
    r = json.loads(out["rounds"][0][0]["body"])
    check("credential: not to a host it is not declared for",
          "authorization" not in r, r)
    # the token configured for another API host stays away from this one
    out = run(fx, [[req(fx, "/t/echo", auth=TOK)]],
              github={"api_url": "https://ghe.example/api/v3"})
    r = json.loads(out["rounds"][0][0]["body"])
    check("credential: token only to the configured API", "authorization" not in r, r)
    # names the host does not know are refused, not ignored
    for bad in ("github", "registry:127.0.0.1", "secret:other.token"):
        out = run(fx, [[req(fx, "/t/echo", auth=bad)]])
        r = out["rounds"][0][0]
        check("credential: unknown auth %r refused" % bad, r["status"] == 0 and
              "secret:NAME" in (r["error"] or "") and fx.hits("/t/echo") == 3, r)


@case
def size_cap_and_gzip(fx):
    out = run(fx, [[req(fx, "/t/big?n=200000")]], http={"max_response_bytes": 100000})
    r = out["rounds"][0][0]
    check("size cap: error", r["status"] == 0 and "max_response_bytes" in (r["error"] or ""), r)
    out = run(fx, [[req(fx, "/t/gzip")]])
    r = out["rounds"][0][0]
    check("gzip: decoded", r["status"] == 200 and json.loads(r["body"])["text"] == "z" * 5000)


@case
def concurrency(fx):
    batch = [req(fx, "/t/paged?page=%d&i=%d" % (1 + i % 3, i)) for i in range(40)]
    out = run(fx, [batch], http={"max_in_flight": 4})
    ok = all(r["status"] == 200 for r in out["rounds"][0])
    check("batch of 40: all answered in order", ok and
          json.loads(out["rounds"][0][5]["body"])[0]["n"] == 30, out["rounds"][0][5])


for d in _tmpdirs:
    d.cleanup()

sys.exit(done())
