package io.streamtrain.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.Headers;
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
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a data file to {@code streamtrain.ingest.v1}, as a user's producer would. In: a CSV file with a
 * header, or NDJSON (one JSON object per line). Out: one JSON message per record, keyed by
 * {@code <file name>:<line>} (the record's stable id), then an end-of-data marker on every partition. A CSV line
 * that cannot be read as a record (an unterminated quote, the wrong field count) is published as its raw text with
 * the reason in a {@code streamtrain.malformed} header, so ingest dead-letters it as {@code MALFORMED_CSV} instead
 * of it vanishing; reading goes on at the next line ({@link CsvRecordReader}). Counts the data lines read (header
 * and blank lines excluded) and the lines of each record that spans several, so that a report can show that the
 * lines add up.
 */
public final class DatasetPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaSettings kafka;
    private final String pipeline;
    private final AtomicLong published = new AtomicLong();
    private final FileLines lines = new FileLines();
    private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    private java.util.function.LongConsumer onProgress = published -> { };
    private int maxLinesPerRecord = CsvRecordReader.DEFAULT_MAX_LINES_PER_RECORD;

    public DatasetPublisher(KafkaSettings kafka, String pipeline) {
        this.kafka = kafka;
        this.pipeline = pipeline;
    }

    /** A quoted CSV record may span at most this many lines ({@code data.csv.maxLinesPerRecord}). */
    public DatasetPublisher maxLinesPerRecord(int lines) {
        this.maxLinesPerRecord = lines;
        return this;
    }

    /** Calls {@code onProgress} with the records sent so far, after every thousand and at the end. */
    public DatasetPublisher onProgress(java.util.function.LongConsumer onProgress) {
        this.onProgress = onProgress;
        return this;
    }

    public long published() {
        return published.get();
    }

    /** The data lines read from the file and the records they made. */
    public FileLines lines() {
        return lines;
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
                CsvRecordReader csv = new CsvRecordReader(reader, Integer.MAX_VALUE, Integer.MAX_VALUE,
                        maxLinesPerRecord);
                CsvRecordReader.Row row;
                while ((row = csv.next()) != null) {
                    String id = source + ":" + row.line();
                    lines.record(id, row.lines());
                    if (row.record() != null) {
                        send(producer, id, JSON.writeValueAsBytes(row.record()), null);
                    } else {
                        send(producer, id, row.original().getBytes(StandardCharsets.UTF_8), row.rejection().detail());
                    }
                }
            } else {
                String line;
                long number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (!line.isBlank()) {
                        lines.record(source + ":" + number, 1);
                        send(producer, source + ":" + number, line.getBytes(StandardCharsets.UTF_8), null);
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

    private void send(KafkaProducer<String, byte[]> producer, String key, byte[] value, String malformed) {
        ProducerRecord<String, byte[]> record = Messages.data(Topics.INGEST, pipeline, key, value);
        if (malformed != null) {
            record.headers().add(Headers.MALFORMED, Headers.utf8(malformed));
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        if (published.incrementAndGet() % 1000 == 0) {
            onProgress.accept(published.get());
        }
    }
}
