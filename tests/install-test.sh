#!/usr/bin/env bash
# meson install into a scratch prefix, build examples/plugin-hello (the
# docs/plugins.md tutorial) out of tree with the installed
# opsgrade-plugin.pc, drop it with its model fragment into a plugin
# directory, and check: its flag in --help; its capability and KPI in
# report.json and in the PDF text; its secret resolved by the host but
# never in any output, and never in any plugin's environment.
set -euo pipefail
builddir=${1:-build}
prefix=$(mktemp -d /tmp/og-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
chmod 755 "$prefix"
meson configure "$builddir" -Dprefix="$prefix" >/dev/null
meson install -C "$builddir" --quiet >/dev/null
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name opsgrade-plugin.pc | head -1)")
export HOME=$prefix/home XDG_STATE_HOME=$prefix/state XDG_CACHE_HOME=$prefix/cache
mkdir -p "$HOME"
plugdir=$prefix/plugins
mkdir -m 755 "$plugdir"
# the tutorial's build, from a copy: nothing of the source tree is used
cp -r examples/plugin-hello "$prefix/src"
make -s -C "$prefix/src" >/dev/null
install -m 644 "$prefix/src/hello.so" "$prefix/src/hello.model.json" "$plugdir/"
# a spy plugin: reports every environment variable name it can see
cat >"$prefix/src/spy.c" <<'C'
#include <stdlib.h>
#include <string.h>
#include <opsgrade/plugin.h>
extern char **environ;
static int spy_collect(struct og_ctx *ctx, void *state)
{
	const struct og_host *h = state;
	const char *names[512];
	size_t n = 0;
	for (char **e = environ; *e && n < 512; e++)
		names[n++] = *e;
	return h->fact_list(ctx, "spy.environ", names, n, NULL);
}
static int spy_init(struct og_ctx *ctx, const struct og_host *h, void **st)
{
	(void)ctx;
	*st = (void *)h;
	return 0;
}
OG_PLUGIN_DEFINE(.name = "spy", .version = "1", .summary = "test",
		 .init = spy_init, .collect = spy_collect)
C
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC $(pkg-config --cflags opsgrade-plugin) \
	"$prefix/src/spy.c" -o "$plugdir/spy.so"
[ "$(pkg-config --variable=plugindir opsgrade-plugin)" = "$(pkg-config --variable=libdir opsgrade-plugin)/opsgrade/plugins" ] ||
	{ echo "FAIL: plugindir variable"; exit 1; }
cd "$prefix"
og=$prefix/bin/opsgrade
# the installed unit starts the CLI this install put in place
unit=$prefix/lib/systemd/system/opsgrade-report.service
[ -f "$prefix/lib/systemd/system/opsgrade-report.timer" ] &&
	grep -q "^ExecStart=$og report " "$unit" ||
	{ echo "FAIL: installed unit does not start $og: $(grep ExecStart "$unit" 2>&1)"; exit 1; }
"$og" plugins --plugin-dir "$plugdir" | grep -q '^hello ' ||
	{ echo "FAIL: hello plugin not discovered"; exit 1; }
"$og" report --help --plugin-dir "$plugdir" | grep -q -- '--hello DIR .*\[collectors\.hello\.dir\]' ||
	{ echo "FAIL: --hello not in report --help"; exit 1; }
mkdir -p "$prefix/site"
echo "restart with systemctl" >"$prefix/site/RUNBOOK.md"
secret=hello-secret-$$-$RANDOM
HELLO_TOKEN=$secret "$og" report "$prefix/site" --plugin-dir "$plugdir" --hello "$prefix/site" \
	--output-dir "$prefix/out" >"$prefix/stdout" 2>"$prefix/stderr" || [ $? -eq 3 ]
pdftotext "$prefix/out/report.pdf" "$prefix/report.txt"
python3 - "$prefix" "$secret" <<'PY'
import json, os, sys
prefix, secret = sys.argv[1], sys.argv[2]
r = json.load(open(os.path.join(prefix, "out", "report.json")))
facts = {f["key"]: f for f in r["facts"]}
caps = {c["id"]: c for c in r["assessment"]["capabilities"]}
kpis = {k["id"]: k for k in r["assessment"]["kpis"]}
fails = []
def check(name, ok, detail=""):
    if not ok:
        fails.append("%s %s" % (name, detail))
check("runbook fact", facts.get("hello.runbook", {}).get("value") is True, facts.get("hello.runbook"))
check("token resolved by the host", facts.get("hello.token_configured", {}).get("value") is True)
check("capability met", caps.get("docs.hello_runbook", {}).get("status") == "met",
      caps.get("docs.hello_runbook"))
check("KPI measured", kpis.get("hello_files", {}).get("value") == 1, kpis.get("hello_files"))
check("fragment in the model path", "hello.model.json" in r["assessment"]["model"]["path"])
hello = [c for c in r["collectors"] if c["name"] == "hello"]
check("target declared through the SDK", hello and hello[0].get("targets") ==
      ["directory:" + os.path.join(prefix, "site")], hello and hello[0].get("targets"))
text = open(os.path.join(prefix, "report.txt")).read()
check("capability in the PDF", "Runbook in the hello directory" in text)
check("KPI in the PDF", "Files in the hello directory" in text)
spy = facts.get("spy.environ", {}).get("value") or []
check("spy ran", bool(spy))
check("secret not in a plugin's environment",
      not [v for v in spy if v.startswith("HELLO_TOKEN=") or secret in v])
for root, _, files in os.walk(prefix):
    for f in files:
        path = os.path.join(root, f)
        if "/src/" in path or path.endswith((".so", ".a")) or "/lib/" in path:
            continue
        with open(path, "rb") as fh:
            if secret.encode() in fh.read():
                fails.append("secret in " + path)
if fails:
    print("install test: FAIL\n  " + "\n  ".join(fails))
    sys.exit(1)
print("install test: 11 checks passed")
PY
