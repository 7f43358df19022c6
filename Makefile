# Baedal: `make run` starts the app with demo data; `make test` runs every check and test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

# cargo-leptos builds with these; every other cargo command uses the same values so that it
# reuses the same compiled dependencies instead of rebuilding the Leptos crates each time.
CARGO_ENV := LEPTOS_OUTPUT_NAME=baedal RUSTFLAGS="--cfg erase_components"
# The browser build is split by route (`--split`), which links it with relocations kept.
WASM_CARGO_ENV := LEPTOS_OUTPUT_NAME=baedal RUSTFLAGS="-Clink-args=--emit-relocs --cfg erase_components"

.PHONY: run test setup setup-test lint unit build e2e with-test-db release

## Start Baedal with demo data on http://127.0.0.1:3000 (its own PostgreSQL under .baedal/).
run: setup
	BAEDAL_DEMO=1 cargo leptos serve --split

## Every check and test: formatting, clippy (server and browser), unit, integration and browser tests.
test: setup-test lint build
	$(CARGO_ENV) cargo build -p server --bin baedal-pg --bin payment-gateway-sim --bin geocoder-sim
	$(TARGET_DIR)/debug/baedal-pg --fresh -- $(MAKE) --no-print-directory with-test-db
	@echo "All checks and tests passed."

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

lint:
	cargo fmt --all -- --check
	$(CARGO_ENV) cargo clippy -p app -p server --all-targets -- -D warnings
	$(WASM_CARGO_ENV) cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# `--split`: each screen but the first ones is a chunk of its own (app/src/routes.rs).
build:
	cargo leptos build --split

# Runs inside baedal-pg, which provides DATABASE_URL for a private, throwaway cluster.
with-test-db:
	$(CARGO_ENV) cargo test -p app -p server
	cd end2end && npx playwright test

## An optimised build with precompressed files; prints the size of the browser bundle.
release:
	scripts/setup.sh --release
	PATH="$(HOME)/.cache/baedal/binaryen/node_modules/.bin:$$PATH" cargo leptos build --release --precompress --split
	scripts/bundle-sizes.sh
