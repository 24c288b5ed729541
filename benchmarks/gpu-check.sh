#!/usr/bin/env bash
# The GPU check: siren-sweep's CUDA backend against the CPU engine's losses and against JAX on the same GPU.
#
#   benchmarks/gpu-check.sh prepare   here (Java 17 JDK with its jmods, Maven): builds target/gpu-check/, what a GPU
#                                     machine without Java needs: a Java 17 runtime made by jlink (as a .tgz), the
#                                     project's jar, JNA and ND4J's API jar (no ND4J natives: they are not used);
#   benchmarks/gpu-check.sh run       on the GPU machine (NVIDIA driver; CUDA 12 or 13 NVRTC and cuBLAS, e.g. pip's,
#                                     found by themselves or through SIREN_SWEEP_CUDA_LIBS; JAX with CUDA for the
#                                     comparison): runs org.sirensweep.bench.GpuCheck, then benchmarks/jax_gpu.py,
#                                     and prints the table (benchmarks/gpu_check_table.py). About 3 minutes on an
#                                     H200. Output under $OUT (or target/gpu-check/out).
#
# With the device tool: prepare here, then run `benchmarks/gpu-check.sh run` with carry ["target/gpu-check"].
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit="$root/target/gpu-check"
cd "$root"

case "${1:-}" in
  prepare)
    mvn -q -B -Dstyle.color=never package -DskipTests
    rm -rf "$kit" && mkdir -p "$kit/lib"
    cp target/siren-sweep-0.1.0-SNAPSHOT.jar "$kit/lib/"
    tr ':' '\n' < target/runtime-classpath.txt | grep -E '/(jna-[0-9.]+|nd4j-api-[^/]+|nd4j-common-[^/]+)\.jar$' \
      | xargs -I{} cp {} "$kit/lib/"
    jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
    "$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,jdk.incubator.vector --compress=2 \
      --strip-debug --no-header-files --no-man-pages --output "$kit/jre" 2>/dev/null
    tar czf "$kit/jre.tgz" -C "$kit" jre && rm -rf "$kit/jre"
    du -sh "$kit"
    ;;
  run)
    out="${OUT:-$kit/out}"
    mkdir -p "$out"
    if [[ ! -x /tmp/siren-sweep-jre/bin/java ]]; then
      mkdir -p /tmp/siren-sweep-jre && tar xzf "$kit/jre.tgz" -C /tmp/siren-sweep-jre --strip-components 1
    fi
    if [[ -z "${SIREN_SWEEP_CUDA_LIBS:-}" ]]; then
      # NVRTC and cuBLAS wherever this machine has them (a CUDA toolkit, or NVIDIA's pip packages).
      SIREN_SWEEP_CUDA_LIBS="$(find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \( -name 'libnvrtc.so.1[23]' \
        -o -name 'libcublas.so.1[23]' \) -printf '%h\n' 2>/dev/null | sort -u | paste -sd: -)"
      export SIREN_SWEEP_CUDA_LIBS
    fi
    echo "SIREN_SWEEP_CUDA_LIBS=$SIREN_SWEEP_CUDA_LIBS"
    # Their own dependencies (cuBLASLt, NVRTC's builtins) lie beside them.
    export LD_LIBRARY_PATH="$SIREN_SWEEP_CUDA_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
    # Classes that mention ND4J are loaded without verification: ND4J's natives are not here and never called.
    /tmp/siren-sweep-jre/bin/java -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote \
      --add-modules jdk.incubator.vector -cp "$kit/lib/*" org.sirensweep.bench.GpuCheck --image data/camera.png \
      --reference benchmarks/gpu-reference.json --spread benchmarks/gpu-reference-haswell.json \
      | tee "$out/siren-sweep.jsonl"
    (cd benchmarks && python3 jax_gpu.py) | tee "$out/jax.jsonl" || echo "JAX comparison failed" >&2
    python3 benchmarks/gpu_check_table.py "$out/siren-sweep.jsonl" "$out/jax.jsonl" | tee "$out/table.txt"
    ;;
  *)
    echo "usage: benchmarks/gpu-check.sh prepare|run" >&2
    exit 2
    ;;
esac
