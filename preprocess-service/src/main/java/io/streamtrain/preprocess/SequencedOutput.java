package io.streamtrain.preprocess;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.ingest.Rejection;

/**
 * Counts the preprocessor's outputs and passes on only those not yet committed. After a restart the preprocessor
 * replays its input from the beginning and makes the same outputs in the same order; the first ones, which an
 * earlier run already committed ({@code committed}), are dropped here instead of being written twice. Statistics go
 * by version rather than by count: a preprocessor that restarts from the newest statistics publishes only the
 * versions it makes after them (a class learned later).
 */
final class SequencedOutput implements PreprocessOutput {

    private final PreprocessOutput delegate;
    private final OutputProgress committed;
    private long train;
    private long validation;
    private long rejected;
    private long endOfData;
    private long stats;

    SequencedOutput(PreprocessOutput delegate, OutputProgress committed) {
        this.delegate = delegate;
        this.committed = committed;
    }

    /** The outputs made so far, committed earlier or now. */
    OutputProgress progress() {
        return new OutputProgress(train, validation, rejected, endOfData, Math.max(stats, committed.stats()));
    }

    @Override
    public void stats(NormalizationStats value) {
        if (value.version() > committed.stats()) {
            delegate.stats(value);
        }
        stats = Math.max(stats, value.version());
    }

    @Override
    public void trainBatch(Batch batch) {
        if (++train > committed.train()) {
            delegate.trainBatch(batch);
        }
    }

    @Override
    public void validationBatch(Batch batch) {
        if (++validation > committed.validation()) {
            delegate.validationBatch(batch);
        }
    }

    @Override
    public void rejected(CanonicalRecord record, Rejection rejection) {
        if (++rejected > committed.rejected()) {
            delegate.rejected(record, rejection);
        }
    }

    @Override
    public void endOfData(long trainBatches, long trainRows, long validationBatches, long validationRows) {
        if (++endOfData > committed.endOfData()) {
            delegate.endOfData(trainBatches, trainRows, validationBatches, validationRows);
        }
    }
}
