package io.streamtrain.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.ingest.RecordValidator;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predictions from a trained model on raw records. In: JSON objects with the features as users send them to the
 * ingest topic (a label, if present, is ignored). Out: per record the predicted class and the probability of every
 * class, or the predicted value in the target's original units. Records are validated as ingest-service does and
 * encoded with the model's own statistics, exactly as in training; an invalid record fails with
 * {@link InvalidInput} naming the field.
 */
public final class Predictor {

    private final InferenceModel model;
    private final RecordValidator validator;
    private final FeatureEncoder encoder;

    public Predictor(PipelineSpec spec, InferenceModel model) {
        this.model = model;
        this.validator = new RecordValidator(spec);
        this.encoder = new FeatureEncoder(model.manifest().stats());
    }

    /** One prediction: a class name with the probabilities of all classes, or a number (probabilities null). */
    public record Prediction(Object prediction, Map<String, Double> probabilities) {
    }

    /** A record that cannot be predicted on; {@code field} names the offending field (null for the whole record). */
    public static final class InvalidInput extends IllegalArgumentException {

        private final int index;
        private final String field;

        InvalidInput(int index, Rejection rejection) {
            super("record " + index + ": " + rejection.detail());
            this.index = index;
            this.field = rejection.field();
        }

        public int index() {
            return index;
        }

        public String field() {
            return field;
        }
    }

    /** Predicts for every record in one forward pass; fails on the first invalid one. */
    public List<Prediction> predict(List<JsonNode> records) {
        int cols = encoder.inputSize();
        float[] features = new float[records.size() * cols];
        for (int i = 0; i < records.size(); i++) {
            RecordValidator.Features valid = validator.features(records.get(i));
            Rejection problem = valid.rejection() != null ? valid.rejection()
                    : encoder.encodeFeatures(valid.values(), features, i * cols);
            if (problem != null) {
                throw new InvalidInput(i, problem);
            }
        }
        List<Prediction> predictions = new ArrayList<>(records.size());
        if (records.isEmpty()) {
            return predictions;
        }
        float[] outputs = model.outputs(features, records.size(), cols);
        int k = outputs.length / records.size();
        List<String> classes = encoder.stats().label().classes();
        for (int r = 0; r < records.size(); r++) {
            if (encoder.classification()) {
                Map<String, Double> probabilities = new LinkedHashMap<>();
                int best = 0;
                for (int c = 0; c < k; c++) {
                    probabilities.put(classes.get(c), ModelScorer.softmaxAt(outputs, r * k, k, c));
                    if (outputs[r * k + c] > outputs[r * k + best]) {
                        best = c;
                    }
                }
                predictions.add(new Prediction(classes.get(best), probabilities));
            } else {
                predictions.add(new Prediction(encoder.originalTarget(outputs[r]), null));
            }
        }
        return predictions;
    }
}
