#!/usr/bin/env bash
# Trains continuously for a given time and prints trainer-service's resident memory at every interval.
#   bench/soak.sh [MINUTES (default 30)] [INTERVAL_SECONDS (default 60)] [BATCHES_PER_SECOND (default 200)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_benchmark TrainerSoak 256m "$@"
