#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and
# run each for SECONDS (default 8), seeded from the test inputs.  A crash
# stops with its input saved under $OUT (default a temporary directory)
# and exit 1; tests/fuzz/README.md says how to turn it into a regression
# test and how to run long.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8}
shift || true
dir=${FUZZ_BUILD:-build-fuzz}
out=${OUT:-$(mktemp -d /tmp/og-fuzz-XXXXXX)}
all=(config report record wire model attest history oci wwwauth trivy sarif github)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dtests=false -Dman=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized >/dev/null
fi
mkdir -p "$out"
ninja -C "$dir" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >"$out/build.log" 2>&1 ||
	{ grep -E 'error|FAILED|undefined' "$out/build.log" | head -30; echo "fuzz: build failed ($out/build.log)"; exit 1; }

# seeds: the suite's own inputs for each reader
seeds() {
	case $1 in
	config) echo data/example/opsgrade.json ;;
	report) echo tests/fixtures/report-full.json tests/fixtures/report-hostile.json ;;
	model) echo data/maturity-model.json ;;
	trivy) echo tests/fixtures/trivy ;;
	sarif) echo tests/fixtures/sarif ;;
	*) echo tests/fuzz/seeds/$1 ;;
	esac
}

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OPSGRADE_DATA_DIR=$PWD/data
failed=0
for t in "${targets[@]}"; do
	corpus=$out/corpus-$t
	mkdir -p "$corpus"
	for s in $(seeds "$t"); do
		if [ -d "$s" ]; then
			find "$s" -maxdepth 1 -type f -size -1M -exec cp {} "$corpus/" \;
		else
			cp "$s" "$corpus/"
		fi
	done
	log=$out/$t.log
	if "$dir/tests/fuzz/fuzz-$t" -max_total_time="$secs" -max_len=262144 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/$t-" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
		       grep -o '[0-9]*$' || echo '?')
		echo "fuzz-$t: ok, $runs runs in ${secs} s"
	else
		echo "fuzz-$t: FAILED (input and log under $out)"
		tail -40 "$log"
		failed=1
	fi
done
[ "$failed" = 0 ] && [ -z "${OUT:-}" ] && rm -rf "$out"
exit $failed
