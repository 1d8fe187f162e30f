#!/usr/bin/python3
"""Issue 15 at the CLI: hostile plugins and hostile text.  Each section
names the row of the issue's table it holds opsgrade to."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

OPSGRADE = os.environ["OPSGRADE"]
BUILD = os.environ["OG_BUILD_ROOT"]
PLUGINS = os.path.join(BUILD, "tests", "harden")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ogtest import check, done  # noqa: E402

TMP = tempfile.mkdtemp(prefix="og-harden-")
os.chmod(TMP, 0o755)


def plugin_dir(*names):
    """A directory holding just the named hostile plugins."""
    d = tempfile.mkdtemp(dir=TMP)
    os.chmod(d, 0o755)
    for n in names:
        shutil.copy(os.path.join(PLUGINS, "hostile-%s.so" % n), d)
    return d


def run(args, env_extra=None, timeout=120, plugins=True):
    env = dict(os.environ)
    env.update(HOME=TMP, XDG_STATE_HOME=os.path.join(TMP, "state"),
               XDG_CACHE_HOME=os.path.join(TMP, "cache"))
    if plugins:
        env["OPSGRADE_NO_DEFAULT_PLUGINS"] = "1"
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    env.update(env_extra or {})
    # the secrets plugin tells a copy of this whole block by its start
    env["HOSTILE_ENVIRON_HEAD"] = next(iter(env)) + "="
    return subprocess.run([OPSGRADE] + args, capture_output=True, env=env,
                          cwd=TMP, timeout=timeout)


def collectors(report):
    return {c["name"]: c for c in report["collectors"]}


def strict_json(path):
    """report.json as strict UTF-8 JSON, as Python and jq read it."""
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8", errors="strict"))


def text_rows():
    # Row 6: overlong forms, encoded surrogates, > U+10FFFF -> U+FFFD.
    d = plugin_dir("badtext")
    out = os.path.join(TMP, "badtext.json")
    p = run(["collect", "--plugin-dir", d, "-o", out])
    try:
        rep = strict_json(out)
    except (ValueError, OSError) as e:
        rep = None
        check("row 6: report.json is strict UTF-8", False, e)
    if rep:
        check("row 6: report.json is strict UTF-8", True)
        f = [x for x in rep["findings"] if x["id"] == "BAD-UTF8-1"]
        check("row 6: bad title kept with U+FFFD",
              f and f[0]["title"].startswith("A\ufffd") and
              f[0]["title"].endswith("E\u00e9"), f and f[0]["title"])
        check("row 6: every bad sequence replaced",
              f and "\ufffd" * 4 not in f[0]["title"][:3], f and f[0]["title"])
    check("row 6: replacements counted and said",
          b"invalid UTF-8 sequences" in p.stderr and b"U+FFFD" in p.stderr,
          p.stderr)
    # Row 14: escape sequences from a plugin's log never reach the terminal.
    check("row 14: no ESC from a plugin log on stderr", b"\x1b" not in p.stderr
          and b"\x07" not in p.stderr and b"\\x1b[31mred" in p.stderr, p.stderr)

    # Row 14: a subject with escapes, printed by `opsgrade history`.
    hist = os.path.join(TMP, "hist")
    p = run(["report", "--plugin-dir", d, "--output-dir", os.path.join(TMP, "out14"),
             "--format", "json", "--history", hist,
             "--set", "subject=evil\x1b]0;pwned\x07\x1b[2J"])
    p = run(["history", "--history", hist])
    check("row 14: history prints no raw ESC/BEL", p.returncode == 0 and
          b"\x1b" not in p.stdout and b"\x07" not in p.stdout and
          b"evil\\x1b" in p.stdout, p.stdout + p.stderr)

    # Row 15: NaN/Inf and out-of-range enums refused with a reason, and
    # the collector is partial; row 5: an event at INT64_MAX is refused.
    d = plugin_dir("badvalues")
    out = os.path.join(TMP, "badvalues.json")
    p = run(["collect", "--plugin-dir", d, "-o", out])
    rep = strict_json(out)
    c = collectors(rep)["badvalues"]
    msg = c.get("message") or ""
    check("row 15: collector partial, not ok", c["status"] == "partial", c)
    check("row 15: NaN named", "'hostile.badvalues.nan': number is NaN" in msg, msg)
    check("row 15: Inf named", "'hostile.badvalues.inf': number is infinite" in msg, msg)
    check("row 15: severity out of range named", "severity 99" in msg, msg)
    check("row 15: kind out of range named", "kind -3" in msg, msg)
    check("row 5: event time out of range named", "years 0 and 9999" in msg, msg)
    check("row 15/5: nothing bad kept", not rep["findings"] and not rep["events"]
          and "hostile.badvalues.nan" not in [f["key"] for f in rep["facts"]])
    check("row 15: exit 3 (incomplete)", p.returncode == 3, p.returncode)

    # Row 5: SOURCE_DATE_EPOCH out of range: a real date, a sane file name.
    hist5 = os.path.join(TMP, "hist5")
    p = run(["report", "--plugin-dir", plugin_dir("badtext"), "--output-dir",
             os.path.join(TMP, "out5"), "--format", "json", "--history", hist5],
            {"SOURCE_DATE_EPOCH": "9223372036854775807"})
    rep = strict_json(os.path.join(TMP, "out5", "report.json"))
    gen = rep["generated_at"]
    check("row 5: generated_at is RFC 3339", len(gen) == 20 and gen[4] == "-" and
          gen.endswith("Z") and 2000 < int(gen[:4]) < 9999, gen)
    names = []
    for root, _, files in os.walk(hist5):
        names += files
    check("row 5: history file names are printable ASCII",
          names and all(n.isascii() and n.isprintable() for n in names), names)

    # Row 7: one "\ud800" in one Trivy title costs one character, not the
    # file; row 15: a BOM is accepted and duplicate keys keep the last.
    vulns = []
    for i in range(5):
        v = {"VulnerabilityID": "CVE-2099-%04d" % i, "PkgName": "p%d" % i,
             "InstalledVersion": "1", "Severity": "LOW", "Title": "t%d" % i}
        vulns.append(json.dumps(v))
    vulns[2] = vulns[2].replace('"t2"', '"bad \\ud800 title"')
    vulns[3] = vulns[3].replace('"Severity": "LOW"',
                                '"Severity": "LOW", "Severity": "CRITICAL"')
    doc = ('{"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": '
           '"filesystem", "Results": [{"Target": "t", "Class": "lang-pkgs", '
           '"Type": "npm", "Vulnerabilities": [%s]}]}' % ", ".join(vulns))
    trivy = os.path.join(TMP, "trivy-surrogate.json")
    with open(trivy, "wb") as f:
        f.write(b"\xef\xbb\xbf" + doc.encode())
    out = os.path.join(TMP, "trivy.json")
    p = run(["collect", "--trivy", trivy, "-o", out,
             "--set", "collectors.repo.enabled=false"], plugins=False)
    rep = strict_json(out)
    ids = sorted(f["id"] for f in rep["findings"])
    check("row 7: all 5 findings kept (BOM accepted)", len(ids) == 5, (ids, p.stderr))
    t = [f for f in rep["findings"] if f["id"] == "CVE-2099-0002"]
    check("row 7: lone surrogate became U+FFFD",
          t and t[0]["title"] == "bad \ufffd title", t)
    check("row 7: warned with the file name", b"trivy-surrogate.json" in p.stderr
          and b"U+FFFD" in p.stderr, p.stderr)
    t = [f for f in rep["findings"] if f["id"] == "CVE-2099-0003"]
    check("row 15: duplicate key keeps the last (jq, Python)",
          t and t[0]["severity"] == "critical", t)


def yaml_anchors():
    # Row 11: workflows with 20k anchors and 20k aliases each.  The
    # quadratic lookup spent ~5 s of CPU per file (30 s for these six,
    # past the 20 s timeout: every repo fact lost); a hash lookup needs
    # well under a second for all six, so the margin is over 10x.
    repo = os.path.join(TMP, "anchors")
    wf = os.path.join(repo, ".github", "workflows")
    os.makedirs(wf)
    n = 20000
    body = ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest",
            "    env:"]
    body += ["      A%d: &a%d v" % (i, i) for i in range(n)]
    body += ["    steps:"] + ["      - run: *a%d" % i for i in range(n)]
    text = "\n".join(body) + "\n"
    for k in range(6):
        with open(os.path.join(wf, "ci%d.yml" % k), "w") as f:
            f.write(text)
    out = os.path.join(TMP, "anchors.json")
    # Sanitizer builds run several times slower (and CI may be loaded): the
    # quadratic lookup needed ~30 s plain, so 20 s plain / 120 s under ASan
    # still tells the two apart.
    limit = 120 if "ASAN_OPTIONS" in os.environ else 20
    p = run(["collect", repo, "-o", out, "--set",
             "collectors.repo.timeout=%d" % limit], plugins=False, timeout=300)
    rep = strict_json(out)
    c = collectors(rep).get("repo", {})
    check("row 11: repo collector finishes with 6x40k anchors/aliases",
          c.get("status") == "ok", (c, p.stderr[-500:]))
    check("row 11: workflow facts kept", any(f["key"].startswith("ci.")
                                             for f in rep["facts"]),
          [f["key"] for f in rep["facts"]][:10])


FAKE = {
    "GITHUB_TOKEN": "ghp_FAKEsecretGITHUBtoken0123456789abcd",
    "GH_TOKEN": "gho_FAKEsecretGHtoken0123456789abcdefg",
    "OPSGRADE_SMTP_PASSWORD": "FAKEsmtpPASSWORD-4f1c9a",
    "OPSGRADE_REGISTRY_PASSWORD": "FAKEregistryPASSWORD-77e2",
    "OPSGRADE_REGISTRY_USER": "FAKEregistryUSER-d00d",
}


def pidns_available():
    return subprocess.run(["unshare", "-Urp", "--fork", "true"],
                          capture_output=True).returncode == 0


def grep_secrets(root):
    """Files under @root holding any fake secret: [(path, name)]."""
    hits = []
    for d, _, files in os.walk(root):
        for n in files:
            path = os.path.join(d, n)
            try:
                data = open(path, "rb").read()
            except OSError:
                continue
            for k, v in FAKE.items():
                if v.encode() in data:
                    hits.append((path, k))
    return hits


def secrets_rows():
    # Row 2: a plugin reading its environment (and its parent's through
    # /proc), and asking for the GitHub token on another host and for a
    # registry credential over plain HTTP.
    import http.server
    import threading
    seen = []

    class Capture(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, dict(self.headers)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    d = plugin_dir("secrets", "exfil")
    outdir = os.path.join(TMP, "secrets-out")
    hist = os.path.join(TMP, "secrets-hist")
    control = "CONTROLneedle-5e1f0a"
    needles = "\n".join([control] + list(FAKE.values())).encode()
    env = dict(FAKE, HOSTILE_URL="http://127.0.0.1:%d/steal" % srv.server_port,
               HOSTILE_CONTROL=control,
               HOSTILE_NEEDLES=bytes(b ^ 0x5a for b in needles).hex())
    p = run(["report", "--plugin-dir", d, "--output-dir", outdir,
             "--format", "json,junit,pdf,png,html", "--history", hist], env)
    srv.shutdown()
    rep = strict_json(os.path.join(outdir, "report.json"))
    facts = {f["key"]: f for f in rep["facts"]}
    leaked = facts.get("hostile.secrets.environment", {}).get("value", "")
    check("row 2: the plugin saw its environment", "GITHUB_TOKEN=(unset)" in leaked,
          leaked[:300])
    check("row 2: no secret in the plugin's environment",
          not any(v in leaked for v in FAKE.values()), leaked[:300])
    parent = facts.get("hostile.secrets.parent_environment", {}).get("value", "")
    check("row 2: the host's environment unreadable through /proc",
          not any(v in parent for v in FAKE.values()), parent[:300])
    stolen = [h for path, h in seen if path == "/steal"]
    declared = [h for path, h in seen if path == "/steal-declared"]
    check("row 2: the GitHub token not sent to another host",
          stolen and not any("Authorization" in h or "authorization" in h
                             for h in stolen), stolen)
    check("row 2: a plugin's declared credential attached for its host "
          "by the broker", facts.get("hostile.secrets.available", {}).get("value")
          is True and any(h.get("Authorization") == "Bearer " + FAKE["GITHUB_TOKEN"]
                          for h in declared), declared)
    mem = dict(x.split(":") for x in facts.get("hostile.secrets.memory", {})
               .get("value", "").split(";") if x)
    check("row 2: the memory scan works (finds a non-secret variable)",
          int(mem.get("0", 0)) >= 1, mem)
    # A sanitizer runtime's GetEnv reads /proc/self/environ into an
    # anonymous buffer of its own before main() (sanitizer_linux.cpp), in
    # the opsgrade process; fork passes that one copy on and nothing of
    # ours knows where it is to wipe it.  The plugin counts hits inside
    # a copy of the whole start-up environment (anonymous mapping that
    # begins with its first variable) apart: outside it there must be
    # none in any build; inside it, none in a plain build and at most
    # that one copy per secret under a sanitizer.
    envc = dict(x.split(":") for x in facts.get(
        "hostile.secrets.memory_environ_copy", {}).get("value", "").split(";") if x)
    check("row 2: no secret anywhere in the plugin's memory, after using one"
          " (outside a start-up environment copy)",
          mem and all(int(v) == 0 for k, v in mem.items() if k != "0"), mem)
    if "ASAN_OPTIONS" in os.environ:
        check("row 2: under ASan, the only copies are the sanitizer's environ "
              "buffer (which holds the control too: the region is the one named)",
              envc and int(envc.get("0", 0)) >= 1 and
              all(int(v) <= 1 for k, v in envc.items() if k != "0"), envc)
    else:
        check("row 2: no start-up environment copy in a plain build",
              envc and all(int(v) == 0 for v in envc.values()), envc)
    check("row 2: the plugin's own token not sent to a host it is not "
          "declared for", b"not sending credential exfil.token to 127.0.0.1"
          in p.stderr, p.stderr[-600:])
    check("row 2: the old auth=\"github\" refused, not ignored",
          "secret:NAME" in facts.get("hostile.exfil.github_auth", {}).get("value", ""),
          facts.get("hostile.exfil.github_auth"))
    check("row 16: no credential over plain HTTP to a non-loopback host",
          b"not sending credential exfil.login over plain HTTP to 192.0.2.1:9"
          in p.stderr, p.stderr[-600:])
    hits = grep_secrets(TMP)
    check("row 2: no fake secret in any output, log, history or cache file",
          not hits, hits)
    check("row 2: nor on stdout/stderr", not any(
        v.encode() in p.stdout + p.stderr for v in FAKE.values()))


def credential_audit_rows():
    # Row 2, declarations: an administrator sees what each plugin asks
    # for and where it goes; a dropped-in plugin that takes another
    # plugin's variable for other hosts is refused, and so is that one.
    p = run(["plugins", "--json", "--set",
             "collectors.github.api_url=https://ghe.example/api/v3"], plugins=False)
    listed = {e.get("name"): e for e in json.loads(p.stdout)}
    gh = {c["name"]: c for c in listed.get("github", {}).get("credentials", [])}
    tok = gh.get("github.token", {})
    check("credentials: plugins --json shows a plugin's credential, its "
          "variables, file option and hosts",
          tok.get("env") == ["GITHUB_TOKEN", "GH_TOKEN"] and
          tok.get("file_option") == "collectors.github.token_file" and
          tok.get("hosts") == ["api.github.com"] and
          tok.get("hosts_option") == "collectors.github.api_url", tok)
    check("credentials: ... and where it goes under this config",
          tok.get("goes_to") == ["ghe.example:443"], tok.get("goes_to"))
    reg = {c["name"]: c for c in listed.get("registry", {}).get("credentials", [])}
    check("credentials: the registry login: user and password variables, the "
          "Docker login", any(c.get("docker_config") and
                              c.get("user_env") == ["OPSGRADE_REGISTRY_USER"]
                              for c in reg.values()), reg)
    p = run(["plugins"], plugins=False)
    check("credentials: plugins (text) names them",
          b"credential github.token: from $GITHUB_TOKEN, $GH_TOKEN, file "
          b"collectors.github.token_file; to api.github.com (or the hosts "
          b"collectors.github.api_url names)" in p.stdout and
          b"credential registry.login: from $OPSGRADE_REGISTRY_PASSWORD with "
          b"user $OPSGRADE_REGISTRY_USER, the Docker login for the host; to "
          b"nowhere (or the hosts collectors.registry.images names)" in p.stdout,
          p.stdout[-800:])
    d = plugin_dir("secrets")
    p = run(["plugins", "--json", "--plugin-dir", d], plugins=False)
    listed = {os.path.basename(e["path"]): e for e in json.loads(p.stdout)}
    thief = listed.get("hostile-secrets.so", {})
    check("credentials: a plugin taking GITHUB_TOKEN for other hosts than "
          "github is refused", thief.get("status") == "refused" and
          "takes GITHUB_TOKEN" in thief.get("message", ""), thief)
    gh = [e for n, e in listed.items() if n.startswith("github")]
    check("credentials: ... and github too, until one is removed",
          gh and gh[0].get("status") == "refused" and
          "hostile-secrets.so" in gh[0].get("message", ""), gh)
    out = os.path.join(TMP, "audit.json")
    p = run(["collect", "--plugin-dir", d, "-o", out],
            {"HOSTILE_URL": "http://127.0.0.1:9/x"})
    c = collectors(strict_json(out)).get("secrets", {})
    check("credentials: report.json collectors[] shows them",
          [x.get("goes_to") for x in c.get("credentials", [])] == [["127.0.0.1"]],
          c.get("credentials"))


def resource_rows():
    # Row 3: floods of unique facts / findings stop at the collector's
    # budget, with the figure; the report is still written.
    d = plugin_dir("flood", "floodf", "badtext")
    out = os.path.join(TMP, "flood.json")
    p = run(["collect", "--plugin-dir", d, "-o", out,
             "--set", "collectors.flood.limits.keys=5000",
             "--set", "collectors.floodf.limits.records=20000",
             "--set", "collectors.flood.timeout=60",
             "--set", "collectors.floodf.timeout=60"], timeout=200)
    rep = strict_json(out)
    c = collectors(rep)
    check("row 3: fact flood stopped at 5000 distinct keys",
          c["flood"]["status"] == "failed" and
          "more than 5000 distinct fact keys" in c["flood"]["message"], c["flood"])
    check("row 3: finding flood stopped at 20000 records",
          c["floodf"]["status"] == "failed" and
          "more than 20000 records" in c["floodf"]["message"], c["floodf"])
    check("row 3: the others' results kept", c["badtext"]["status"] != "failed")
    check("row 3: exit 3, report written", p.returncode == 3, p.returncode)
    out = os.path.join(TMP, "flood-bytes.json")
    p = run(["collect", "--plugin-dir", plugin_dir("floodf"), "-o", out,
             "--set", "collectors.floodf.limits.bytes=1000000"], timeout=200)
    c = collectors(strict_json(out))
    check("row 3: byte budget", c["floodf"]["status"] == "failed" and
          "more than 1000000 bytes" in c["floodf"]["message"], c["floodf"])


def box_rows():
    # Row 4: a setsid() grandchild dies with its collector, and the run
    # does not wait for it.
    out = os.path.join(TMP, "setsid.json")
    p = run(["collect", "--plugin-dir", plugin_dir("setsid"), "-o", out],
            timeout=100)
    rep = strict_json(out)
    c = collectors(rep)["setsid"]
    check("row 4: collector ok", c["status"] == "ok", c)
    pid = int(next((f["value"] for f in rep["facts"]
                    if f["key"] == "hostile.setsid.pid"), "0") or 0)
    alive = False
    if pid:
        try:
            # a zombie is dead too; only a running process counts
            st = open("/proc/%d/stat" % pid).read()
            alive = st.rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            alive = False
    check("row 4: the setsid grandchild is gone", pid and not alive, (pid, alive))
    check("row 4: the run did not wait for it", (c.get("duration_ms") or 0) < 60000, c)

    # Row 16: a plugin that SIGTERMs its parent and (when it can find it
    # through /proc) the opsgrade host.  In a PID namespace the host's pid
    # means nothing to it; without one, only kill(getppid()) is tried,
    # which reaches the box's keeper, not the host.
    ns = pidns_available()
    out = os.path.join(TMP, "killparent.json")
    env = {"HOSTILE_FIND_HOST": "1"} if ns else {}
    p = run(["collect", "--plugin-dir", plugin_dir("killparent", "badtext"),
             "-o", out], env, timeout=100)
    check("row 16: the host survives (no rc 143)%s" % ("" if ns else
          " [no PID namespace here: host-pid attack not tried]"),
          p.returncode in (0, 3) and os.path.exists(out), (p.returncode, p.stderr[-400:]))
    if os.path.exists(out):
        c = collectors(strict_json(out))
        check("row 16: the other collector's results kept",
              c["badtext"]["status"] != "failed", c)


def landlock_available():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    return libc.syscall(444, None, 0, 1) >= 1


def landlock_rows():
    # Landlock: the plugin process may write only in its private temp
    # dir (removed after it), where the kernel allows it unprivileged.
    outside = os.path.join(TMP, "written-by-plugin")
    out = os.path.join(TMP, "writer.json")
    p = run(["collect", "--plugin-dir", plugin_dir("writer"), "-o", out],
            {"HOSTILE_OUTSIDE": outside})
    facts = {f["key"]: f["value"] for f in strict_json(out)["facts"]}
    if landlock_available():
        check("landlock: no write outside the private temp dir",
              not os.path.exists(outside) and
              facts.get("hostile.writer.outside") == "Permission denied", facts)
    else:
        check("landlock: not available here (write allowed, as the README says)",
              True)
    tmpdir = facts.get("hostile.writer.tmpdir", "")
    check("landlock: the private temp dir is writable",
          facts.get("hostile.writer.tmp") == "written" and
          "opsgrade-plugin-" in tmpdir, facts)
    check("landlock: the private temp dir is gone after the run",
          tmpdir and not os.path.exists(tmpdir), tmpdir)


def landlock_read_rows():
    # Landlock reads: a plugin reads its declared inputs and the system's
    # files, not the secrets its user may read (its own token file, the
    # Docker login, ~/.netrc, the SMTP password file, the cwd).
    os.makedirs(os.path.join(TMP, ".docker"), exist_ok=True)
    files = {"docker": os.path.join(TMP, ".docker", "config.json"),
             "netrc": os.path.join(TMP, ".netrc"),
             "token": os.path.join(TMP, "reader-token"),
             "smtp": os.path.join(TMP, "smtp-password"),
             "input": os.path.join(TMP, "reader-input.txt"),
             "undeclared": os.path.join(TMP, "undeclared.txt")}
    for path in files.values():
        with open(path, "w") as f:
            f.write("FAKEreadable-c0ffee\n")
        os.chmod(path, 0o600)
    out = os.path.join(TMP, "reader.json")
    p = run(["collect", "--plugin-dir", plugin_dir("reader"), "-o", out,
             "--set", "collectors.reader.input=" + files["input"],
             "--set", "collectors.reader.token_file=" + files["token"]],
            {"HOSTILE_SMTP_FILE": files["smtp"]})
    facts = {f["key"]: f["value"] for f in strict_json(out)["facts"]}
    check("landlock reads: the plugin reads its declared input",
          facts.get("hostile.reader.input") == "read", (facts, p.stderr[-400:]))
    secret_files = ("token_file", "docker_config", "netrc", "smtp_password",
                    "undeclared")
    if landlock_available():
        for what in secret_files:
            check("landlock reads: %s refused to the plugin" % what,
                  facts.get("hostile.reader." + what) == "Permission denied", facts)
        p = run(["collect", "--plugin-dir", plugin_dir("reader"), "-o", out,
                 "--set", "collectors.reader.input=" + files["input"]],
                {"HOSTILE_SMTP_FILE": files["smtp"], "OPSGRADE_NO_LANDLOCK": "1"})
        facts = {f["key"]: f["value"] for f in strict_json(out)["facts"]}
        check("landlock reads: the test can fail (without Landlock the "
              "plugin reads ~/.netrc)", facts.get("hostile.reader.netrc") == "read",
              facts)
    else:
        print("# SKIP landlock reads: this kernel has no Landlock (ABI < 1), so "
              "plugins may read any file their user can, as the README says")


def output_rows():
    import fcntl
    import resource
    import signal
    d = plugin_dir("badtext")
    outdir = os.path.join(TMP, "set-out")
    hist = os.path.join(TMP, "set-hist")
    args = ["report", "--plugin-dir", d, "--output-dir", outdir,
            "--format", "json,junit,pdf", "--history", hist]
    p = run(args, {"SOURCE_DATE_EPOCH": "1764000000"})
    first = {n: open(os.path.join(outdir, n), "rb").read()
             for n in ("report.json", "junit.xml", "report.pdf")}
    check("rows 8/9: a first run publishes its set", p.returncode == 0 and
          sorted(os.listdir(outdir)) == ["junit.xml", "report.json", "report.pdf"],
          (p.returncode, os.listdir(outdir)))

    # Row 8: while another run holds the output directory, exit 75.
    fd = os.open(outdir, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    p = run(args, {"SOURCE_DATE_EPOCH": "1764000100"})
    check("row 8: a second concurrent run exits 75", p.returncode == 75 and
          b"another opsgrade run is writing" in p.stderr, (p.returncode, p.stderr[-300:]))
    # before collecting: the exfil plugin would make HTTP requests
    import http.server
    import threading
    hits = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    p = run(["report", "--plugin-dir", plugin_dir("exfil"), "--output-dir", outdir,
             "--format", "json"],
            {"HOSTILE_URL": "http://127.0.0.1:%d/x" % srv.server_port})
    srv.shutdown()
    check("row 8: the second run exits 75 before it collects",
          p.returncode == 75 and not hits, (p.returncode, hits))
    # --wait queues behind the holder instead
    env = dict(os.environ, HOME=TMP, XDG_STATE_HOME=os.path.join(TMP, "state"),
               XDG_CACHE_HOME=os.path.join(TMP, "cache"),
               OPSGRADE_NO_DEFAULT_PLUGINS="1", SOURCE_DATE_EPOCH="1764000150")
    waiter = subprocess.Popen([OPSGRADE, "render", "--from",
                               os.path.join(outdir, "report.json"), "--wait",
                               "--output-dir", outdir, "--format", "json", "--quiet"],
                              env=env, cwd=TMP, stderr=subprocess.PIPE)
    try:
        waiter.wait(timeout=3)
    except subprocess.TimeoutExpired:
        pass
    still_waiting = waiter.poll() is None
    os.close(fd)
    try:
        rc = waiter.wait(timeout=120)
    except subprocess.TimeoutExpired:
        waiter.kill()
        rc = None
    check("row 8: --wait waits for the holder, then runs", still_waiting and rc == 0,
          (still_waiting, rc, waiter.stderr.read()[-300:]))

    # Row 9: a killed run's leftovers are removed by the next run.
    os.mkdir(os.path.join(outdir, ".staging-abc123"))
    open(os.path.join(outdir, ".staging-abc123", "report.pdf"), "w").write("x")
    open(os.path.join(outdir, ".junit.xml.Qx81Za"), "w").write("x" * 1000)
    p = run(args, {"SOURCE_DATE_EPOCH": "1764000200"})
    check("row 9: stale staging dir and temp file cleaned",
          sorted(os.listdir(outdir)) == ["junit.xml", "report.json", "report.pdf"],
          os.listdir(outdir))
    first = {n: open(os.path.join(outdir, n), "rb").read() for n in first}
    snaps = sorted(os.listdir(hist))

    # Row 9: disk full (a 60 KB file size limit): nothing is published,
    # the previous set stays whole, and no history snapshot is stored.
    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (60000, 60000))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    env = dict(os.environ, HOME=TMP, XDG_STATE_HOME=os.path.join(TMP, "state"),
               XDG_CACHE_HOME=os.path.join(TMP, "cache"),
               OPSGRADE_NO_DEFAULT_PLUGINS="1", SOURCE_DATE_EPOCH="1764000300")
    env.pop("OPSGRADE_PLUGIN_PATH", None)
    p = subprocess.run([OPSGRADE] + args, capture_output=True, env=env, cwd=TMP,
                       timeout=120, preexec_fn=small_disk)
    after = {n: open(os.path.join(outdir, n), "rb").read() for n in first}
    check("row 9: a failed render exits 4", p.returncode == 4, (p.returncode, p.stderr[-300:]))
    check("row 9: the previous set stays whole", after == first)
    check("row 9: no leftovers", sorted(os.listdir(outdir)) ==
          ["junit.xml", "report.json", "report.pdf"], os.listdir(outdir))
    snaps2 = sorted(os.listdir(hist))
    check("row 9: the failed run stored no history snapshot", snaps2 == snaps,
          (snaps, snaps2))

    # Row 9: SIGTERM while rendering removes the staging directory.
    p = subprocess.Popen([OPSGRADE] + args + ["--format", "json,junit,pdf,png,html"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(env, SOURCE_DATE_EPOCH="1764000400"), cwd=TMP)
    import time
    marker = b"SOURCE_DATE_EPOCH=1764000400"

    def run_tree():
        """Processes of that run (the parent, renderers, plugin boxes),
        told by their environment: reparented ones too."""
        pids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if marker in open("/proc/%s/environ" % d, "rb").read().split(b"\0"):
                        pids.append(int(d))
                except OSError:
                    pass
        return pids
    for _ in range(2000):
        if any(n.startswith(".staging-") for n in os.listdir(outdir)) and \
                len(run_tree()) > 1:
            break
        time.sleep(0.005)
    forked = len(run_tree()) > 1
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    check("row 9: SIGTERM leaves no staging dir or temp file",
          not [n for n in os.listdir(outdir) if n.startswith(".")],
          os.listdir(outdir))
    # The renderers are forked children that share the locked directory:
    # the signal handler kills and reaps them, so nothing of the run is
    # left and the next run gets the lock (not exit 75).
    check("row 9: SIGTERM while rendering leaves no process of the run",
          forked and run_tree() == [], (forked, run_tree()))
    p = run(args, {"SOURCE_DATE_EPOCH": "1764000450"})
    check("row 9: the run right after a SIGTERM gets the lock", p.returncode == 0,
          (p.returncode, p.stderr[-300:]))

    # Row 9: SIGKILL between two renames of the publish (a test hook
    # stops there).  A reader then sees part of the new set, and the
    # journal that says so; the next run finishes that publish first.
    before = {n: open(os.path.join(outdir, n), "rb").read() for n in first}
    p = subprocess.Popen([OPSGRADE] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, cwd=TMP,
                         env=dict(env, SOURCE_DATE_EPOCH="1764000500",
                                  OPSGRADE_TEST_PUBLISH_PAUSE="1"))
    import select
    err = b""
    deadline = time.time() + 120
    while b"publish: paused" not in err and time.time() < deadline:
        if select.select([p.stderr], [], [], 1)[0]:
            chunk = os.read(p.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk
    staged = {}
    for n in os.listdir(outdir):
        if n.startswith(".staging-"):
            for f in os.listdir(os.path.join(outdir, n)):
                staged[f] = open(os.path.join(outdir, n, f), "rb").read()
    p.kill()
    p.wait(60)
    p.stderr.close()
    seen = {n: open(os.path.join(outdir, n), "rb").read() for n in first}
    moved = [n for n in first if seen[n] != before[n]]
    check("row 9: killed between two renames (test hook reached)",
          b"publish: paused" in err and len(moved) == 1 and
          ".journal" in staged, (err[-300:], moved, sorted(staged)))
    check("row 9: what a reader sees meanwhile: one new file, the rest old, "
          "and the journal of the unfinished publish",
          all(seen[n] == before[n] for n in first if n not in moved) and
          any(os.path.exists(os.path.join(outdir, d, ".journal"))
              for d in os.listdir(outdir) if d.startswith(".staging-")),
          os.listdir(outdir))
    p = run(args + ["--format", "json"], {"SOURCE_DATE_EPOCH": "1764000600"})
    after = {n: open(os.path.join(outdir, n), "rb").read() for n in first}
    check("row 9: the next run finishes the killed run's publish first",
          p.returncode == 0 and b"finished publishing" in p.stderr and
          all(after[n] == staged[n] for n in first if n in staged and
              n != "report.json"),
          (p.returncode, p.stderr[-400:]))
    check("row 9: ... and leaves no staging dir",
          sorted(os.listdir(outdir)) == ["junit.xml", "report.json", "report.pdf"],
          os.listdir(outdir))


def config_rows():
    # Row 10: a config file that is a FIFO is refused at once.
    fifo = os.path.join(TMP, "fifo.json")
    os.mkfifo(fifo, 0o600)
    p = run(["collect", "--config", fifo, "-o", os.path.join(TMP, "f.json")],
            plugins=False, timeout=30)
    check("row 10: FIFO config refused without blocking", p.returncode == 2 and
          b"not a regular file" in p.stderr, (p.returncode, p.stderr))
    # Row 10: bad report settings are refused before collection: rc 2,
    # one message, no file, no snapshot.
    for bad, key in (("report.accent=red", b"report.accent"),
                     ("report.paper=a0", b"report.paper")):
        out = os.path.join(TMP, "bad-setting")
        hist = os.path.join(TMP, "bad-setting-hist")
        p = run(["report", "--plugin-dir", plugin_dir("badtext"), "--output-dir", out,
                 "--history", hist, "--set", bad], timeout=60)
        check("row 10: --set %s refused before collecting" % bad,
              p.returncode == 2 and p.stderr.count(key) == 1 and
              not os.path.exists(out) and not os.path.exists(hist),
              (p.returncode, p.stderr))

    # Row 13: userinfo in a URL is refused, and never printed.
    for where in (["--github-url", "http://user:pa55w0rd@127.0.0.1:1/api"],
                  ["--set", "collectors.github.api_url=https://x:pa55w0rd@h/"]):
        out = os.path.join(TMP, "ui.json")
        p = run(["collect", "-o", out] + where, plugins=False, timeout=30)
        check("row 13: userinfo refused (%s)" % where[0], p.returncode == 2 and
              b"may not carry a user name or password" in p.stderr and
              b"pa55w0rd" not in p.stderr and not os.path.exists(out),
              (p.returncode, p.stderr))


LOAD_HOSTILE = {
    "ctorsegv": "loading it (in a constructor?) crashed (SIGSEGV)",
    "ctorexit": "loading it (in a constructor?) ended the process (exit status 0)",
    "ctorhang": "loading it (in a constructor?) did not finish within 2 s",
    "badpointer": "reading its descriptor crashed (SIGSEGV)",
    "noterm": "more than 1024 entries or no terminator",
    "longstring": "longer than 4096 bytes or not terminated",
}


def load_rows():
    # Row 1: plugins hostile before any callback (constructors, bad
    # descriptors) are read in a probe child: each command names them
    # refused with the reason and goes on with the others.
    d = plugin_dir("badtext", *LOAD_HOSTILE)
    env = {"OPSGRADE_PROBE_TIMEOUT": "2"}
    out = os.path.join(TMP, "load-out")
    coll = os.path.join(TMP, "load-collect.json")
    cmds = {
        "report": ["report", "--plugin-dir", d, "--output-dir", out,
                   "--format", "json,junit"],
        "collect": ["collect", "--plugin-dir", d, "-o", coll],
        "plugins": ["plugins", "--json", "--plugin-dir", d],
        "render --from": ["render", "--from", os.path.join(out, "report.json"),
                          "--plugin-dir", d, "--output-dir",
                          os.path.join(TMP, "load-render"), "--format", "json"],
        "merge": ["merge", coll, coll, "-o", os.path.join(TMP, "load-merged.json"),
                  "--plugin-dir", d],
    }
    for name, args in cmds.items():
        p = run(args, env, timeout=120)
        err = p.stderr.decode(errors="replace")
        if name == "plugins":
            listed = {os.path.basename(e["path"]): e for e in json.loads(p.stdout)}
            why = {n: listed.get("hostile-%s.so" % n, {}).get("message") or ""
                   for n in LOAD_HOSTILE}
        else:
            why = {n: err for n in LOAD_HOSTILE}
        check("row 1: %s: every hostile plugin refused with its reason" % name,
              all(LOAD_HOSTILE[n] in why[n] for n in LOAD_HOSTILE),
              (p.returncode, err[-1500:], why if name == "plugins" else ""))
        check("row 1: %s: the run went on (rc %d)" % (name, p.returncode),
              p.returncode in (0, 3) and b"Traceback" not in p.stderr,
              err[-500:])
        if name in ("report", "collect"):
            path = os.path.join(out, "report.json") if name == "report" else coll
            ok = os.path.exists(path) and \
                collectors(strict_json(path)).get("badtext", {}).get("status") \
                in ("ok", "partial")
            check("row 1: %s: the good plugin's results are in the report" % name,
                  ok)


def probe_cache_rows():
    # A probe's clean answer is kept per plugin path and used while the
    # plugin file and this build are unchanged: never for a plugin whose
    # probe failed, never when stale, edited, cut short or writable by
    # others (it would declare what the plugin does not).
    d = plugin_dir("badtext", "ctorsegv")
    cache = os.path.join(TMP, "probe-cache")
    kept = os.path.join(cache, "opsgrade", "probe")
    env = {"XDG_CACHE_HOME": cache, "OPSGRADE_PROBE_TIMEOUT": "5",
           "OPSGRADE_PROBE_CACHE": "1"}
    so = os.path.join(d, "hostile-badtext.so")

    def listed():
        p = run(["plugins", "--json", "--plugin-dir", d], env)
        return p.returncode, {os.path.basename(e["path"]): e
                              for e in json.loads(p.stdout or b"[]")}

    def entries():
        return [os.path.join(kept, f) for f in sorted(os.listdir(kept))] \
            if os.path.isdir(kept) else []

    def plant(version, mode=0o644):
        with open(entries()[0]) as f:
            tag, answer = f.read().split("\n", 1)
        with open(entries()[0], "w") as f:
            f.write(tag + "\n" + answer.replace('"version":"1"',
                                                '"version":"%s"' % version))
        os.chmod(entries()[0], mode)

    rc, first = listed()
    files = entries()
    check("probe cache: one answer kept, for the plugin that loaded",
          rc == 0 and len(files) == 1 and
          '"name":"badtext"' in open(files[0]).read(), (rc, files))
    check("probe cache: the crashing plugin is refused, not kept",
          "crashed" in (first.get("hostile-ctorsegv.so", {}).get("message") or ""),
          first.get("hostile-ctorsegv.so"))
    plant("9.9-kept")
    rc, again = listed()
    check("probe cache: an unchanged plugin is answered from the cache",
          again.get("hostile-badtext.so", {}).get("version") == "9.9-kept",
          again.get("hostile-badtext.so"))
    check("probe cache: the crashing plugin is probed again every run",
          "crashed" in (again.get("hostile-ctorsegv.so", {}).get("message") or ""))
    plant("9.9-shared", 0o666)
    rc, shared = listed()
    check("probe cache: an answer others can write is not used",
          shared.get("hostile-badtext.so", {}).get("version") == "1",
          shared.get("hostile-badtext.so"))
    plant("9.9-stale")
    st = os.stat(so)
    os.utime(so, ns=(st.st_atime_ns, st.st_mtime_ns + 1000000000))
    rc, stale = listed()
    check("probe cache: a changed plugin file is probed again",
          stale.get("hostile-badtext.so", {}).get("version") == "1",
          stale.get("hostile-badtext.so"))
    with open(entries()[0]) as f:
        tag = f.read().split("\n", 1)[0]
    with open(entries()[0], "w") as f:
        f.write(tag + "\nloaded\n{\"abi\":2,\"name\":")
    rc, cut = listed()
    check("probe cache: an answer cut short is probed again",
          rc == 0 and cut.get("hostile-badtext.so", {}).get("state") ==
          first.get("hostile-badtext.so", {}).get("state") and
          cut.get("hostile-badtext.so", {}).get("version") == "1",
          cut.get("hostile-badtext.so"))


def main():
    # A section that breaks (a missing report) is one failed check; the
    # other sections still run.
    for section in (load_rows, probe_cache_rows, text_rows, yaml_anchors, secrets_rows, credential_audit_rows, resource_rows,
                    box_rows, landlock_rows, landlock_read_rows, output_rows, config_rows):
        try:
            section()
        except Exception as e:  # noqa: BLE001
            check("%s ran to the end" % section.__name__, False, repr(e)[:300])
    shutil.rmtree(TMP, ignore_errors=True)
    return done()


if __name__ == "__main__":
    sys.exit(main())
