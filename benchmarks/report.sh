#!/usr/bin/env bash
# The report at scale: writes DATASET's report page (siren-sweep report, which prints its size and time), then opens
# it in Debian's headless chromium and times opening, a sort and a filter (ReportPageBenchmark).
# Usage: DATASET [--images all|best|none]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dataset="$(cd "$1" && pwd)"
shift
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
page="$(mktemp -d)/report.html"
/usr/bin/time -f "report: %e s wall, %M KB peak memory" ./siren-sweep report "$dataset" --out "$page" "$@"
java -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  org.sirensweep.report.ReportPageBenchmark "$page" 2>/dev/null
