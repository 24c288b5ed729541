#!/usr/bin/env bash
# Installs the references into target/bench-venv on first use, then runs benchmarks/compare.py (arguments pass through).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/target/bench-venv"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$root/benchmarks/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/benchmarks/requirements.txt"
  cp "$root/benchmarks/requirements.txt" "$venv/requirements.txt"
fi
exec "$venv/bin/python" "$root/benchmarks/compare.py" "$@"
