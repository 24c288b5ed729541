#!/usr/bin/env bash
# Spark GPU discovery script (spark.{worker,executor,driver}.resource.gpu.discoveryScript): prints this node's GPUs as
# the JSON Spark expects. The addresses are nvidia-smi's indices (PCI bus order), which siren-sweep numbers the same way.
# SIREN_SWEEP_FAKE_GPUS="0,1" declares GPUs that are not there (for tests of scheduling on machines without GPUs).
set -euo pipefail
if [[ -n "${SIREN_SWEEP_FAKE_GPUS:-}" ]]; then
  ids="$SIREN_SWEEP_FAKE_GPUS"
else
  ids="$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, -)"
fi
addresses="$(printf '%s' "$ids" | sed 's/[^,][^,]*/"&"/g; s/,/, /g')"
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
