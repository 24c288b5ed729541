#!/usr/bin/env bash
# Wall time of the small-batch half of sweeps/batch-effect-seed.yaml (batches of 256 and 64 points: 36 trials), or
# of the batch sizes given, at a shortened budget, run as a sweep in local mode in packs (pack: 16, which makes packs
# of 6) and alone (pack: off), and optionally with another checkout's launcher (an earlier build, which knows no
# pack key: its trials run alone).
# Usage: benchmarks/packed-sweep.sh [epochs, default 100] [other checkout's siren-sweep launcher, or ""]
#                                   [batch sizes, default "256, 64"; "full, 1024, 256, 64" is the whole sweep]
# Prints one line per run: the build, the pack setting and the wall time of `run` (Spark's start included).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-100}"
other="${2:-}"
batch_sizes="${3:-256, 64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
image="$root/data/camera.png"

# The seed-budget sweep's settings with its small batch sizes and the given epochs; pack: $1 (none: no key).
sweep_file() {
  sed -e "s|image: ../data/camera.png|image: $image|" \
      -e "s|epochs: 10000|epochs: $epochs|" \
      -e "s|batch_size: \[full, 1024, 256, 64\]|batch_size: [$batch_sizes]|" \
      -e "s|^name: batch-effect-seed|name: packed-sweep|" \
      "$root/sweeps/batch-effect-seed.yaml"
  if [[ "$1" != none ]]; then
    echo "pack: $1"
  fi
}

run() {  # launcher, label, pack
  sweep_file "$3" > "$work/$2.yaml"
  local start end
  start=$(date +%s.%N)
  "$1" run "$work/$2.yaml" --output "$work/$2" --checkpoint-minutes 0 > "$work/$2.log" 2>&1 \
    || { tail -20 "$work/$2.log" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%-10s pack %-5s %s trials, %s epochs: %.1f s\n' "$2" "$3" \
    "$(ls "$work/$2"/*.parquet | wc -l)" "$epochs" "$(awk "BEGIN {print $end - $start}")"
}

"$root/siren-sweep" --version > /dev/null 2>&1  # build first, outside the timings
run "$root/siren-sweep" packed 16
run "$root/siren-sweep" unpacked off
if [[ -n "$other" ]]; then
  run "$other" earlier none
fi
