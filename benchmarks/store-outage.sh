#!/usr/bin/env bash
# A store that goes away mid-sweep: a 12-trial sweep into S3 (S3Proxy on loopback through s3a://), the server killed
# once 3 rows are in and started again after each outage (StoreOutageCheck); one table row per run, each against an
# undisturbed run's rows. Usage: [OUTAGE...], each seconds or seconds/minutes (a run with --store-outage-minutes
# minutes, for an outage past that bound). Default: 30 150 300 240/2 (about 25 minutes on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ $# -gt 0 ] || set -- 30 150 300 240/2
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
work="$(mktemp -d)"
opens=$(grep -o '<spark.jvm.options>[^<]*' pom.xml | sed 's/<spark.jvm.options>//')
echo "runs and their logs: $work" >&2
# shellcheck disable=SC2086
OMP_WAIT_POLICY=PASSIVE java $opens -Xmx2g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  org.sirensweep.spark.StoreOutageCheck "$work" "$@"
