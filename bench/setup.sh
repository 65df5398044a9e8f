#!/usr/bin/env bash
# Installs the benchmark's own dependencies (js-yaml, ajv) into bench/node_modules.
# Idempotent: does nothing when node_modules was installed by this script from the
# current package.json and package-lock.json (a hash of both is kept in
# node_modules/.bench-deps-stamp). run.mjs separately checks the installed
# versions against package-lock.json and says when to run this again.
#
#   bench/setup.sh            install if needed
#   bench/setup.sh --force    reinstall
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

stamp_file="node_modules/.bench-deps-stamp"
if [[ -f package-lock.json ]]; then
  want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
else
  want=""
fi

if [[ "${1:-}" != "--force" && -n "$want" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" \
      && -d node_modules/js-yaml && -d node_modules/ajv ]]; then
  echo "bench: dependencies are up to date (bench/node_modules)"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "bench: npm not found; install Node.js >= 20 (with npm) first" >&2
  exit 1
fi

if [[ -f package-lock.json ]]; then
  echo "bench: installing dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund
else
  echo "bench: no package-lock.json; resolving dependencies (npm install)"
  npm install --no-audit --no-fund
fi

want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
printf '%s\n' "$want" > "$stamp_file"
echo "bench: dependencies installed in bench/node_modules"
