#!/usr/bin/env bash
# Installs the widget tests' browser driver and accessibility checker (playwright-core, axe-core)
# from the lockfile; does nothing when node_modules matches it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
stamp=node_modules/.widget-deps-stamp
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "widget tests: dependencies are up to date"
  exit 0
fi
npm ci --no-audit --no-fund
printf '%s\n' "$want" > "$stamp"
