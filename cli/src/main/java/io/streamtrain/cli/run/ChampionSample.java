package io.streamtrain.cli.run;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.model.InferenceModel;
import io.streamtrain.model.ModelScorer;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The champion's predictions against the actual values, for the predicted-vs-actual plot of a regression. In: the
 * champion's checkpoint and the pipeline's validation batches on the broker. Out: at most {@value #MAX_POINTS}
 * (actual, predicted) pairs in the target's original units, evenly spaced over the validation rows; empty for
 * classification (its picture is the confusion matrix the evaluation already holds).
 */
public final class ChampionSample {

    static final int MAX_POINTS = 2_000;

    private ChampionSample() {
    }

    public static List<double[]> predictedVsActual(KafkaSettings kafka, PipelineSpec spec, CheckpointEvent champion)
            throws IOException {
        if (champion == null || spec.classification()) {
            return List.of();
        }
        List<Batch> batches = new ArrayList<>();
        new TopicReader(kafka).readAll(Topics.BATCHES_VALIDATION, record -> {
            if (spec.pipeline().equals(Messages.pipelineOf(record)) && !Messages.isEndOfData(record)) {
                batches.add(BatchCodec.decode(record.value()));
            }
        });
        if (batches.isEmpty()) {
            return List.of();
        }
        try (InferenceModel model = InferenceModel.load(spec, Path.of(champion.path()), champion.sha256(), 1)) {
            EvaluationResult result = ModelScorer.score(model, batches, new FeatureEncoder(model.manifest().stats()));
            int rows = result.predictions().rows();
            int every = Math.max(1, (rows + MAX_POINTS - 1) / MAX_POINTS);
            List<double[]> points = new ArrayList<>();
            for (int row = 0; row < rows; row += every) {
                points.add(new double[] {result.predictions().actualValue(row), result.predictions().predictedValue(row)});
            }
            return points;
        }
    }
}
