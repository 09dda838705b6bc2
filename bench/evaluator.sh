#!/usr/bin/env bash
# Checkpoint-to-verdict time and predict latency of evaluator-service (100k-parameter model, 10k validation rows).
#   bench/evaluator.sh [CHECKPOINTS (default 8)] [REQUESTS (default 3000)]
# JAVA_OPTS reaches the measuring JVM; -Dbench.evaluator.jvm=-Xmx512m,-XX:+UseG1GC sets the evaluator's JVM options.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_benchmark EvaluatorLatency 512m "$@"
