#!/usr/bin/env bash
# Samples/s of trainer-service fed from Kafka next to the same model trained from memory, measured in the same run.
# JAVA_OPTS reaches the measuring JVM, e.g. -Dai.djl.pytorch.num_threads=2 for an in-memory rate with two threads.
#   bench/trainer.sh [ROWS_PER_EPOCH (default 262144)] [SECONDS_PER_RUN (default 60)] [BATCH_SIZES (default 64,256,1024)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_benchmark TrainerThroughput 512m "$@"
