package io.streamtrain.trainer;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the evaluations of one pipeline's run for a trainer. In: {@code streamtrain.evaluations.v1} from the
 * beginning. Out: the evaluation events of the pipeline and run (not other runs') in order, a poll at a time (for
 * early stopping and checkpoint retention).
 */
final class EvaluationFollower implements AutoCloseable {

    private final PipelineRun run;
    private final KafkaConsumer<String, byte[]> consumer;

    EvaluationFollower(KafkaSettings kafka, PipelineRun run, String clientId) {
        this.run = run;
        this.consumer = new KafkaConsumer<>(kafka.consumer(clientId, null));
    }

    /** Assigns every partition of the evaluation topic, from the beginning. */
    void start() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.EVALUATIONS, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(Topics.EVALUATIONS, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The pipeline's evaluations that arrived within {@code timeout}. */
    List<EvaluationEvent> poll(Duration timeout) {
        List<EvaluationEvent> evaluations = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (run.pipeline().equals(Messages.pipelineOf(record)) && Messages.belongsToRun(record, run.runId())) {
                evaluations.add(EventCodec.fromBytes(record.value(), EvaluationEvent.class));
            }
        }
        return evaluations;
    }

    /** Interrupts a blocked poll (on shutdown). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
