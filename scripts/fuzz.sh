#!/usr/bin/env bash
# Coverage-guided fuzzing of what parses input (cargo-fuzz, stable toolchain, no sanitizer).
#   scripts/fuzz.sh [TARGET...] [-- libfuzzer args]   (default: every target, 120 s each)
# Seeds come from the validation fixtures and examples; crashes land in core/fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/core"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
seeds=fuzz/seeds/contracts
mkdir -p "$seeds"
for f in tests/fixtures/*/pacto.yaml ../examples/*/pacto.yaml; do
  cp "$f" "$seeds/$(basename "$(dirname "$f")").yaml"
done
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  echo "fuzz: $t"
  cargo fuzz run -s none "$t" "fuzz/corpus/$t" "$seeds" -- -max_total_time=120 -max_len=8192 "$@"
done
