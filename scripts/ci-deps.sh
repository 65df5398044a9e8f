#!/usr/bin/env bash
# System packages the test suites need, installed only when missing (idempotent):
#   docker-registry  a real OCI registry (CNCF distribution 2.8) for tests/js/registry-*
#   apache2-utils    htpasswd, for the registry's Basic-auth mode
#   openssl          the certificate behind the token-auth mode
#   chromium         a real browser: the playground, the widget, the packaging recipes, pacto serve
# Debian/Ubuntu only (apt-get); sudo is used when not running as root.
set -euo pipefail

say() { printf 'ci-deps: %s\n' "$*"; }

need=()
if [ ! -x /usr/bin/docker-registry ] && ! command -v docker-registry >/dev/null 2>&1; then need+=(docker-registry); fi
if ! command -v htpasswd >/dev/null 2>&1; then need+=(apache2-utils); fi
if ! command -v openssl >/dev/null 2>&1; then need+=(openssl); fi
if [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi

if [ "${#need[@]}" -eq 0 ]; then
  say "docker-registry, htpasswd, openssl, chromium: installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-deps: missing packages ${need[*]} and no apt-get here: install them by hand" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ci-deps: missing packages ${need[*]}; not root and no sudo: install them by hand" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

say "installing ${need[*]}"
# The package lists of a fresh machine are often missing or stale; retry once for flaky mirrors.
${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq || {
  sleep 5
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
}
${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
