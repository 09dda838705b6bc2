#!/bin/sh
# Creates StreamTrain's topics on the compose broker (run by the one-shot "topics" service), with the partition
# counts and settings the services expect; TRAIN_PARTITIONS bounds how many trainers can share the work.
set -eu
BOOTSTRAP=${BOOTSTRAP:-kafka:9092}
TRAIN_PARTITIONS=${TRAIN_PARTITIONS:-4}
create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$1" \
    --partitions "$2" --replication-factor 1 ${3:+--config "$3"}
}
create streamtrain.ingest.v1 1 max.message.bytes=8388608
create streamtrain.records.v1 1
create streamtrain.rejected.v1 1
create streamtrain.stats.v1 1 cleanup.policy=compact
create streamtrain.batches.train.v1 "$TRAIN_PARTITIONS"
create streamtrain.batches.validation.v1 1
create streamtrain.sync.v1 1 max.message.bytes=8388608
create streamtrain.progress.v1 1
create streamtrain.checkpoints.v1 1
create streamtrain.evaluations.v1 1
create streamtrain.models.v1 1 cleanup.policy=compact
