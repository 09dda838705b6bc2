package io.streamtrain.ingest;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.support.kafka.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes raw JSON records from {@code streamtrain.ingest.v1} in batches and hands each to the
 * {@link RecordRouter}; forwards end-of-data markers. Messages whose pipeline header names another pipeline are
 * left to that pipeline's deployment (each reads the topic in its own consumer group). The batch is acknowledged (its offsets committed) only
 * after every output write is acknowledged. The record id is the message key, else topic-partition-offset.
 */
@ApplicationScoped
public class IngestTopicConsumer {

    private final RecordRouter router;
    private long accepted;

    public IngestTopicConsumer(RecordRouter router) {
        this.router = router;
    }

    @Incoming("ingest")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.count());
        String pipeline = router.spec().pipeline();
        for (ConsumerRecord<String, byte[]> record : records) {
            SourceRef source = SourceRef.kafka(record.topic(), record.partition(), record.offset());
            String id = record.key() != null ? record.key()
                    : record.topic() + "-" + record.partition() + "-" + record.offset();
            if (!Messages.belongsTo(record, pipeline)) {
                continue;
            }
            if (Messages.isEndOfData(record)) {
                RecordRouter.awaitAll(sends);
                sends.clear();
                sends.addAll(router.endOfData(accepted));
            } else {
                RecordRouter.Routed routed = router.routeBytes(id, record.value(), source);
                sends.add(routed.sent());
                if (routed.accepted()) {
                    accepted++;
                }
            }
        }
        RecordRouter.awaitAll(sends);
    }
}
