#!/usr/bin/env bash
# Samples/s of one trainer alone, a group of one and a group of two (train.sync), and the bytes and time a sync
# round costs, on the same batches over two partitions.
#   bench/group.sh [ROWS_PER_EPOCH (default 65536)] [EPOCHS (default 3)] [EVERY_STEPS (default 20)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_benchmark GroupThroughput 512m "$@"
