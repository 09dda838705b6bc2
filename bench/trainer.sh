#!/usr/bin/env bash
# Samples/s of trainer-service fed from Kafka next to the same model trained from memory, measured in the same run.
# JAVA_OPTS reaches the measuring JVM, e.g. -Dai.djl.pytorch.num_threads=2 for an in-memory rate with two threads.
#   bench/trainer.sh [ROWS_PER_EPOCH (default 262144)] [SECONDS_PER_RUN (default 12)] [BATCH_SIZES (default 64,256,1024)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/streamtrain-benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/trainer-service/target/quarkus-app/quarkus-run.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
exec java -Xmx512m ${JAVA_OPTS:-} -Dstreamtrain.home="$root" -Dai.djl.offline=true -cp "$jar" \
  io.streamtrain.bench.TrainerThroughput "$@"
