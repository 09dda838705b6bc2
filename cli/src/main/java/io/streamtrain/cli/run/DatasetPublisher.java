package io.streamtrain.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.ingest.CsvRecordReader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Publishes a data file to {@code streamtrain.ingest.v1}, as a user's producer would. In: a CSV file with a
 * header, or NDJSON (one JSON object per line). Out: one JSON message per record, keyed by
 * {@code <file name>:<line>} (the record's stable id), then an end-of-data marker on every partition. A CSV line
 * that does not match the header is published as its raw text, so ingest dead-letters it instead of it vanishing.
 */
public final class DatasetPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaSettings kafka;
    private final String pipeline;
    private final AtomicLong published = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    private java.util.function.LongConsumer onProgress = published -> { };

    public DatasetPublisher(KafkaSettings kafka, String pipeline) {
        this.kafka = kafka;
        this.pipeline = pipeline;
    }

    /** Calls {@code onProgress} with the records sent so far, after every thousand and at the end. */
    public DatasetPublisher onProgress(java.util.function.LongConsumer onProgress) {
        this.onProgress = onProgress;
        return this;
    }

    public long published() {
        return published.get();
    }

    public static boolean isCsv(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return !(name.endsWith(".ndjson") || name.endsWith(".jsonl") || name.endsWith(".json"));
    }

    /** Publishes every record and the end-of-data marker; returns the number of records published. */
    public long publish(Path file) throws IOException, InterruptedException {
        return publish(file, true);
    }

    /** Publishes every record and no end-of-data marker (a continuous dataset goes on). */
    public long publishWithoutEnd(Path file) throws IOException, InterruptedException {
        return publish(file, false);
    }

    private long publish(Path file, boolean endOfData) throws IOException, InterruptedException {
        String source = file.getFileName().toString();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("streamtrain-cli-publisher"));
             BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (isCsv(file)) {
                CsvRecordReader csv = new CsvRecordReader(reader);
                CsvRecordReader.Row row;
                while ((row = csv.next()) != null) {
                    byte[] value = row.record() != null ? JSON.writeValueAsBytes(row.record())
                            : row.original().getBytes(StandardCharsets.UTF_8);
                    send(producer, source + ":" + row.line(), value);
                }
            } else {
                String line;
                long number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (!line.isBlank()) {
                        send(producer, source + ":" + number, line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            producer.flush();
            onProgress.accept(published.get());
            if (failure.get() != null) {
                throw new IOException("cannot publish to " + Topics.INGEST + ": " + failure.get(), failure.get());
            }
            if (endOfData) {
                EndOfData marker = new EndOfData(SchemaVersion.CURRENT, pipeline, "publisher", published.get(),
                        published.get());
                for (var partition : producer.partitionsFor(Topics.INGEST)) {
                    producer.send(Messages.endOfData(Topics.INGEST, partition.partition(), marker)).get();
                }
            }
        } catch (ExecutionException e) {
            throw new IOException("cannot publish to " + Topics.INGEST + ": " + e.getCause(), e.getCause());
        }
        return published.get();
    }

    private void send(KafkaProducer<String, byte[]> producer, String key, byte[] value) {
        producer.send(Messages.data(Topics.INGEST, pipeline, key, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        if (published.incrementAndGet() % 1000 == 0) {
            onProgress.accept(published.get());
        }
    }
}
