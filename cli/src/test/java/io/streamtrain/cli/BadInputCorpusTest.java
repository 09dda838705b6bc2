package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.run.PipelineMonitor;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 500 bad records mixed with valid ones, through the four services on a real broker: each bad record is
 * dead-lettered once with its expected reason, no service dies, and every valid record is trained on or held out.
 */
class BadInputCorpusTest {

    @TempDir
    Path work;

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEveryValidOneIsBatched() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        String pipeline = "corpus-" + System.nanoTime();
        Path spec = Files.writeString(work.resolve("spec.yaml"), "pipeline: " + pipeline + "\n" + """
                data:
                  label: label
                  task: classification
                  classes: [a, b]
                  features: {x1: numeric, x2: numeric, colour: categorical}
                batch: {size: 32}
                preprocess: {warmupRecords: 100}
                model: {hidden: [8]}
                train: {epochs: 2, checkpointEvery: 100000}
                """);
        BadInputCorpus corpus = new BadInputCorpus(5);
        assertThat(corpus.badCases()).isGreaterThanOrEqualTo(500);

        try (LocalServices services = LocalServices.start(Home.locate(), spec, bootstrap, work, Duration.ofSeconds(180));
             PipelineMonitor monitor = new PipelineMonitor(kafka, pipeline)) {
            monitor.start();
            HttpResponse<String> upload = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + services.ports().get("ingest-service") + "/pipelines/" + pipeline
                                    + "/records?source=corpus.csv"))
                    .header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofString(corpus.csv.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("corpus"))) {
                for (BadInputCorpus.Message message : corpus.messages) {
                    producer.send(Messages.data(Topics.INGEST, pipeline, message.id(), message.value()));
                }
                producer.send(Messages.endOfData(Topics.INGEST, 0, new EndOfData(1, pipeline, "test", 0, 0))).get();
            }
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                services.checkAlive();
                monitor.poll(Duration.ofMillis(200), e -> { });
                return monitor.finished();
            });
            services.checkAlive();
        }

        Map<String, List<ReasonCode>> deadLetters = new HashMap<>();
        new TopicReader(kafka).readAll(Topics.REJECTED, record -> {
            if (pipeline.equals(Messages.pipelineOf(record))) {
                RejectedRecord dead = EventCodec.fromBytes(record.value(), RejectedRecord.class);
                deadLetters.computeIfAbsent(dead.id(), id -> new ArrayList<>()).add(dead.reason());
            }
        });
        Map<String, List<ReasonCode>> expected = new HashMap<>();
        for (BadInputCorpus.Message message : corpus.messages) {
            if (message.expected() != null) {
                expected.computeIfAbsent(message.id(), id -> new ArrayList<>()).add(message.expected());
            }
        }
        for (int i = 0; i < corpus.csvExpected.size(); i++) {
            if (corpus.csvExpected.get(i) != null) {
                expected.put("corpus.csv:" + (i + 2), List.of(corpus.csvExpected.get(i)));
            }
        }
        assertThat(deadLetters).containsExactlyInAnyOrderEntriesOf(expected);

        long[] rows = {0};
        for (String topic : List.of(Topics.BATCHES_TRAIN, Topics.BATCHES_VALIDATION)) {
            new TopicReader(kafka).readAll(topic, record -> {
                if (pipeline.equals(Messages.pipelineOf(record)) && Messages.isEndOfData(record)) {
                    rows[0] += EventCodec.fromBytes(record.value(), EndOfData.class).rows();
                }
            });
        }
        assertThat(rows[0]).as("valid records trained on or held out").isEqualTo(corpus.validMessages + corpus.validCsvRows);
    }
}
