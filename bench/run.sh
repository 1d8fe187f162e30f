#!/usr/bin/env bash
# Run the benchmarks that exist.  Usage: bench/run.sh [BUILDDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build}
ninja -C "$b" >/dev/null
echo "== merge (1M findings)"
/usr/bin/time -f "peak RSS %M KiB" "$b/bench/bench-merge" 1000000
for s in bench/*.sh; do
	case "$s" in bench/run.sh) continue ;; esac
	echo "== $s"
	bash "$s" "$b" || echo "($s failed)"
done
