#!/usr/bin/env bash
# The GPU check: siren-sweep's CUDA backend against the CPU engine and against JAX on the same GPU, in one run of
# about 6 minutes that brings back every answer it can, whatever fails first.
#
#   benchmarks/gpu-check.sh prepare    here (Java 17 JDK with its jmods, Maven): builds the project, then assembles
#   benchmarks/gpu-check.sh assemble   the kit from what target/ holds: target/gpu-check/, all a GPU machine without
#                                      Java needs (a Java 17 runtime made by jlink, the jar and the few jars the GPU
#                                      path loads, the CPU engine's references made here, the image, the Python
#                                      side, this script); about 40 MB
#   benchmarks/gpu-check.sh run        on the GPU machine, from the repository or from the kit alone
#                                      (target/gpu-check/gpu-check.sh run): the phases below, then the table
#
# With the device tool: prepare here, then run `target/gpu-check/gpu-check.sh run` with carry ["target/gpu-check"].
#
# The phases, each under its own time limit (and all within GPU_CHECK_BUDGET seconds, 540 by default), each run
# whatever the ones before it did: environment (nvidia-smi, where NVRTC and cuBLAS are: Python packages' nvidia/*/lib
# folders and /usr/local/cuda*), libraries (the GPU opened), correctness (with CUDA graphs and without), trial (one
# whole trial as a Spark task runs it), speed and jax-speed (256², width 256, float32 and TF32), packs and jax-packs
# (1, 16, 64 trials), table. A phase that cannot run here says why in one line. Everything goes to files under $OUT
# (or the kit's out/): log.txt, environment.txt, phases.jsonl, siren-sweep.jsonl, jax.jsonl, table.txt. Exit code 0
# when every phase ran and passed. GPU_CHECK_CASES=small runs every phase at sizes a CPU stand-in manages.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -f "$here/lib/siren-sweep.jar" ]]; then
  kit="$here"
  root=""
else
  root="$(cd "$here/.." && pwd)"
  kit="$root/target/gpu-check"
fi

# The jars the GPU path loads besides the project's (no ND4J natives, no Spark, no Hadoop).
kit_jars='/(jna-[0-9.]+|nd4j-api-[^/]+|nd4j-common-[^/]+|commons-math3-[^/]+)\.jar$'

assemble() {
  set -e
  cd "$root"
  local jar=target/siren-sweep-0.1.0-SNAPSHOT.jar
  [[ -f "$jar" && -f target/runtime-classpath.txt ]] || { echo "no $jar: run 'mvn package' first" >&2; exit 2; }
  rm -rf "$kit"
  mkdir -p "$kit/lib" "$kit/reference" "$kit/data" "$kit/python"
  cp "$jar" "$kit/lib/siren-sweep.jar"
  tr ':' '\n' < target/runtime-classpath.txt | grep -E "$kit_jars" | xargs -I{} cp {} "$kit/lib/"
  cp benchmarks/gpu-check.sh "$kit/"
  cp benchmarks/jax_gpu.py benchmarks/jax_reference.py benchmarks/reference_common.py \
    benchmarks/gpu_check_table.py "$kit/python/"
  cp data/camera.png "$kit/data/"
  cp benchmarks/gpu-reference.json "$kit/reference/losses-full.json"
  cp benchmarks/gpu-reference-haswell.json "$kit/reference/losses-full-haswell.json"
  # The CPU engine's references the kit compares with, made here where ND4J's natives are.
  local cpu=(java --add-modules jdk.incubator.vector -cp "target/classes:$(cat target/runtime-classpath.txt)"
    org.sirensweep.bench.GpuCheck)
  local made=target/gpu-check-references.log
  { "${cpu[@]}" record --kit "$kit" --cases small && "${cpu[@]}" record-trial --kit "$kit" --cases small \
      && "${cpu[@]}" record-trial --kit "$kit" --cases full; } > "$made" 2>&1 \
    || { cat "$made" >&2; echo "the CPU references could not be made (above)" >&2; exit 1; }
  local jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  "$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,jdk.incubator.vector --compress=2 \
    --strip-debug --no-header-files --no-man-pages --output "$kit/jre" 2>/dev/null
  tar czf "$kit/jre.tgz" -C "$kit" jre && rm -rf "$kit/jre"
  du -sh "$kit"
}

run() {
  local out="${OUT:-$kit/out}"
  local cases="${GPU_CHECK_CASES:-full}"
  local budget="${GPU_CHECK_BUDGET:-540}"
  local reserve=20 # seconds kept for the table
  local start=$SECONDS
  local all_ok=1
  mkdir -p "$out"
  : > "$out/log.txt"
  : > "$out/phases.jsonl"
  : > "$out/siren-sweep.jsonl"
  : > "$out/jax.jsonl"
  log() { printf '%s\n' "$*" | tee -a "$out/log.txt"; }

  # phase NAME LIMIT RESULTS COMMAND...: runs COMMAND under the smaller of LIMIT and the time left, its standard
  # output appended to RESULTS (JSON lines), its errors to the log; one line says how it went.
  phase() {
    local name=$1 limit=$2 results=$3
    shift 3
    local left=$((budget - (SECONDS - start) - reserve))
    ((limit > left)) && limit=$left
    if ((limit < 5)); then
      log "phase $name: skipped, no time left of the ${budget} s"
      printf '{"name": "%s", "status": "skipped", "seconds": 0, "detail": "no time left"}\n' "$name" \
        >> "$out/phases.jsonl"
      all_ok=0
      return
    fi
    local began=$SECONDS errors
    errors="$(mktemp)"
    timeout --kill-after=10 "$limit" "$@" >> "$results" 2> "$errors"
    local code=$?
    local took=$((SECONDS - began))
    cat "$errors" >> "$out/log.txt"
    local last
    last="$(grep -v -e '^\s*$' -e 'Using incubator modules' "$errors" | tail -n 1 | tr -d '"\\' | cut -c1-400)"
    rm -f "$errors"
    local status detail=""
    case $code in
      0) status="ok" ;;
      3) status="cannot run"; detail="${last#cannot run: }" ;;
      124 | 137) status="timed out"; detail="after ${limit} s" ;;
      *) status="failed"; detail="exit $code: ${last#failed: }" ;;
    esac
    [[ $status == ok ]] || all_ok=0
    log "phase $name: $status (${took} s)${detail:+: $detail}"
    printf '{"name": "%s", "status": "%s", "seconds": %d, "detail": "%s"}\n' "$name" "$status" "$took" "$detail" \
      >> "$out/phases.jsonl"
  }

  log "siren-sweep GPU check, $cases cases, $(date -u +%Y-%m-%dT%H:%M:%SZ), kit $kit"

  # environment: the GPUs as the driver sees them, and where NVRTC and cuBLAS are (no search of the whole disk).
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(uname -srm)"
    echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-<unset>}"
    timeout 20 nvidia-smi --query-gpu=index,name,driver_version,memory.total,pci.bus_id --format=csv,noheader \
      2>&1 || echo "nvidia-smi: not available"
    timeout 20 python3 --version 2>&1 || echo "python3: not available"
  } > "$out/environment.txt"
  if [[ -z "${SIREN_SWEEP_CUDA_LIBS:-}" ]]; then
    local folders=()
    local site
    while IFS= read -r site; do
      folders+=("$site")
    done < <(timeout 20 python3 -c '
import glob, os, site, sys
roots = set(sys.path + site.getsitepackages() + [site.getusersitepackages()])
for root in sorted(r for r in roots if r and os.path.isdir(r)):
    for folder in sorted(glob.glob(os.path.join(root, "nvidia", "*", "lib"))):
        print(folder)
' 2>/dev/null)
    shopt -s nullglob
    folders+=(/usr/local/cuda*/lib64 /usr/local/cuda*/targets/*/lib)
    shopt -u nullglob
    local found=() folder
    for folder in "${folders[@]}"; do
      if compgen -G "$folder/libnvrtc.so.1[23]" > /dev/null || compgen -G "$folder/libcublas*.so.1[23]" > /dev/null
      then
        found+=("$folder")
      fi
    done
    SIREN_SWEEP_CUDA_LIBS="$(IFS=:; printf '%s' "${found[*]}")"
    export SIREN_SWEEP_CUDA_LIBS
  fi
  echo "SIREN_SWEEP_CUDA_LIBS=$SIREN_SWEEP_CUDA_LIBS" >> "$out/environment.txt"
  cat "$out/environment.txt" | tee -a "$out/log.txt"

  local jre="$kit/jre"
  if [[ ! -x "$jre/bin/java" ]]; then
    mkdir -p "$jre" && tar xzf "$kit/jre.tgz" -C "$jre" --strip-components 1
  fi
  # Classes that mention ND4J's natives are loaded without verification: those are not here and never called.
  local java=("$jre/bin/java" -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote
    --add-modules jdk.incubator.vector -cp "$kit/lib/*" org.sirensweep.bench.GpuCheck)
  local check=(--kit "$kit" --cases "$cases")
  local jax=(python3 "$kit/python/jax_gpu.py")

  phase libraries 60 "$out/siren-sweep.jsonl" "${java[@]}" libraries "${check[@]}"
  phase correctness 120 "$out/siren-sweep.jsonl" "${java[@]}" correctness "${check[@]}"
  phase trial 90 "$out/siren-sweep.jsonl" "${java[@]}" trial "${check[@]}"
  phase speed 120 "$out/siren-sweep.jsonl" "${java[@]}" speed "${check[@]}"
  phase jax-speed 150 "$out/jax.jsonl" "${jax[@]}" speed
  phase packs 120 "$out/siren-sweep.jsonl" "${java[@]}" packs "${check[@]}"
  phase jax-packs 150 "$out/jax.jsonl" "${jax[@]}" packs
  log ""
  timeout 30 python3 "$kit/python/gpu_check_table.py" "$out" 2>> "$out/log.txt" | tee "$out/table.txt" \
    | tee -a "$out/log.txt"
  [[ ${PIPESTATUS[0]} == 0 ]] || all_ok=0
  log "the check took $((SECONDS - start)) s; files in $out"
  ((all_ok)) || exit 1
}

case "${1:-}" in
  prepare)
    [[ -n "$root" ]] || { echo "prepare runs in the repository, not in the kit" >&2; exit 2; }
    (cd "$root" && mvn -q -B -Dstyle.color=never package -DskipTests) || exit 1
    (assemble)
    ;;
  assemble)
    [[ -n "$root" ]] || { echo "assemble runs in the repository, not in the kit" >&2; exit 2; }
    (assemble)
    ;;
  run)
    if [[ -n "$root" ]]; then
      [[ -x "$kit/gpu-check.sh" ]] || { echo "no kit in $kit: run 'benchmarks/gpu-check.sh prepare' first" >&2; exit 2; }
      exec "$kit/gpu-check.sh" run
    fi
    run
    ;;
  *)
    echo "usage: benchmarks/gpu-check.sh prepare|assemble|run" >&2
    exit 2
    ;;
esac
