#!/bin/sh
# Benchmark: the github collector over an org of N fixture repositories
# served from loopback with LATENCY seconds per request.  Reports wall
# time, requests per repository, and what a second (warm-cache) run sends.
#
#   bench/github-org.sh [BUILD_DIR] [N=1000] [LATENCY=0.05] [IN_FLIGHT=8]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
exec /usr/bin/python3 - "$here/../tests/http" "$build" "${2:-1000}" "${3:-0.05}" "${4:-8}" <<'PY'
import json, os, subprocess, sys, tempfile, time
tests, build, n, latency, in_flight = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
sys.path.insert(0, tests)
import ghdata, ghfixture

fx = ghfixture.Fixture(latency=latency, rate_limit=1000000)
ghdata.add_bench_org(fx.routes, "bench", n)
fx.start()
cache = tempfile.TemporaryDirectory(prefix="og-bench-cache-")
cfg = {"collectors": {"github": {"org": "bench", "api_url": fx.url, "timeout": 3600}},
       "http": {"cache_dir": cache.name, "max_in_flight": in_flight}}
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(cfg, f)
# everything the runs keep (the HTTP cache, the collector's memory of
# answers without an ETag) stays in the temporary cache directory
env = dict(os.environ, GITHUB_TOKEN="bench-token", SOURCE_DATE_EPOCH=str(ghdata.NOW),
           OPSGRADE_NO_DEFAULT_PLUGINS="1", HOME=cache.name,
           XDG_CACHE_HOME=os.path.join(cache.name, "xdg-cache"),
           XDG_STATE_HOME=os.path.join(cache.name, "xdg-state"))
out = f.name + ".report.json"

def once(label):
    before = len(fx.requests())
    with fx.lock:
        left = fx.remaining
    t0 = time.monotonic()
    p = subprocess.run([os.path.join(build, "cli/opsgrade"), "collect", "-o", out,
                        "--plugin-dir", os.path.join(build, "plugins/github"),
                        "--config", f.name], capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    reqs = fx.requests()[before:]
    cond = sum(1 for r in reqs if "if-none-match" in r[2])
    # what GitHub would charge: every answer but a 304 (the fixture
    # counts them down like x-ratelimit-remaining)
    with fx.lock:
        charged = left - fx.remaining
    ideal = len(reqs) * latency / in_flight
    facts = len(json.load(open(out))["facts"]) if os.path.exists(out) else 0
    print("%-5s rc=%d wall=%.1fs (%.2fx of requests x latency / in-flight = %.1fs) "
          "requests=%d (%.1f/repo) conditional=%d rate-limited=%d facts=%d"
          % (label, p.returncode, wall, wall / ideal if ideal else 0, ideal,
             len(reqs), len(reqs) / n, cond, charged, facts))
    return charged

print("github-org bench: %d repos, %.0f ms latency, max_in_flight %d" % (n, latency * 1000, in_flight))
cold = once("cold")
warm = once("warm")
print("warm rerun: %d rate-limited requests, %.1f%% of the cold run's %d (target < 5%%)"
      % (warm, 100.0 * warm / cold if cold else 0, cold))
os.unlink(f.name)
if os.path.exists(out):
    os.unlink(out)
fx.stop()
PY
