#!/bin/sh
# Render time of the PDF executive report (and the other formats) for the
# bundled example report.  Usage: bench/render-pdf.sh [BUILD_DIR] [RUNS]
# Uses data/example/report.json when it exists, else the test fixture.
# Prints one line per format: best and median wall time over RUNS runs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-10}
driver=$build/tests/reports/render-driver
[ -x "$driver" ] || { echo "render-pdf.sh: $driver not built (ninja -C $build)" >&2; exit 2; }
input=$here/data/example/report.json
[ -f "$input" ] || input=$here/tests/fixtures/report-full.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795000000}

echo "input: ${input#$here/}  runs: $runs  ($(nproc) CPUs, $(uname -m))"
for fmt in pdf png junit json; do
	times=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(date +%s%N)
		"$driver" "$fmt" "$input" "$out/report.$fmt"
		t1=$(date +%s%N)
		times="$times $(( (t1 - t0) / 1000 ))"
		i=$((i + 1))
	done
	sorted=$(printf '%s\n' $times | sort -n)
	best=$(printf '%s\n' "$sorted" | head -n 1)
	median=$(printf '%s\n' "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
	size=$(wc -c < "$out/report.$fmt")
	extra=""
	[ "$fmt" = pdf ] && extra="  pages $(pdfinfo "$out/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')"
	printf '%-6s best %6.1f ms  median %6.1f ms  size %7d B%s\n' "$fmt" \
		"$(echo "$best / 1000" | bc -l)" "$(echo "$median / 1000" | bc -l)" "$size" "$extra"
done
