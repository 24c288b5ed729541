#!/usr/bin/env bash
# Spark's overhead: the 8 trials of spark-overhead.yaml trained directly in one JVM, then as a sweep through Spark
# local[1], alternating, each in a fresh JVM; prints the wall times (JVM start excluded).
# Usage: [rounds, default 2] [sweep file, default benchmarks/spark-overhead.yaml]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath@runtime-classpath >&2
# The JVM options the tests give Spark (pom.xml's spark.jvm.options).
read -r -a opts <<< "$(mvn -q -B -Dstyle.color=never help:evaluate -Dexpression=spark.jvm.options -DforceStdout \
  | sed "s/\x1b\[[0-9;]*m//g")"  # Debian's Maven colours even this
# As the launcher runs trainings (see siren-sweep).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cp="target/classes:target/test-classes:$(cat target/runtime-classpath.txt)"
sweep="${2:-benchmarks/spark-overhead.yaml}"
for round in $(seq "${1:-2}"); do
  for mode in direct spark; do
    # Spark's log goes to a file; it is shown if the run fails.
    log="target/spark-overhead-$mode.log"
    java "${opts[@]}" -cp "$cp" org.sirensweep.spark.SparkOverheadBenchmark "$mode" "$sweep" \
      2>"$log" || { tail -20 "$log" >&2; exit 1; }
  done
done
