#!/usr/bin/env bash
# meson install into a scratch prefix, build examples/plugin-hello out of
# tree with the installed opsgrade-plugin.pc, and check the installed CLI
# discovers it and its facts reach report.json.
set -euo pipefail
builddir=${1:-build}
prefix=$(mktemp -d /tmp/og-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
chmod 755 "$prefix"
meson configure "$builddir" -Dprefix="$prefix" >/dev/null
meson install -C "$builddir" --quiet >/dev/null
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name opsgrade-plugin.pc | head -1)")
plugdir=$prefix/hello
mkdir -m 755 "$plugdir"
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC $(pkg-config --cflags opsgrade-plugin) \
	examples/plugin-hello/hello.c -o "$plugdir/hello.so"
[ "$(pkg-config --variable=plugindir opsgrade-plugin)" = "$(pkg-config --variable=libdir opsgrade-plugin)/opsgrade/plugins" ] ||
	{ echo "FAIL: plugindir variable"; exit 1; }
cd "$prefix"
"$prefix/bin/opsgrade" plugins --plugin-dir "$plugdir" | grep -q '^hello ' ||
	{ echo "FAIL: hello plugin not discovered"; exit 1; }
# Installed collectors come from $libdir/opsgrade/plugins.
"$prefix/bin/opsgrade" plugins | grep -q "$prefix" || echo "note: no installed collectors found"
"$prefix/bin/opsgrade" collect --plugin-dir "$plugdir" --set collectors.hello.greeting=hi \
	-o "$prefix/r.json" || [ $? -eq 3 ]
python3 - "$prefix/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
facts = {f["key"]: f for f in r["facts"]}
assert facts["hello.greeting"]["value"] == "hi", facts
assert facts["hello.greeting"]["source"] == "hello"
print("install test: 1 passed, 0 failed")
PY
