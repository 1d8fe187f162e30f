#!/usr/bin/env bash
# The Debian packages: build opsgrade and opsgrade-dev with
# `dpkg-buildpackage -us -uc -b` from a copy of the checkout (what a clean
# clone holds), lintian with no error or warning, what each package holds,
# then the packaged CLI and SDK unpacked into a scratch root: the plugins
# load, the bundled example is assessed, the example plugin builds with
# the packaged pkg-config file, and the binary path the systemd unit, the
# cron example and the README's cron line call is the one in the package.
# The suite runs separately, so the build uses nocheck (tests not built).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/og-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME" "$tmp/src"
fail() { echo "deb test: FAIL: $*"; exit 1; }

# tracked files plus new ones not ignored, as they are in the work tree
git -C "$src" ls-files -z --cached --others --exclude-standard |
	(cd "$src" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
	tar -x -C "$tmp/src"
start=$SECONDS
if [ -n "${OG_DEB_PREBUILT:-}" ]; then
	cp "$OG_DEB_PREBUILT"/*.deb "$OG_DEB_PREBUILT"/*.changes "$OG_DEB_PREBUILT"/*.buildinfo "$tmp/"
else
	(cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" \
		dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
		{ tail -40 "$tmp/build.log"; fail "dpkg-buildpackage"; }
fi
echo "deb test: built in $((SECONDS - start)) s"
ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb=$tmp/opsgrade_${ver}_${arch}.deb
dev=$tmp/opsgrade-dev_${ver}_${arch}.deb
[ -f "$deb" ] && [ -f "$dev" ] || fail "packages missing: $(ls "$tmp")"

# (lintian says once that it runs as root, as CI containers do)
lintian --fail-on error,warning --info "$tmp/opsgrade_${ver}_${arch}.changes" 2>&1 |
	grep -v '^running with root privileges' >"$tmp/lintian.log" || true
lintian --fail-on error,warning "$tmp/opsgrade_${ver}_${arch}.changes" >/dev/null 2>&1 ||
	{ cat "$tmp/lintian.log"; fail "lintian"; }
[ -s "$tmp/lintian.log" ] && { echo "deb test: lintian notes:"; cat "$tmp/lintian.log"; }

# what each package holds
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/opsgrade.list"
dpkg-deb -c "$dev" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/dev.list"
want=(/usr/bin/opsgrade /usr/share/opsgrade/maturity-model.json
      /usr/share/bash-completion/completions/opsgrade /usr/share/zsh/vendor-completions/_opsgrade
      /lib/systemd/system/opsgrade-report.service /lib/systemd/system/opsgrade-report.timer
      /usr/share/doc/opsgrade/examples/cron.example /usr/share/doc/opsgrade/copyright)
# the file names meson gives them (coverage's is coverage-reports: meson
# reserves the target name "coverage"), not the folder names
plugins=$(grep -ho "shared_module('[^']*'" "$src"/plugins/*/meson.build | sed "s/^shared_module('//; s/'\$//")
for name in $plugins; do
	want+=("/usr/lib/$triplet/opsgrade/plugins/$name.so")
done
for m in "$src"/man/*.[15].scd; do
	m=$(basename "$m" .scd)
	want+=("/usr/share/man/man${m##*.}/$m.gz")
done
for f in "${want[@]}"; do
	grep -qx "$f" "$tmp/opsgrade.list" || fail "opsgrade lacks $f"
done
for f in /usr/include/opsgrade/plugin.h "/usr/lib/$triplet/pkgconfig/opsgrade-plugin.pc" \
	/usr/share/man/man7/opsgrade-plugin.7.gz; do
	grep -qx "$f" "$tmp/dev.list" || fail "opsgrade-dev lacks $f"
	grep -qx "$f" "$tmp/opsgrade.list" && fail "opsgrade holds $f (opsgrade-dev's)"
done

root=$tmp/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -x "$dev" "$root"
for m in "$root"/usr/share/man/man*/*.gz; do
	out=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null) || fail "man $m"
	[ -z "$out" ] || fail "man warnings in $(basename "$m"): $out"
done

# the paths the unit, the cron example and the README call are packaged
unit_bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root/lib/systemd/system/opsgrade-report.service")
cron_bin=$(grep -v '^#' "$root/usr/share/doc/opsgrade/examples/cron.example" |
	awk 'NF >= 6 && $1 !~ /=/ {print $6; exit}')
readme_bin=$(awk '/^[0-9*].* \/.*opsgrade report/ {print $6; exit}' "$src/README.md")
echo "deb test: unit, cron example and README call $unit_bin, $cron_bin, $readme_bin"
for b in "$unit_bin" "$cron_bin" "$readme_bin"; do
	[ -n "$b" ] && grep -qx "$b" "$tmp/opsgrade.list" ||
		fail "'$b' (unit '$unit_bin', cron '$cron_bin', README '$readme_bin') is not in the package"
done

# the packaged CLI, its plugins and model, from the scratch root
og() {
	OPSGRADE_DATA_DIR=$root/usr/share/opsgrade \
	OPSGRADE_PLUGIN_PATH=$root/usr/lib/$triplet/opsgrade/plugins \
	OPSGRADE_NO_DEFAULT_PLUGINS=1 "$root/usr/bin/opsgrade" "$@"
}
og --version | grep -q "$ver" || fail "opsgrade --version is not $ver"
for name in $plugins; do
	# a loaded plugin's line ends with its file's path
	og plugins | grep -q "/$name\.so\$" || fail "packaged plugin $name.so not loaded: $(og plugins 2>&1)"
done
ex=$root/usr/share/doc/opsgrade/examples/example
cp -r "$ex" "$tmp/example"
rc=0
(cd "$tmp/example" && og report --config opsgrade.json --output-dir "$tmp/out" --quiet 2>"$tmp/example.err") || rc=$?
[ "$rc" -le 1 ] || fail "packaged example: exit $rc: $(cat "$tmp/example.err")"
for f in report.pdf report.html summary.png junit.xml report.json; do
	[ -s "$tmp/out/$f" ] || fail "packaged example did not write $f"
done

# the SDK: the example plugin against the packaged header and .pc
cp -r "$root/usr/share/doc/opsgrade-dev/examples/plugin-hello" "$tmp/hello"
PKG_CONFIG_PATH=$root/usr/lib/$triplet/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root \
PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 make -s -C "$tmp/hello" >/dev/null ||
	fail "plugin-hello does not build against opsgrade-dev"
mkdir -m 755 "$tmp/plugins"
install -m 644 "$tmp/hello/hello.so" "$tmp/hello/hello.model.json" "$tmp/plugins/"
og plugins --plugin-dir "$tmp/plugins" | grep -q '^hello ' || fail "hello plugin not loaded"
echo "deb test: opsgrade and opsgrade-dev $ver: lintian clean, contents, example and SDK ok"
