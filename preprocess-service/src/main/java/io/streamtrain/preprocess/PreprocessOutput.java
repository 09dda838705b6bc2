package io.streamtrain.preprocess;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.ingest.Rejection;

/** Where the {@link Preprocessor} puts what it makes; the Kafka loop writes each call inside its transaction. */
interface PreprocessOutput {

    void stats(NormalizationStats stats);

    void trainBatch(Batch batch);

    void validationBatch(Batch batch);

    void rejected(CanonicalRecord record, Rejection rejection);

    /** The end of a finite dataset: every batch is written; {@code trainBatches} etc. count this run's output. */
    void endOfData(long trainBatches, long trainRows, long validationBatches, long validationRows);
}
