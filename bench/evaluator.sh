#!/usr/bin/env bash
# Checkpoint-to-verdict time and predict latency of evaluator-service (100k-parameter model, 10k validation rows).
#   bench/evaluator.sh [CHECKPOINTS (default 8)] [REQUESTS (default 3000)]
# JAVA_OPTS reaches the measuring JVM; -Dbench.evaluator.jvm=-Xmx512m,-XX:+UseG1GC sets the evaluator's JVM options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/streamtrain-benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/evaluator-service/target/quarkus-app/quarkus-run.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
exec java -Xmx512m ${JAVA_OPTS:-} -Dstreamtrain.home="$root" -Dai.djl.offline=true -cp "$jar" \
  io.streamtrain.bench.EvaluatorLatency "$@"
