#!/bin/sh
# Time `opsgrade merge` of SHARDS shard reports holding N findings in all
# (issue 16: 20 shards, 1 M findings, under 2 s).
#
#	bench/merge-shards.sh BUILD_DIR [N=1000000] [SHARDS=20] [WORKDIR]
#
# Each shard is a Trivy scan of its own N/SHARDS vulnerabilities
# (gen-trivy.py FIRST), collected with `opsgrade collect` into a
# report.json; the shards are made once and kept in WORKDIR (default a
# temporary directory).  Then the merge runs 3 times under /usr/bin/time.
set -eu
build=${1:?usage: bench/merge-shards.sh BUILD_DIR [N] [SHARDS] [WORKDIR]}
n=${2:-1000000}
shards=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
og=$(cd "$build" && pwd)/cli/opsgrade
[ -x "$og" ] || { echo "no $og; build first" >&2; exit 1; }
if [ -n "${4:-}" ]; then
	work=$4
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT INT TERM
fi
per=$((n / shards))
mkdir -p "$work/empty" "$work/home"
export HOME=$work/home XDG_STATE_HOME=$work/home/state XDG_CACHE_HOME=$work/home/cache
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795000000}
i=0
while [ "$i" -lt "$shards" ]; do
	s=$work/shard-$per-$i.json
	if [ ! -s "$s" ]; then
		/usr/bin/python3 "$here/gen-trivy.py" "$work/trivy.json" "$per" $((i * per))
		(cd "$work/empty" && "$og" collect --quiet --trivy "$work/trivy.json" -o "$s.tmp")
		mv "$s.tmp" "$s"
		rm -f "$work/trivy.json"
	fi
	i=$((i + 1))
done
echo "merge: $shards shards of $per findings ($(du -shc "$work"/shard-$per-*.json | tail -1 | cut -f1) of report.json)"
i=0
while [ "$i" -lt 3 ]; do
	rm -f "$work/merged.json"
	(cd "$work/empty" && /usr/bin/time -f "merge wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
		"$og" merge --quiet "$work"/shard-$per-*.json -o "$work/merged.json")
	i=$((i + 1))
done
python3 -c "import json,sys; print('merged findings:', len(json.load(open(sys.argv[1]))['findings']))" "$work/merged.json"
