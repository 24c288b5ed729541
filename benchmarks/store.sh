#!/usr/bin/env bash
# A dataset on S3 against a local folder, for the quickstart's trials: the sweep run into each, then each row written
# again to a local folder, HDFS and S3 (S3Proxy on loopback through s3a://, MiniDFSCluster), median of 15 per row, the stores taking turns
# (RowWriteBenchmark). Usage: [SWEEP_FILE] (default sweeps/quickstart.yaml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sweep="$(realpath "${1:-$root/sweeps/quickstart.yaml}")"
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
work="$(mktemp -d)"
opens=$(grep -o '<spark.jvm.options>[^<]*' pom.xml | sed 's/<spark.jvm.options>//')
# shellcheck disable=SC2086
OMP_WAIT_POLICY=PASSIVE java $opens -Xmx4g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  org.sirensweep.files.RowWriteBenchmark "$sweep" "$work" 2> "$work/benchmark.log"
rm -rf "$work"
