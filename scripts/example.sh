#!/usr/bin/env bash
# README command 1: install what is missing, build, and assess the bundled
# example project offline (no token): ./example-report/ gets the report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
ex=data/example
args=(report "$ex/acme-shop" --config "$ex/opsgrade.json" --output-dir example-report)
for f in "$ex"/scans/*.json; do [ -e "$f" ] && args+=(--trivy "$f"); done
for f in "$ex"/scans/*.sarif; do [ -e "$f" ] && args+=(--sarif "$f"); done
# Delivery events (what a CD system would export), dated up to today.
mkdir -p example-report
/usr/bin/python3 "$ex/make-events.py" example-report/events.json ${SOURCE_DATE_EPOCH:-}
args+=(--set "collectors.events.file=example-report/events.json")
[ -e "$ex/coverage.xml" ] && args+=(--coverage "$ex/coverage.xml")
set +e
./build/cli/opsgrade "${args[@]}" --history example-report/history
rc=$?
set -e
echo
echo "Report written to $(pwd)/example-report/ (exit code $rc)"
ls -l example-report/
# 1 = a policy gate failed, which the example is meant to show.
[ "$rc" -le 1 ]
