package io.streamtrain.evaluator;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline's evaluations and current champion, for the HTTP API. In: on first use, the evaluation and model
 * topics from the beginning (so a restarted evaluator answers with the full history); then every evaluation and
 * champion this evaluator publishes. Out: the history in order, and the champion.
 */
@ApplicationScoped
public class EvaluationHistory {

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final List<EvaluationEvent> evaluations = new ArrayList<>();
    private ModelEvent champion;
    private boolean loaded;

    public EvaluationHistory(PipelineSpec spec, KafkaSettings kafka) {
        this.spec = spec;
        this.kafka = kafka;
    }

    synchronized void record(EvaluationEvent evaluation) {
        load();
        boolean known = evaluations.stream().anyMatch(e -> e.checkpointId().equals(evaluation.checkpointId())
                && e.evaluatedAt() == evaluation.evaluatedAt());
        if (!known) {
            evaluations.add(evaluation);
        }
    }

    synchronized void champion(ModelEvent model) {
        load();
        champion = model;
    }

    public synchronized List<EvaluationEvent> evaluations() {
        load();
        return List.copyOf(evaluations);
    }

    public synchronized Optional<ModelEvent> champion() {
        load();
        return Optional.ofNullable(champion);
    }

    private void load() {
        if (loaded) {
            return;
        }
        TopicReader reader = new TopicReader(kafka);
        evaluations.addAll(reader.events(Topics.EVALUATIONS, spec.pipeline(), EvaluationEvent.class));
        List<ModelEvent> champions = reader.events(Topics.MODELS, spec.pipeline(), ModelEvent.class);
        champion = champions.isEmpty() ? null : champions.get(champions.size() - 1);
        loaded = true;
    }
}
