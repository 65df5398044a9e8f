#!/usr/bin/env bash
# Idempotent development setup: each step is skipped when already done.
#   1. the wasm32-unknown-unknown Rust target
#   2. wasm-bindgen-cli, at exactly the wasm-bindgen version in Cargo.lock
#      (the CLI and the library must match, or the bindings are rejected)
#   3. the npm package's dependencies (npm ci when the lockfile exists)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'setup: %s\n' "$*"; }

# 1. Rust target
target=wasm32-unknown-unknown
if rustup target list --installed | grep -qx "$target"; then
  say "rust target $target: installed"
else
  say "rust target $target: installing"
  rustup target add "$target"
fi

# 2. wasm-bindgen-cli, pinned to Cargo.lock
want="$(awk '
  $0 == "[[package]]" { name = "" }
  $0 == "name = \"wasm-bindgen\"" { name = "wasm-bindgen"; next }
  name == "wasm-bindgen" && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
if [ -z "$want" ]; then
  echo "setup: no wasm-bindgen package in Cargo.lock (run cargo generate-lockfile?)" >&2
  exit 1
fi
wasm_bindgen="${WASM_BINDGEN:-${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen}"
have="$("$wasm_bindgen" --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" = "$want" ]; then
  say "wasm-bindgen-cli $want: installed"
else
  say "wasm-bindgen-cli $want: installing (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want"
  have="$("$wasm_bindgen" --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" != "$want" ]; then
    echo "setup: $wasm_bindgen is ${have:-missing}, not $want (WASM_BINDGEN points away from cargo's bin directory?)" >&2
    exit 1
  fi
fi

# 3. npm dependencies. node_modules/.package-lock.json is npm's record of what
#    is installed: when it is newer than the lockfile, there is nothing to do.
cd "$root/npm"
if [ -f package-lock.json ]; then
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    say "npm dependencies: installed"
  else
    say "npm dependencies: npm ci"
    npm ci --no-audit --no-fund
  fi
else
  say "npm dependencies: npm install (no lockfile yet)"
  npm install --no-audit --no-fund
fi
