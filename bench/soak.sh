#!/usr/bin/env bash
# Trains continuously for a given time and prints trainer-service's resident memory at every interval.
#   bench/soak.sh [MINUTES (default 30)] [INTERVAL_SECONDS (default 60)] [BATCHES_PER_SECOND (default 200)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/streamtrain-benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/trainer-service/target/quarkus-app/quarkus-run.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
exec java -Xmx256m -Dstreamtrain.home="$root" -cp "$jar" io.streamtrain.bench.TrainerSoak "$@"
