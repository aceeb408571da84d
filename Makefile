# Lambda Deck: the only commands a newcomer needs.
#   make run    set up this machine, build, start a seeded local AWS and open the app on it
#   make test   everything CI checks: format, lints, unit, integration, UI, end-to-end
#   make bench  the benchmarks whose figures are in BENCHMARKS.md
#   make package  the .deb (target/release/bundle/deb/)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
APP := target/debug/lambda-deck
LDECK_DEV := target/debug/ldeck-dev
# The e2e suite runs the real window on a virtual display, inside a private D-Bus session
# with an unlocked gnome-keyring (the profile tests store keys in it).
XVFB := scripts/with-test-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: run setup ui build test lint fmt clippy check-core test-rust test-keyring test-ui e2e package test-package bench bindings clean

run: setup build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display (DISPLAY/WAYLAND_DISPLAY unset). On a headless machine: xvfb-run make run" >&2; exit 1; fi
	$(LDECK_DEV) serve --seed demo -- $(APP)

setup:
	@scripts/setup.sh

ui:
	cd ui && npm run build --silent

# The app embeds ui/dist, so the UI is built first.
build: ui
	$(CARGO) build -p lambda-deck -p lambda-deck-app -p lambda-deck-devtools

test: setup ui lint check-core test-rust test-keyring test-ui e2e test-package
	@echo "make test: all checks passed"

lint: fmt clippy

fmt:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

check-core:
	@scripts/check-core-independence.sh

# Unit tests and the integration tests against the local AWS (started by the harness).
test-rust:
	$(CARGO) test --workspace

# Keyring integration tests against a real Secret Service (gnome-keyring in a private
# D-Bus session with a temporary HOME); ignored by a plain `cargo test`.
test-keyring:
	scripts/with-test-keyring.sh $(CARGO) test -p lambda-deck --test keyring_secret_service -- --ignored

test-ui:
	cd ui && npm run check --silent && npm test --silent

e2e: build
	$(XVFB) node --test --test-concurrency=1 tests/e2e/

# The .deb, built by the Tauri CLI (pinned in ui/package.json) as a release build of the
# app: target/release/bundle/deb/Lambda Deck_<version>_amd64.deb.
package: setup ui
	rm -rf target/release/bundle/deb
	cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb --ci

# Unpacks the .deb and checks what it installs.
test-package: package
	node --test tests/package/

# The benchmarks of BENCHMARKS.md, on the optimized build (the packaged binary): (a)
# refresh vs a bare SDK paginator, (b) loading 10,000 saved functions, (c) app start to
# 10,000 saved functions on screen vs an empty window and a static first screen, (d) idle
# memory vs an empty window, in the real app under Xvfb; the .deb's size; the palette's
# search per keystroke; invocation: (a) `ldeck invoke` vs `aws lambda invoke` (awscli,
# pinned in .tools/ by setup), (b) Invoke click to payload on screen vs the bare SDK call;
# the live tail; charts: 10,000 and 90,000 points drawn to SVG (and PNG); the Monitor tab:
# a click on a function to its charts painted from the saved readings, online and offline.
bench: setup build package
	@scripts/setup.sh bench
	$(CARGO) build --release -p lambda-deck-devtools
	$(CARGO) build --release -p lambda-deck --bin ldeck
	target/release/ldeck-dev bench refresh --functions 2000
	target/release/ldeck-dev bench load-cache --functions 10000
	target/release/ldeck-dev bench chart
	target/release/ldeck-dev bench trend-calls --functions 1000
	LDECK_APP=target/release/lambda-deck $(XVFB) node tests/e2e/bench/startup.bench.mjs
	LDECK_APP=target/release/lambda-deck $(XVFB) node tests/e2e/bench/memory.bench.mjs
	target/release/ldeck-dev bench invoke-cli --rounds 15
	LDECK_APP=target/release/lambda-deck $(XVFB) node tests/e2e/bench/invoke.bench.mjs
	LDECK_APP=target/release/lambda-deck $(XVFB) node tests/e2e/bench/tail.bench.mjs
	LDECK_APP=target/release/lambda-deck $(XVFB) node tests/e2e/bench/monitor.bench.mjs
	@ls -l target/release/bundle/deb/*.deb | awk '{ printf ".deb size: %.2f MB (%d bytes)\n", $$5 / 1048576, $$5 }'
	cd ui && npm run bench --silent

# Regenerates ui/src/lib/bindings.ts from the Rust commands.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p lambda-deck-app typescript_bindings

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules tests/e2e/screenshots
