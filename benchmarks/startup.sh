#!/usr/bin/env bash
# A run's start-up: `siren-sweep run benchmarks/startup.yaml` (one trial of one epoch at 16²: nothing but start-up
# and wind-down), from the command to the prompt, timed ROUNDS times after one untimed run (the first run of a build
# also saves its class-data archive). With OTHER, another build's launcher, the two take turns in every round, so
# both see the same machine.
#
#   benchmarks/startup.sh [ROUNDS] [OTHER/siren-sweep]      # ROUNDS defaults to 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
launchers=("$root/siren-sweep")
[[ -n "${2:-}" ]] && launchers+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

once() { # once LAUNCHER: seconds from the command to the prompt
  rm -rf "$work/out"
  local start end
  start=$(date +%s.%N)
  "$1" run "$root/benchmarks/startup.yaml" --output "$work/out" > "$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

for launcher in "${launchers[@]}"; do
  once "$launcher" > /dev/null # the first run of a build builds what it needs
done
declare -A times
for ((r = 1; r <= rounds; r++)); do
  for launcher in "${launchers[@]}"; do
    t=$(once "$launcher")
    times[$launcher]+="$t "
    printf 'round %d  %-60s %6.2f s\n' "$r" "$launcher" "$t"
  done
done
for launcher in "${launchers[@]}"; do
  median=$(printf '%s\n' ${times[$launcher]} | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  printf 'median of %d  %-56s %6.2f s\n' "$rounds" "$launcher" "$median"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
