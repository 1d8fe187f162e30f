#!/usr/bin/env bash
# README command 2: install what is missing, then build with warnings as
# errors and run the whole suite twice: plain, and under ASan+UBSan.  Then
# install into a scratch prefix and build the example plugin out of tree
# with the installed pkg-config file, and build and check the Debian
# packages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

run_suite() {
	local dir=$1; shift
	rm -rf "$dir"
	meson setup "$dir" -Dwerror=true "$@" >/dev/null
	ninja -C "$dir"
	meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== plain build and tests"
run_suite build-ci
echo "== ASan + UBSan build and tests"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
OG_NO_DLCLOSE=1 run_suite build-asan -Db_sanitize=address,undefined -Dbuildtype=debug

echo "== install + out-of-tree plugin via pkg-config"
bash tests/install-test.sh build-ci

echo "== Debian packages (dpkg-buildpackage, lintian, contents)"
bash tests/deb-test.sh
