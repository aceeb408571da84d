#!/usr/bin/env bash
# One-time, rerunnable set-up of everything Lambda Deck needs on a Debian 12 machine:
# system packages (Tauri prerequisites + test tools), the UI's npm packages, the local
# AWS emulator (MiniStack) in its own venv, and tauri-driver for the e2e suite.
# Each step is skipped when it is already done, so `make run` / `make test` can call it.
set -euo pipefail
cd "$(dirname "$0")/.."

MINISTACK_VERSION="1.5.33"      # pinned: local-aws.md describes this version
CBOR2_VERSION="5.6.5"           # aws-sdk-cloudwatch speaks RPCv2 CBOR
TAURI_DRIVER_VERSION="2.1.0"
VENV_DIR=".tools/ministack-venv"
AWSCLI_VERSION="1.46.3"         # the peer of `ldeck invoke` in BENCHMARKS.md (make bench only)
AWSCLI_VENV_DIR=".tools/awscli-venv"
AWSLOGS_VERSION="0.15.0"        # the peer of the live tail in BENCHMARKS.md (make bench only)
AWSLOGS_BOTO3_VERSION="1.44.8"  # awslogs' boto3 and botocore, pinned with it
AWSLOGS_VENV_DIR=".tools/awslogs-venv"

APT_PACKAGES=(
  # building the desktop shell (Tauri 2 on Linux)
  libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev
  # running it headless and driving it in the e2e suite
  xvfb webkit2gtk-driver dbus-x11 imagemagick xdotool x11-utils
  # the e2e harness asks the session bus (dbus-send) whether an app still holds its name;
  # xev (x11-utils) is the other window that takes the focus in desktop.test.mjs
  dbus-bin
  # "Open in AWS console" hands the address to xdg-open (the e2e suite catches it via $BROWSER)
  xdg-utils
  # a real Secret Service for the keyring integration tests
  gnome-keyring
  # the emulator's venv
  python3-venv
)

log() { printf '[setup] %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && { log "system packages present"; return; }
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
    else
      echo "[setup] missing system packages: ${missing[*]}" >&2
      echo "[setup] run as root or with sudo: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local apt_log="${TMPDIR:-/tmp}/lambda-deck-apt.log"
  $sudo apt-get update -qq >"$apt_log" 2>&1 || { tail -20 "$apt_log" >&2; exit 1; }
  # Another apt run holding the dpkg lock makes the first try fail: wait and retry once.
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
    log "apt-get install failed; retrying in 15 s"
    sleep 15
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1 || { tail -30 "$apt_log" >&2; exit 1; }
  fi
}

install_ui_packages() {
  # Vite 8 needs Node.js 20.19 or newer; Debian 12's own nodejs (18) is too old.
  if ! command -v npm >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "[setup] Node.js >= 20.19 with npm is required for the UI (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
  fi
  if [ -d ui/node_modules ] && [ ui/node_modules/.package-lock.json -nt ui/package-lock.json ]; then
    log "ui packages present"; return
  fi
  log "npm ci in ui/"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
}

install_local_aws() {
  local installed
  installed=$("$VENV_DIR/bin/python" -c 'import importlib.metadata as m; print(m.version("ministack"))' 2>/dev/null || true)
  if [ -x "$VENV_DIR/bin/ministack" ] && [ "$installed" = "$MINISTACK_VERSION" ]; then
    log "ministack $MINISTACK_VERSION present"; return
  fi
  log "creating $VENV_DIR with ministack $MINISTACK_VERSION"
  python3 -m venv "$VENV_DIR"
  "$VENV_DIR/bin/pip" install -q --disable-pip-version-check "ministack==$MINISTACK_VERSION" "cbor2==$CBOR2_VERSION"
}

# Peer tools the benchmarks compare against, each in its own venv (never the user's PATH).
install_peer_tools() {
  install_peer awscli "$AWSCLI_VERSION" "$AWSCLI_VENV_DIR" aws
  install_peer awslogs "$AWSLOGS_VERSION" "$AWSLOGS_VENV_DIR" awslogs \
    "boto3==$AWSLOGS_BOTO3_VERSION" "botocore==$AWSLOGS_BOTO3_VERSION"
}

# install_peer PACKAGE VERSION VENV EXECUTABLE [PINNED DEPENDENCY…]
install_peer() {
  local package=$1 version=$2 venv=$3 executable=$4 installed
  shift 4
  installed=$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$package'))" 2>/dev/null || true)
  if [ -x "$venv/bin/$executable" ] && [ "$installed" = "$version" ]; then
    log "$package $version present"; return
  fi
  log "creating $venv with $package $version"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "$package==$version" "$@"
}

install_tauri_driver() {
  if command -v tauri-driver >/dev/null || [ -x "$HOME/.cargo/bin/tauri-driver" ]; then
    log "tauri-driver present"; return
  fi
  log "cargo install tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
}

install_system_packages
install_ui_packages
install_local_aws
install_tauri_driver
log "done"
# `scripts/setup.sh bench` (make bench) also installs the peer tools.
if [ "${1:-}" = "bench" ]; then
  install_peer_tools
fi
