#!/usr/bin/env bash
# Installs the tools the packaging tests build with (tests/packaging/package.json:
# esbuild, Rollup, Vite current and 5, webpack, TypeScript, attw, playwright-core,
# sirv) into tests/packaging/node_modules with `npm ci`. Skipped when node_modules
# was installed by this script from the current package.json and lockfile (their
# hash is kept in node_modules/.packaging-deps-stamp).
#
#   tests/packaging/setup.sh            install if needed
#   tests/packaging/setup.sh --force    reinstall
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

stamp_file="node_modules/.packaging-deps-stamp"
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"

if [[ "${1:-}" != "--force" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" ]]; then
  echo "packaging: tools are up to date (tests/packaging/node_modules)"
  exit 0
fi

echo "packaging: installing the tools from package-lock.json (npm ci)"
npm ci --no-audit --no-fund
printf '%s\n' "$want" > "$stamp_file"
