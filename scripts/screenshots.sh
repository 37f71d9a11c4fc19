#!/bin/sh
# screenshots.sh — regenerate screenshots/*.png from the real console.
#
# The real chargetui binary runs (--demo: its embedded charge-mock) in a real
# pseudo-terminal read through libvterm (ct_shot, the e2e harness), keys are
# typed as a person would, and the emulator's cells are drawn with their
# colours to PNG.  Re-runnable by anyone:
#
#   scripts/screenshots.sh            # build dir /tmp/build-shots
#   BUILD_DIR=/path scripts/screenshots.sh
#
# Needs: cmake, a C compiler, libvterm-dev, libfreetype-dev, libpng-dev,
# fonts-dejavu-core, fonts-wqy-microhei (installed with apt-get when run as
# root, else named).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-/tmp/build-shots}
OUT=${OUT_DIR:-$ROOT/screenshots}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf

need_pkgs=""
pkg-config --exists freetype2 || need_pkgs="$need_pkgs libfreetype-dev"
pkg-config --exists libpng || need_pkgs="$need_pkgs libpng-dev"
pkg-config --exists vterm || need_pkgs="$need_pkgs libvterm-dev"
[ -f "$FONT" ] || need_pkgs="$need_pkgs fonts-dejavu-core"
# The demo account has Japanese fleet names; without a CJK face they are blank.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_pkgs="$need_pkgs fonts-wqy-microhei"
if [ -n "$need_pkgs" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "screenshots: installing$need_pkgs"
		apt-get install -y $need_pkgs >/dev/null
	else
		echo "screenshots: missing packages; run: sudo apt-get install$need_pkgs" >&2
		exit 2
	fi
fi

echo "screenshots: building chargetui and ct_shot in $BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" >/dev/null
cmake --build "$BUILD_DIR" --target chargetui ct_shot -j"$(nproc)" >/dev/null

mkdir -p "$OUT"
HOME_DIR=$(mktemp -d /tmp/ct-shots-XXXXXX)
trap 'rm -rf "$HOME_DIR"' EXIT INT TERM
SHOT="$BUILD_DIR/ct_shot"
CONSOLE="$BUILD_DIR/chargetui"
status=0

# shot NAME [ct_shot actions...] -- [console args...]
# Every shot first waits until the fleets pane is up (SHOT_WAIT: other
# text to wait for) and nothing is "loading…" any more, so the picture
# holds data.
shot() {
	name=$1
	shift
	if "$SHOT" --out "$OUT/$name.png" --text "$BUILD_DIR/$name.txt" \
		--env "HOME=$HOME_DIR" --env "XDG_CONFIG_HOME=$HOME_DIR/config" \
		--env "XDG_STATE_HOME=$HOME_DIR/state" \
		--wait "${SHOT_WAIT:-Fleets (}" --gone "loading" "$@"; then
		echo "screenshots: $OUT/$name.png"
	else
		echo "screenshots: $name.png FAILED (screen text in $BUILD_DIR/$name.txt)" >&2
		status=1
	fi
}

shot fleets -- "$CONSOLE" --demo
# The newest demo fleet has no drivers yet: j to the next one first.
shot driver-detail --keys 'j' --keys '<Tab>' --keys 'jj' --keys '<Enter>' -- "$CONSOLE" --demo
shot help --keys '?' -- "$CONSOLE" --demo
shot theme-light -- "$CONSOLE" --demo --theme light
shot theme-mono -- "$CONSOLE" --demo --theme mono
shot form --keys 'j' --keys '<Tab>' --keys 'j' --keys 'e' -- "$CONSOLE" --demo
# The kiosk wall has no fleets pane; the second fleet has drivers and totals.
SHOT_WAIT="KIOSK" shot kiosk --keys "<Down>" --wait "FLEET 2 OF" -- "$CONSOLE" --demo --kiosk

exit $status
