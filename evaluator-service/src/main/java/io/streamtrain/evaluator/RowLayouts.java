package io.streamtrain.evaluator;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.InputLayout;
import io.streamtrain.support.kafka.StatsLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation rows in the input layout of the model that scores them, once categorical values were learned after the
 * warm-up. In: validation batches, each encoded with its statistics version, and a model's statistics. Out: the
 * batches in the model's layout ({@link InputLayout}): older rows widened (zero in the new slots), newer rows
 * narrowed (a value the model never learned goes to its {@code <unknown>} slot, as the model would see it). An
 * older layout comes from the model's own statistics ({@link NormalizationStats#asOf}); a newer one from the
 * statistics topic, once per version.
 */
final class RowLayouts {

    private final String pipeline;
    private final StatsLookup lookup;
    private final Map<Integer, NormalizationStats> versions = new HashMap<>();

    RowLayouts(String pipeline, StatsLookup lookup) {
        this.pipeline = pipeline;
        this.lookup = lookup;
    }

    List<Batch> inLayoutOf(NormalizationStats model, List<Batch> rows) throws InterruptedException {
        List<Batch> converted = new ArrayList<>(rows.size());
        for (Batch batch : rows) {
            if (batch.cols() == model.inputSize()) {
                converted.add(batch);
                continue;
            }
            NormalizationStats encodedWith = model.version() >= batch.statsVersion() ? model.asOf(batch.statsVersion())
                    : versions.get(batch.statsVersion());
            if (encodedWith == null) {
                encodedWith = lookup.await(pipeline, batch.statsVersion(), Duration.ofSeconds(30))
                        .asOf(batch.statsVersion());
                versions.put(batch.statsVersion(), encodedWith);
            }
            converted.add(new Batch(batch.pipeline(), batch.batchId(), model.version(), batch.rows(),
                    model.inputSize(), InputLayout.convert(batch.features(), batch.rows(), encodedWith, model),
                    batch.classes(), batch.targets()));
        }
        return converted;
    }
}
