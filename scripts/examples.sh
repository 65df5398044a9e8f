#!/usr/bin/env bash
# Runs the CLI over every example bundle: `validate`, `explain`, `graph` and
# `doc` for each directory in examples/ (graph shows registry dependencies that
# cannot be reached as error edges, which never fails it). Every example is tried; the exit status is 1 if any
# command failed, so one broken example does not hide the others.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

node="${NODE:-node}"
pacto=(npm/bin/pacto.js)
failed=()
count=0

for dir in examples/*/; do
  [ -d "$dir" ] || continue
  dir="${dir%/}"
  count=$((count + 1))
  for command in validate explain graph doc; do
    printf '\n$ pacto %s %s\n' "$command" "$dir"
    if ! "$node" "${pacto[@]}" "$command" "$dir"; then
      failed+=("pacto $command $dir")
    fi
  done
done

echo
if [ "$count" -eq 0 ]; then
  echo "examples: no example bundles in examples/"
  exit 0
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "examples: ${#failed[@]} command(s) failed:"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
echo "examples: $count bundle(s) validated, explained, graphed and documented"
