"""GitHub's GraphQL endpoint for the loopback fixture (POST /graphql).

A small GraphQL reader (operations, aliases, arguments with literal
values, inline fragments, comments) and an executor over the same route
table the REST side serves, so one fixture answers both ways alike:

  repository(owner:, name:)            the REST route /repos/OWNER/NAME
    nameWithOwner, pushedAt, updatedAt, viewerCanAdminister
    hasVulnerabilityAlertsEnabled      /vulnerability-alerts routed as 204
                                       -> true; else false for an admin,
                                       FORBIDDEN for anyone else (a
                                       non-null field: the repository
                                       becomes null, as on GitHub)
    environments(first:)               /environments ({environments: []})
      totalCount, nodes { name protectionRules(first:) { totalCount
      nodes { type } } }              (types upper case, as GraphQL's enum)
  rateLimit { limit cost remaining used resetAt }

As on GitHub: errors come with HTTP 200 and an "errors" list (with
"path" and "type" for a field that failed, alongside the other data); a
query that does not parse or names an unknown field has no "data"; a
request without a token is 401; first/last must be 1..100.
"""

import json
import re
import time

TOKEN_RE = re.compile(r'\s+|,|#[^\n]*|(\.\.\.)|([{}():\[\]!$=@])|("(?:[^"\\]|\\.)*")|'
                      r'(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)')


class GraphQLError(Exception):
    pass


def tokens(text):
    pos, out = 0, []
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise GraphQLError("Parse error on \"%s\" at [%d]" % (text[pos:pos + 10], pos))
        pos = m.end()
        spread, punct, string, number, name = m.groups()
        if spread:
            out.append(("punct", "..."))
        elif punct:
            out.append(("punct", punct))
        elif string:
            out.append(("string", json.loads(string)))
        elif number:
            out.append(("number", float(number) if "." in number or "e" in number.lower()
                        else int(number)))
        elif name:
            out.append(("name", name))
    return out


class Parser:
    def __init__(self, text):
        self.t = tokens(text)
        self.i = 0

    def peek(self, value=None):
        if self.i >= len(self.t):
            return None if value is None else False
        return self.t[self.i] if value is None else self.t[self.i][1] == value

    def take(self, value=None, kind=None):
        if self.i >= len(self.t):
            raise GraphQLError("Parse error: unexpected end of document")
        tok = self.t[self.i]
        if (value is not None and tok[1] != value) or (kind and tok[0] != kind):
            raise GraphQLError("Parse error on \"%s\"" % (tok[1],))
        self.i += 1
        return tok[1]

    def document(self):
        if self.peek("query"):
            self.take()
            if self.peek() and self.peek()[0] == "name":
                self.take()
            if self.peek("("):
                raise GraphQLError("the fixture takes no variables")
        elif self.peek("mutation") or self.peek("subscription"):
            raise GraphQLError("the fixture answers queries only")
        sel = self.selection_set()
        if self.i != len(self.t):
            raise GraphQLError("Parse error on \"%s\"" % (self.t[self.i][1],))
        return sel

    def selection_set(self):
        self.take("{")
        out = []
        while not self.peek("}"):
            if self.peek("..."):
                self.take()
                self.take("on")
                typ = self.take(kind="name")
                out.append(("fragment", typ, self.selection_set()))
                continue
            name = self.take(kind="name")
            alias = name
            if self.peek(":"):
                self.take()
                name = self.take(kind="name")
            args = {}
            if self.peek("("):
                self.take()
                while not self.peek(")"):
                    key = self.take(kind="name")
                    self.take(":")
                    args[key] = self.value()
                self.take(")")
            sub = self.selection_set() if self.peek("{") else None
            out.append(("field", alias, name, args, sub))
        self.take("}")
        return out

    def value(self):
        kind, v = self.t[self.i] if self.i < len(self.t) else (None, None)
        if kind in ("string", "number"):
            self.i += 1
            return v
        if v == "[":
            self.take()
            out = []
            while not self.peek("]"):
                out.append(self.value())
            self.take()
            return out
        if v == "{":
            self.take()
            out = {}
            while not self.peek("}"):
                key = self.take(kind="name")
                self.take(":")
                out[key] = self.value()
            self.take()
            return out
        if v == "$":
            raise GraphQLError("the fixture takes no variables")
        if kind == "name":
            self.i += 1
            return {"true": True, "false": False, "null": None}.get(v, v)
        raise GraphQLError("Parse error: expected a value")


class FieldError(Exception):
    """A field that failed: null in the data, an entry in "errors"."""

    def __init__(self, message, typ="FORBIDDEN", non_null=False):
        super().__init__(message)
        self.typ = typ
        self.non_null = non_null


def first_of(args):
    n = args.get("first", args.get("last"))
    if not isinstance(n, int) or not 1 <= n <= 100:
        raise GraphQLError("You must provide a `first` or `last` value between 1 and 100 "
                           "to properly paginate the connection.")
    return n


def query_cost(sel, mult=1):
    """GitHub's formula: each connection (a field with first/last) needs
    one request per node of its parent connections; the sum / 100,
    rounded, at least 1 (docs: rate limits for the GraphQL API)."""
    total = 0
    for item in sel or []:
        if item[0] == "fragment":
            total += query_cost(item[2], mult)
            continue
        _, _, _, args, sub = item
        n = args.get("first", args.get("last"))
        if isinstance(n, int):
            total += mult
            total += query_cost(sub, mult * n)
        else:
            total += query_cost(sub, mult)
    return total


class Executor:
    def __init__(self, fx):
        self.fx = fx
        self.errors = []
        self.cost = 1

    def route(self, path):
        return self.fx.routes.get(path)

    def run(self, sel):
        self.cost = max(1, round(query_cost(sel) / 100))
        data = {}
        for item in sel:
            if item[0] != "field":
                raise GraphQLError("Fragment on Query is not supported by the fixture")
            _, alias, name, args, sub = item
            if name == "repository":
                data[alias] = self.repository(alias, args, sub)
            elif name == "rateLimit":
                data[alias] = self.rate_limit(sub)
            else:
                raise GraphQLError("Field '%s' doesn't exist on type 'Query'" % name)
        return data

    def rate_limit(self, sub):
        with self.fx.lock:
            rem = self.fx.remaining
        vals = {"limit": self.fx.rate_limit or 5000, "cost": self.cost, "remaining": rem,
                "used": (self.fx.rate_limit or 5000) - rem,
                "resetAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))}
        return {a: vals[n] for _, a, n, _, _ in sub}

    def repository(self, alias, args, sub):
        owner, name = args.get("owner"), args.get("name")
        if not isinstance(owner, str) or not isinstance(name, str):
            raise GraphQLError("Argument 'owner' and 'name' on Field 'repository' are required")
        base = "/repos/%s/%s" % (owner, name)
        repo = self.route(base)
        if repo is None:
            listing = self.route("/orgs/%s/repos" % owner)
            for r in (listing.body if listing else []):
                if r.get("full_name") == "%s/%s" % (owner, name):
                    repo = r
                    break
            else:
                repo = None
        else:
            repo = repo.body
        if repo is None:
            self.errors.append({"type": "NOT_FOUND", "path": [alias],
                                "message": "Could not resolve to a Repository with the name "
                                           "'%s/%s'." % (owner, name)})
            return None
        out = {}
        try:
            for item in sub or []:
                if item[0] != "field":
                    raise GraphQLError("Fragment on Repository is not supported by the fixture")
                _, a, n, fargs, fsub = item
                try:
                    out[a] = self.repo_field(repo, base, n, fargs, fsub)
                except FieldError as e:
                    self.errors.append({"type": e.typ, "path": [alias, a], "message": str(e)})
                    if e.non_null:
                        raise
                    out[a] = None
        except FieldError:
            return None
        return out

    def repo_field(self, repo, base, name, args, sub):
        admin = bool((repo.get("permissions") or {}).get("admin"))
        if name == "nameWithOwner":
            return repo.get("full_name")
        if name == "pushedAt":
            return repo.get("pushed_at")
        if name == "updatedAt":
            return repo.get("updated_at")
        if name == "viewerCanAdminister":
            return admin
        if name == "hasVulnerabilityAlertsEnabled":
            r = self.route(base + "/vulnerability-alerts")
            if r is not None and r.status == 200 and r.body is None:
                return True
            if admin:
                return False
            raise FieldError("Resource not accessible by integration", non_null=True)
        if name == "environments":
            first_of(args)
            r = self.route(base + "/environments")
            every = r.body.get("environments", []) if (r and r.status == 200) else []
            sel = self.nodes_sel(sub)
            return self.connection(sub, len(every), [
                self.environment(e, sel) for e in every[:args.get("first", 100)]])
        raise GraphQLError("Field '%s' doesn't exist on type 'Repository'" % name)

    def nodes_sel(self, sub):
        for item in sub or []:
            if item[0] == "field" and item[2] == "nodes":
                return item[4]
        return None

    def connection(self, sub, total, nodes):
        out = {}
        for item in sub or []:
            _, a, n, args, s = item
            if n == "totalCount":
                out[a] = total
            elif n == "nodes":
                out[a] = nodes
            else:
                raise GraphQLError("Field '%s' doesn't exist on a connection here" % n)
        return out

    def environment(self, env, sel):
        out = {}
        for item in sel or []:
            _, a, n, args, s = item
            if n == "name":
                out[a] = env.get("name")
            elif n == "protectionRules":
                first_of(args)
                rules = (env.get("protection_rules") or [])[:args.get("first", 100)]
                rsel = self.nodes_sel(s)
                out[a] = self.connection(s, len(env.get("protection_rules") or []), [
                    {ra: str(r.get("type", "")).upper() for _, ra, rn, _, _ in rsel or []
                     if rn == "type"} for r in rules])
            else:
                raise GraphQLError("Field '%s' doesn't exist on type 'Environment'" % n)
        return out


def answer(fx, body, authorized):
    """(status, body dict) for a POST /graphql with JSON @body."""
    if not authorized:
        return 401, {"message": "This endpoint requires you to be authenticated.",
                     "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"}
    try:
        req = json.loads(body or b"null")
        query = req.get("query") if isinstance(req, dict) else None
        if not isinstance(query, str):
            return 400, {"message": "Problems parsing JSON"}
    except ValueError:
        return 400, {"message": "Problems parsing JSON"}
    mode = fx.graphql_mode
    if mode == "errors":
        return 200, {"errors": [{"message": "Something went wrong while executing your query. "
                                            "This may be the result of a timeout."}]}
    if mode == "rate-limited":
        return 200, {"errors": [{"type": "RATE_LIMITED",
                                 "message": "API rate limit exceeded for user ID 1."}]}
    ex = Executor(fx)
    try:
        data = ex.run(Parser(query).document())
    except GraphQLError as e:
        return 200, {"errors": [{"message": str(e)}]}
    out = {"data": data}
    if ex.errors:
        out["errors"] = ex.errors
    return 200, out
