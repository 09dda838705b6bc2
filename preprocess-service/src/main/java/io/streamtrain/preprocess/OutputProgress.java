package io.streamtrain.preprocess;

import io.streamtrain.contracts.EventCodec;

/**
 * How many outputs of each kind the preprocessor has committed: train and validation batches, dead letters,
 * end-of-data rounds and statistics. Stored as the metadata of the consumer offset that each transaction commits,
 * so it is exactly as durable as the outputs it counts.
 */
record OutputProgress(long train, long validation, long rejected, long endOfData, long stats) {

    static final OutputProgress NONE = new OutputProgress(0, 0, 0, 0, 0);

    static OutputProgress parse(String metadata) {
        return metadata == null || metadata.isBlank() ? NONE : EventCodec.fromJson(metadata, OutputProgress.class);
    }

    String toMetadata() {
        return EventCodec.toJson(this);
    }
}
