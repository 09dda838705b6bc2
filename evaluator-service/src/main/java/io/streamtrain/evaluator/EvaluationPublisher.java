package io.streamtrain.evaluator;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Publishes what the evaluator decides. Out: evaluation events on {@code streamtrain.evaluations.v1} (key:
 * checkpoint id) and the champion on the compacted {@code streamtrain.models.v1} (key: pipeline), each acknowledged
 * before returning. The model is written before the evaluation that announces it, so a reader of the evaluation
 * finds it. Both are also kept in the {@link EvaluationHistory} the HTTP API answers from.
 */
@ApplicationScoped
public class EvaluationPublisher {

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaProducer<String, byte[]> producer;
    private final EvaluationHistory history;

    public EvaluationPublisher(PipelineSpec spec, PipelineRun run, KafkaSettings kafka, EvaluationHistory history) {
        this.spec = spec;
        this.run = run;
        this.history = history;
        this.producer = new KafkaProducer<>(kafka.producer("evaluator-" + spec.pipeline()));
    }

    void champion(ModelEvent model) {
        send(Topics.MODELS, spec.pipeline(), EventCodec.toBytes(model));
        history.champion(model);
    }

    void evaluation(EvaluationEvent evaluation) {
        send(Topics.EVALUATIONS, evaluation.checkpointId(), EventCodec.toBytes(evaluation));
        history.record(evaluation);
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(run.data(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
