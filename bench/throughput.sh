#!/usr/bin/env bash
# Throughput of ingest-service and preprocess-service next to raw Kafka, measured in the same run.
#   bench/throughput.sh [RECORDS (default 500000)] [SERVICE_HEAP (default 128m)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_benchmark IngestPreprocessThroughput "" "$@"
