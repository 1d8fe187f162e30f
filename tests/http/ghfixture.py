"""A loopback HTTP server that behaves like the GitHub REST API.

Python standard library only.  Bound to 127.0.0.1 on port 0; every
request is recorded (method, path, headers) so tests can assert what the
client sent.  Two kinds of routes:

* scripted test routes under /t/ (pagination, ETag, rate limits, 502,
  connection reset, slow answer, redirect to another host, big body);
* API routes from a table: Fixture.routes[path] = Route(...), with
  Link pagination over lists (per_page, page), ETags on every 200 and 304
  for a matching If-None-Match (which, as on GitHub, is not counted
  against the rate limit);
* POST /graphql answered from the same table (ghgraphql.py).
"""

import gzip
import hashlib
import json
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ghgraphql

PAGE_MAX = 100


class Route:
    """One API path.  body: a dict/list (JSON) or None for 204.
    A list is paginated; wrap="workflow_runs" answers
    {"total_count": n, "workflow_runs": [...]}.  filt(items, query) may
    narrow a list by query parameters (e.g. created=A..B)."""

    def __init__(self, body=None, status=200, wrap=None, filt=None,
                 headers=None, cap=None):
        self.body = body
        self.status = status
        self.wrap = wrap
        self.filt = filt
        self.headers = headers or {}
        self.cap = cap  # like /actions/runs: at most this many results


class Fixture:
    def __init__(self, latency=0.0, rate_limit=None, prefix=""):
        self.lock = threading.Lock()
        # GitHub Enterprise Server serves the API under /api/v3: with a
        # prefix, only paths under it are answered (and recorded without it)
        self.prefix = prefix
        self.log = []           # (method, path_with_query, headers dict)
        self.counts = {}        # path -> hits
        self.routes = {}        # path -> Route
        self.latency = latency
        self.rate_limit = rate_limit  # None: no x-ratelimit headers
        self.remaining = rate_limit or 0
        self.server = None
        self.thread = None
        self.max_log = 200000
        # POST /graphql (ghgraphql.py): False answers 404 like a server
        # without it; graphql_mode "errors" / "rate-limited" answers every
        # query with that error (HTTP 200, as GitHub does)
        self.graphql = True
        self.graphql_mode = None

    # -- lifecycle ----------------------------------------------------
    def start(self):
        fixture = self

        class Handler(GitHubHandler):
            fx = fixture

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d%s" % (self.port, self.prefix)

    def hits(self, path):
        with self.lock:
            return self.counts.get(path, 0)

    def requests(self, prefix=""):
        with self.lock:
            return [r for r in self.log if r[1].startswith(prefix)]

    def record(self, method, path, headers):
        with self.lock:
            p = path.split("?")[0]
            self.counts[p] = self.counts.get(p, 0) + 1
            if len(self.log) < self.max_log:
                self.log.append((method, path, headers))
            return self.counts[p]


def etag_of(data):
    return '"%s"' % hashlib.sha1(data).hexdigest()[:20]


class GitHubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fx = None  # set by Fixture.start
    timeout = 30
    # The status line and headers go out in one write and the body in
    # another: with Nagle on, the body waits for the client's delayed ACK
    # (40 ms on Linux) on every answer of a kept-alive connection, which
    # GitHub's servers do not add.  The benchmark's latency is the
    # fixture's own sleep, nothing else.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    # -- plumbing -----------------------------------------------------
    def send(self, status, body=b"", headers=None, etag=True):
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        if status == 200 and etag and body:
            tag = etag_of(body)
            headers["ETag"] = tag
            if self.headers.get("If-None-Match") == tag:
                status, body = 304, b""
        if status != 304 and self.fx.rate_limit is not None:
            with self.fx.lock:
                self.fx.remaining = max(self.fx.remaining - 1, 0)
                rem = self.fx.remaining
            headers.setdefault("x-ratelimit-limit", str(self.fx.rate_limit))
            headers.setdefault("x-ratelimit-remaining", str(rem))
            headers.setdefault("x-ratelimit-reset", str(int(time.time()) + 3600))
        if ("gzip" in (self.headers.get("Accept-Encoding") or "")
                and len(body) > 256 and status == 200):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        if self.fx.prefix:
            if not parsed.path.startswith(self.fx.prefix + "/"):
                return self.send(404, {"message": "Not Found (outside %s)" % self.fx.prefix})
            self.path = self.path[len(self.fx.prefix):]
            parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        n = self.fx.record(self.command, self.path, hdrs)
        if self.fx.latency:
            time.sleep(self.fx.latency)
        path = parsed.path
        if path.startswith("/t/"):
            return self.scripted(path, query, n)
        route = self.fx.routes.get(path)
        if route is None:
            return self.send(404, {"message": "Not Found"})
        return self.serve_route(route, path, query)

    do_HEAD = do_GET

    def do_POST(self):
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        # GitHub: /graphql; GHES: /api/graphql beside the REST /api/v3
        where = self.fx.prefix[:-len("/v3")] if self.fx.prefix.endswith("/v3") else ""
        path = parsed.path[len(where):] if parsed.path.startswith(where + "/") else None
        self.fx.record("POST", path or parsed.path, hdrs)
        if self.fx.latency:
            time.sleep(self.fx.latency)
        if path != "/graphql" or not self.fx.graphql:
            return self.send(404, {"message": "Not Found"})
        status, answer = ghgraphql.answer(self.fx, body, "authorization" in hdrs)
        return self.send(status, answer, {"x-ratelimit-resource": "graphql"}, etag=False)

    # -- table routes -------------------------------------------------
    def serve_route(self, route, path, query):
        if route.status != 200:
            return self.send(route.status, route.body if route.body is not None else b"",
                             route.headers)
        if route.body is None:
            return self.send(204, b"", route.headers)
        if not isinstance(route.body, list):
            return self.send(200, route.body, route.headers)
        items = route.body
        if route.filt:
            items = route.filt(items, query)
        if route.cap is not None and len(items) > route.cap:
            # like GitHub, report the true count but serve only the cap
            total = len(items)
            items = items[:route.cap]
        else:
            total = len(items)
        per = min(int(query.get("per_page", 30)), PAGE_MAX)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per: page * per]
        headers = dict(route.headers)
        links = []
        last = max((len(items) + per - 1) // per, 1)
        if page < last:
            q = dict(query, page=str(page + 1))
            links.append('<%s%s?%s>; rel="next"' % (
                self.fx.url, path, urllib.parse.urlencode(q)))
            q = dict(query, page=str(last))
            links.append('<%s%s?%s>; rel="last"' % (
                self.fx.url, path, urllib.parse.urlencode(q)))
        if links:
            headers["Link"] = ", ".join(links)
        body = {"total_count": total, route.wrap: chunk} if route.wrap else chunk
        return self.send(200, body, headers)

    # -- scripted routes ----------------------------------------------
    def scripted(self, path, query, n):
        fx = self.fx
        if path == "/t/paged":
            page = int(query.get("page", 1))
            headers = {}
            if page < 3:
                headers["Link"] = ('<%s/t/paged?page=%d>; rel="next", '
                                   '<%s/t/paged?page=3>; rel="last"'
                                   % (fx.url, page + 1, fx.url))
            return self.send(200, [{"n": page * 10 + i} for i in range(2)], headers)
        if path == "/t/etag":
            return self.send(200, {"cached": "yes", "pad": "x" * 40},
                             {"Link": '<%s/t/etag?page=2>; rel="next"' % fx.url})
        if path == "/t/primary":
            # first: exhausted with a reset 1 s away; then fine
            if n == 1:
                return self.send(403, {"message": "API rate limit exceeded"},
                                 {"x-ratelimit-remaining": "0",
                                  "x-ratelimit-reset": str(int(time.time()) + 1)})
            return self.send(200, {"ok": True})
        if path == "/t/primary-long":
            return self.send(403, {"message": "API rate limit exceeded"},
                             {"x-ratelimit-remaining": "0",
                              "x-ratelimit-reset": str(int(time.time()) + 3600)})
        if path == "/t/secondary":
            if n == 1:
                return self.send(429, {"message": "You have exceeded a secondary rate limit"},
                                 {"retry-after": "1"})
            return self.send(200, {"ok": True})
        if path == "/t/secondary-long":
            return self.send(403, {"message": "You have exceeded a secondary rate limit"},
                             {"retry-after": "7200"})
        if path == "/t/flaky":
            if n == 1:
                return self.send(502, "bad gateway")
            return self.send(200, {"ok": True})
        if path == "/t/always-503":
            return self.send(503, "unavailable")
        if path == "/t/reset":
            if n == 1:
                # RST instead of an answer
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return None
            return self.send(200, {"ok": True})
        if path == "/t/slow":
            time.sleep(float(query.get("s", "3")))
            return self.send(200, {"late": True})
        if path == "/t/forbidden":
            return self.send(403, {"message": "Dependabot alerts are disabled for this repository."})
        if path == "/t/redirect":
            target = query.get("to", "http://localhost:%d/t/landing" % fx.port)
            return self.send(302, b"", {"Location": target})
        if path == "/t/landing":
            return self.send(200, {"landed": True})
        if path == "/t/big":
            return self.send(200, "y" * int(query.get("n", "100000")), etag=False)
        if path == "/t/gzip":
            return self.send(200, {"text": "z" * 5000})
        if path == "/t/echo":
            return self.send(200, {k.lower(): v for k, v in self.headers.items()},
                             etag=False)
        if path == "/t/challenge":
            # a registry naming its token service on another host
            realm = "http://localhost:%d/t/echo" % fx.port
            return self.send(401, {"errors": []},
                             {"WWW-Authenticate": 'Bearer realm="%s",service="t"' % realm})
        return self.send(404, {"message": "Not Found"})
