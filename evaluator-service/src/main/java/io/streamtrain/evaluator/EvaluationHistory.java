package io.streamtrain.evaluator;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.TopicReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline's evaluations and current champion, for the HTTP API. In: on first use, the evaluation and model
 * topics from the beginning (so a restarted evaluator answers with the full history); then every evaluation and
 * champion this evaluator publishes. Out: the history in order, the champion, and whether a checkpoint has been
 * evaluated.
 */
@ApplicationScoped
public class EvaluationHistory {

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;
    private final List<EvaluationEvent> evaluations = new ArrayList<>();
    private final Set<String> evaluated = new HashSet<>();
    private ModelEvent champion;
    private boolean loaded;

    public EvaluationHistory(PipelineSpec spec, PipelineRun run, KafkaSettings kafka) {
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
    }

    synchronized void record(EvaluationEvent evaluation) {
        load();
        boolean known = evaluations.stream().anyMatch(e -> e.checkpointId().equals(evaluation.checkpointId())
                && e.evaluatedAt() == evaluation.evaluatedAt());
        if (!known) {
            evaluations.add(evaluation);
            evaluated.add(evaluation.checkpointId());
        }
    }

    synchronized void champion(ModelEvent model) {
        load();
        champion = model;
    }

    /** True when the checkpoint has an evaluation event, published by this evaluator or found on the topic. */
    synchronized boolean evaluated(String checkpointId) {
        load();
        return evaluated.contains(checkpointId);
    }

    /** The newest evaluation event of the checkpoint, if it has one. */
    synchronized Optional<EvaluationEvent> latestOf(String checkpointId) {
        load();
        EvaluationEvent latest = null;
        for (EvaluationEvent evaluation : evaluations) {
            if (evaluation.checkpointId().equals(checkpointId)) {
                latest = evaluation;
            }
        }
        return Optional.ofNullable(latest);
    }

    public synchronized List<EvaluationEvent> evaluations() {
        load();
        return List.copyOf(evaluations);
    }

    public synchronized Optional<ModelEvent> champion() {
        load();
        return Optional.ofNullable(champion);
    }

    /** Forgets what it holds and reads the topics again (another replica may have published meanwhile). */
    synchronized void reload() {
        evaluations.clear();
        evaluated.clear();
        champion = null;
        loaded = false;
        load();
    }

    private void load() {
        if (loaded) {
            return;
        }
        TopicReader reader = new TopicReader(kafka);
        evaluations.addAll(reader.events(Topics.EVALUATIONS, run, EvaluationEvent.class));
        evaluations.forEach(e -> evaluated.add(e.checkpointId()));
        List<ModelEvent> champions = reader.events(Topics.MODELS, run, ModelEvent.class);
        champion = champions.isEmpty() ? null : champions.get(champions.size() - 1);
        loaded = true;
    }
}
