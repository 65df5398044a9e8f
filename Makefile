# Pacto in Rust + WebAssembly: the core, the pacto-wasm npm package and its CLI.
#
#   make setup     install what the build needs (idempotent)
#   make build     compile the wasm module and generate the JS bindings into npm/dist
#   make test      format, lint, Rust tests, wasm check, JS tests, registry tests
#                  (installs the registry it needs: scripts/ci-deps.sh)
#   make examples  run `pacto validate` and `pacto explain` on every bundle in examples/
#   make bench     run the benchmarks (bench/run.mjs)
#   make fuzz      fuzz the parsers and the validator (cargo-fuzz, 120 s per target)
#   make playground  build the playground and serve it on 127.0.0.1, printing the URL
#   make clean     remove npm/dist

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

CARGO        ?= cargo
NODE         ?= node
CARGO_HOME   ?= $(HOME)/.cargo
WASM_BINDGEN ?= $(CARGO_HOME)/bin/wasm-bindgen

WASM_TARGET   := wasm32-unknown-unknown
WASM_FILE     := target/$(WASM_TARGET)/release/pacto_wasm.wasm
DIST          := npm/dist
# No wasm-opt: the release profile in Cargo.toml is already tuned for size.
BINDGEN_FLAGS := --remove-name-section --remove-producers-section

# The steps of `make test`, run in this order after a build; the first failure
# stops the run (`make -k test` runs them all). More suites (a browser) are
# added here as further test-* targets.
TEST_STEPS := test-fmt test-clippy test-rust test-wasm-check test-js test-registry test-packaging test-widget
TEST_STEPS += test-browser

.PHONY: setup ci-deps build test $(TEST_STEPS) examples bench fuzz clean
.PHONY: build-playground playground browser-deps

setup:
	WASM_BINDGEN="$(WASM_BINDGEN)" ./scripts/setup.sh

build: setup
	$(CARGO) build -p pacto-wasm --target $(WASM_TARGET) --release
	rm -rf $(DIST)/node $(DIST)/web
	$(WASM_BINDGEN) --target nodejs --out-dir $(DIST)/node $(BINDGEN_FLAGS) $(WASM_FILE)
	$(WASM_BINDGEN) --target web --out-dir $(DIST)/web $(BINDGEN_FLAGS) $(WASM_FILE)
	@# The package is CommonJS; the web glue is an ES module: say so to Node and bundlers.
	echo '{ "type": "commonjs" }' > $(DIST)/node/package.json
	echo '{ "type": "module" }' > $(DIST)/web/package.json
	@# One copy of the module, dist/pacto.wasm, loaded by both glues.
	rm -f $(DIST)/pacto.wasm
	$(NODE) scripts/wasm-layout.mjs $(DIST)

# The playground (playground/): CodeMirror bundled by esbuild from playground/js's lockfile, the
# Leptos app built with cargo + wasm-bindgen (no wasm-opt), assembled into npm/dist/playground/
# with a content-hashed assets directory (playground/build.mjs).
PLAYGROUND_WASM := target/$(WASM_TARGET)/release/pacto-playground.wasm
PLAYGROUND_OUT  := $(DIST)/playground
build: build-playground
build-playground: setup
	cd playground/js && { [ -x node_modules/.bin/esbuild ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run --silent build
	$(CARGO) build -p pacto-playground --target $(WASM_TARGET) --release
	rm -rf target/playground-bindgen
	$(WASM_BINDGEN) --target web --out-dir target/playground-bindgen $(BINDGEN_FLAGS) $(PLAYGROUND_WASM)
	$(NODE) playground/build.mjs target/playground-bindgen playground/js/dist/editor.js $(PLAYGROUND_OUT)

# Builds everything, then serves the playground on 127.0.0.1 with `pacto serve` (its registry
# proxy and a local docker-registry, so pull, push, compare and graph work) and prints its URL.
playground: build browser-deps
	$(NODE) npm/bin/pacto.js serve --port $${PORT:-8787}

# tests/browser's npm packages (playwright-core, axe-core, sirv), from its lockfile.
browser-deps:
	cd tests/browser && { [ -d node_modules/playwright-core ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }
bench: browser-deps

# System packages for the test suites (docker-registry, htpasswd, openssl),
# installed with apt-get when missing.
ci-deps:
	./scripts/ci-deps.sh

test: build ci-deps
	@$(MAKE) --no-print-directory $(TEST_STEPS)

test-fmt:
	$(CARGO) fmt --all --check

test-clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

test-wasm-check:
	$(CARGO) check -p pacto-core -p pacto-wasm --target $(WASM_TARGET)

# Runs against the built package in npm/dist (make build).
test-js:
	$(NODE) --test $(filter-out tests/js/registry-%,$(wildcard tests/js/*.test.mjs))

# The CLI and the API against a real OCI registry (tests/registry/harness.mjs
# starts docker-registry on 127.0.0.1 in no-auth, Basic and token modes).
test-registry: ci-deps
	$(NODE) --test tests/js/registry-*.test.mjs

# The packed tarball, installed into temporary projects and built with the
# real tools (esbuild, Rollup, Vite current and 5, webpack 5, tsc, attw; their
# lockfile is tests/packaging/package-lock.json, `npm ci` only when it changed),
# the pages loaded in Debian's Chromium (scripts/ci-deps.sh).
test-packaging: ci-deps
	./tests/packaging/setup.sh
	$(NODE) --test --test-concurrency=1 tests/packaging/*.test.mjs

# <pacto-validator> (npm/widget/) in Chromium: the example page under a strict CSP, events,
# mount(), themes, axe-core.
test-widget: ci-deps
	./tests/widget/setup.sh
	$(NODE) --test tests/widget/*.test.mjs

# The playground in a real browser (Debian's chromium via playwright-core; axe-core for the
# accessibility scan); screenshots land in artifacts/playground/.
test-browser: ci-deps browser-deps
	$(NODE) --test tests/browser/*.test.mjs

examples: build
	NODE="$(NODE)" ./scripts/examples.sh

bench: build
	./bench/setup.sh
	./tests/packaging/setup.sh
	$(NODE) bench/run.mjs

# Not part of `make test`: fuzzing is open-ended (scripts/fuzz.sh TARGET -- -max_total_time=N).
fuzz:
	./scripts/fuzz.sh

clean:
	rm -rf $(DIST)
