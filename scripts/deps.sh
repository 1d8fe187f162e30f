#!/usr/bin/env bash
# Install what opsgrade needs to build and test on Debian 12, when missing.
set -euo pipefail

PACKAGES=(
	# build
	gcc make meson ninja-build pkg-config
	# man pages (scdoc sources; the test runs man --warnings)
	scdoc man-db
	libcjson-dev libcurl4-openssl-dev libxml2-dev libcairo2-dev
	libpango1.0-dev libyaml-dev
	# summary.png encoded with libpng's fast settings (reports/png-write.c)
	libpng-dev
	# fonts the PDF/PNG use
	fonts-dejavu-core
	# tests: PDF checks, XML validation, real registry and SMTP servers
	qpdf poppler-utils libxml2-utils docker-registry apache2-utils
	python3-aiosmtpd
	# contrib/kubernetes and CI recipes: the test parses their YAML
	python3-yaml
	# the Debian packages (tests/deb-test.sh): build and lintian
	git debhelper dpkg-dev lintian
	# the HTML report in a real browser (headless, no X server needed)
	chromium
	# libFuzzer targets (scripts/fuzz.sh): clang and its fuzzer runtime
	clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
