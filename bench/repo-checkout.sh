#!/usr/bin/env bash
# repo collector on a checkout of 1,000,000 files up to 40 levels deep
# (issue 16, item 5), side by side with `git ls-files` (what listing the
# tracked files costs git itself) and `find` (the filesystem walk).
#
# usage: bench/repo-checkout.sh [BUILDDIR]
#   OG_BENCH_REPO_DIR   where the tree is generated and kept between runs
#                       (default /dev/shm/og-repo-bench, else $TMPDIR);
#                       generating takes minutes, reusing it seconds
#   OG_BENCH_REPO_FILES number of files (default 1000000)
#   OG_BENCH_RUNS       interleaved runs per command (default 3)
# Prints wall, user+sys CPU and peak RSS for each run, and the median
# wall of each command.  Target: complete (not partial) in < 10 s and
# < 200 MB on the 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build}
ninja -C "$b" >/dev/null
n=${OG_BENCH_REPO_FILES:-1000000}
runs=${OG_BENCH_RUNS:-3}
if [ -z "${OG_BENCH_REPO_DIR:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		OG_BENCH_REPO_DIR=/dev/shm/og-repo-bench
	else
		OG_BENCH_REPO_DIR=${TMPDIR:-/tmp}/og-repo-bench
	fi
fi
co=$OG_BENCH_REPO_DIR/co-$n
aside=$OG_BENCH_REPO_DIR/git-aside-$n
unaside() { if [ -d "$aside" ] && [ ! -e "$co/.git" ]; then mv "$aside" "$co/.git"; fi; }
unaside	# a run killed while .git was aside
if [ ! -f "$co/.git/index" ]; then
	echo "generating $n files in $co (once) ..."
	python3 bench/gen-checkout.py "$co" "$n"
fi
tmp=$(mktemp -d)
trap 'unaside; rm -rf "$tmp"' EXIT
export HOME=$tmp XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state
export OPSGRADE_NO_DEFAULT_PLUGINS=1
fmt="%e %U %S %M"
one() {	# name command...: appends "name wall cpu rss" to $tmp/times
	local name=$1
	shift
	/usr/bin/time -o "$tmp/t" -f "$fmt" "$@" >/dev/null 2>"$tmp/err" ||
		{ echo "$name failed:"; cat "$tmp/err"; return 1; }
	read -r wall user sys rss <"$tmp/t"
	printf '%-22s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MiB\n' \
		"$name" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)"
	echo "$name $wall" >>"$tmp/times"
}
for i in $(seq "$runs"); do
	one "opsgrade repo (git)" "$b/cli/opsgrade" collect --quiet \
		--plugin-dir "$b/plugins/repo" \
		--set "collectors.repo.path=$co" -o "$tmp/report.json"
	one "git ls-files -z" git -C "$co" ls-files -z
	one "find -type f" find "$co/" -path "$co/.git" -prune -o -type f -print
done
verdict() {
	python3 - "$1" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
col = [c for c in rep["collectors"] if c["name"] == "repo"][0]
f = {x["key"]: x.get("value") for x in rep["facts"]}
print("repo collector: %s; walk %s, %s files listed, %s files / %s bytes read"
      % (col["status"], f.get("repo.walk.mode"), f.get("repo.files.count"),
         f.get("repo.read.files"), f.get("repo.read.bytes")))
if col["status"] != "ok":
    sys.exit("repo collector did not complete: %s" % col.get("message"))
PY
}
verdict "$tmp/report.json"
mv "$co/.git" "$aside"
for i in $(seq "$runs"); do
	one "opsgrade repo (no git)" "$b/cli/opsgrade" collect --quiet \
		--plugin-dir "$b/plugins/repo" \
		--set "collectors.repo.path=$co" -o "$tmp/report-fs.json"
done
mv "$aside" "$co/.git"
verdict "$tmp/report-fs.json"
sort "$tmp/times" | awk '{k=$1; for (i = 2; i < NF; i++) k=k" "$i; w[k]=w[k]" "$NF} END {for (k in w) print k":"w[k]}' |
while IFS=: read -r name walls; do
	med=$(echo $walls | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf 'median wall %-22s %s s\n' "$name" "$med"
done
