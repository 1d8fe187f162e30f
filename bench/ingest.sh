#!/bin/sh
# Time and peak memory of the trivy and codeql plugins ingesting big files.
#
#	bench/ingest.sh BUILD_DIR [N=100000]
#
# Generates a Trivy report with N vulnerabilities (~180 MB for 100 k) and a
# SARIF file with N results (~80 MB), then runs each plugin through the
# shared mock host (tests/plugins/harness.c; findings counted, not
# printed) under /usr/bin/time -v.
set -eu
build=${1:?usage: bench/ingest.sh BUILD_DIR [N]}
n=${2:-100000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

harness="$build/tests/plugins/mock-host"
[ -x "$harness" ] || { echo "no $harness; build first" >&2; exit 1; }

/usr/bin/python3 "$here/gen-trivy.py" "$tmp/trivy.json" "$n"
/usr/bin/python3 "$here/gen-sarif.py" "$tmp/results.sarif" "$n"

measure() {	# name plugin key file
	/usr/bin/time -v "$harness" "$2" --count-only --set "$3=$4" \
		>"$tmp/out" 2>"$tmp/time"
	size=$(stat -c %s "$4")
	wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tmp/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
	found=$(sed -n 's/.*"findings":\([0-9]*\).*/\1/p' "$tmp/out")
	printf '%-7s %6d MB input  %7s findings  %8s wall  %7d KB peak RSS\n' \
		"$1" $((size / 1048576)) "$found" "$wall" "$rss"
}

measure trivy "$build/plugins/trivy/trivy.so" reports "$tmp/trivy.json"
measure codeql "$build/plugins/codeql/codeql.so" sarif "$tmp/results.sarif"
