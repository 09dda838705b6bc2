package io.streamtrain.preprocess;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.support.kafka.PipelineRun;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

/**
 * Writes the preprocessor's outputs with a transactional producer (the caller owns the transaction): statistics
 * to the compacted stats topic, batches to the batch topics, dead letters, and end-of-data markers on every
 * partition of both batch topics, each with the pipeline's run header.
 */
final class KafkaOutput implements PreprocessOutput {

    private static final Logger LOG = Logger.getLogger(KafkaOutput.class);
    static final String STAGE = "preprocess";

    private final PipelineRun run;
    private final String pipeline;
    private final KafkaProducer<String, byte[]> producer;

    KafkaOutput(PipelineRun run, KafkaProducer<String, byte[]> producer) {
        this.run = run;
        this.pipeline = run.pipeline();
        this.producer = producer;
    }

    @Override
    public void stats(NormalizationStats stats) {
        LOG.infof("statistics version %d of '%s' from %d warm-up records: %d inputs, %d outputs",
                stats.version(), stats.pipeline(), stats.warmupRecords(), stats.inputSize(), stats.outputSize());
        producer.send(run.data(Topics.STATS, pipeline, EventCodec.toBytes(stats)));
    }

    @Override
    public void trainBatch(Batch batch) {
        producer.send(run.data(Topics.BATCHES_TRAIN, batch.batchId(), BatchCodec.encode(batch)));
    }

    @Override
    public void validationBatch(Batch batch) {
        producer.send(run.data(Topics.BATCHES_VALIDATION, batch.batchId(), BatchCodec.encode(batch)));
    }

    @Override
    public void rejected(CanonicalRecord record, Rejection rejection) {
        RejectedRecord dead = new RejectedRecord(SchemaVersion.CURRENT, pipeline, record.id(), STAGE,
                rejection.reason(), rejection.field(), rejection.detail(), record.source(), EventCodec.toJson(record),
                false, System.currentTimeMillis());
        producer.send(run.data(Topics.REJECTED, record.id(), EventCodec.toBytes(dead)));
    }

    @Override
    public void endOfData(long trainBatches, long trainRows, long validationBatches, long validationRows) {
        LOG.infof("end of data for '%s': %d train batches (%d rows), %d validation batches (%d rows)",
                pipeline, trainBatches, trainRows, validationBatches, validationRows);
        marker(Topics.BATCHES_TRAIN, trainBatches, trainRows);
        marker(Topics.BATCHES_VALIDATION, validationBatches, validationRows);
    }

    private void marker(String topic, long batches, long rows) {
        EndOfData marker = new EndOfData(SchemaVersion.CURRENT, pipeline, STAGE, batches, rows);
        producer.partitionsFor(topic).forEach(p -> producer.send(run.endOfData(topic, p.partition(), marker)));
    }
}
