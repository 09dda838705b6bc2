#!/usr/bin/env bash
# Throughput of ingest-service and preprocess-service next to raw Kafka, measured in the same run.
#   bench/throughput.sh [RECORDS (default 500000)] [SERVICE_HEAP (default 128m)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/streamtrain-benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/ingest-service/target/quarkus-app/quarkus-run.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
exec java -Dstreamtrain.home="$root" -cp "$jar" io.streamtrain.bench.IngestPreprocessThroughput "$@"
