#!/bin/sh
# Install what chargetui needs to build, test and take screenshots, from the
# distribution's archive only (Debian 12 / Ubuntu 22.04 or newer).
# Usage: scripts/install-deps.sh [--screenshots]
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS="build-essential cmake pkg-config libncurses-dev libcurl4-openssl-dev \
      libcjson-dev libmicrohttpd-dev check libvterm-dev tmux ncurses-term openssl curl"
if [ "${1:-}" = "--screenshots" ]; then
	PKGS="$PKGS chromium fonts-dejavu-core"
fi
# Skip apt entirely when everything is already there (a second run, or CI's
# cached machine): faster, and works without network.
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
