#!/usr/bin/env bash
# Installs everything talkrec needs on a fresh Debian bookworm machine, then the npm workspace and a build.
# The Debian packages are the real servers the tests and the demo run (nothing is faked but Nextcloud).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  nats-server                 # the bus (JetStream)
  nextcloud-spreed-signaling  # the HPB signaling server (0.4.1 in bookworm)
  janus                       # the HPB's MCU
  coturn                      # TURN, for the compose hpb profile
  chromium xvfb pulseaudio    # capture: browser, display, per-recording audio sinks
  fonts-liberation fonts-dejavu-core
  ffmpeg                      # grab, encode, probe
  apache2 apache2-utils       # a real WebDAV server (mod_dav) for the uploader tests
  docker-compose              # only to validate docker-compose.yml (no engine runs here)
  curl ca-certificates procps psmisc
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -q
  # The packages' own daemons are not wanted: talkrec starts its own processes on loopback.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run build
