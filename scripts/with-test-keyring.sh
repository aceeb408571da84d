#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring-daemon,
# under a temporary HOME and XDG directories, so tests use a real Secret Service without
# touching the user's keyring. Usage: scripts/with-test-keyring.sh COMMAND [ARGS…]
set -euo pipefail
if [ -z "${LDECK_TEST_KEYRING_SESSION:-}" ]; then
  export LDECK_TEST_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

# Keep the toolchain where it is before HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lambda-deck-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
  XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_DATA_HOME/keyrings" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# An empty password (one newline on stdin) creates the login keyring, unlocked, which
# the Secret Service then serves as its default collection.
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets)"
eval "$(printf '\n' | gnome-keyring-daemon --start --components=secrets)"
export LDECK_TEST_KEYRING=1
"$@"
