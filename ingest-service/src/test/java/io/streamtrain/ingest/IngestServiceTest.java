package io.streamtrain.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.pipeline.ingest.IngestLimits;
import io.streamtrain.pipeline.ingest.JsonRecordParser;
import io.streamtrain.pipeline.ingest.RecordValidator;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.testing.HostileInputs;
import io.streamtrain.testing.KafkaTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * ingest-service on a real broker: uploads over HTTP, records from the ingest topic, and 10,000 hostile messages
 * each routed exactly once, as the parser and validator decide.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class IngestServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void csvUploadRoutesValidRowsAndDeadLettersBadOnesWithTheirLine() {
        String csv = "length,colour,species\n5.1,red,setosa\nabc,red,setosa\n4.9,blue,\n6.0,blue,virginica\n1,2\n";
        given().contentType("text/csv").queryParam("source", "upload-a.csv").body(csv)
                .when().post("/pipelines/ingest-test/records")
                .then().statusCode(202)
                .body("records", equalTo(5)).body("accepted", equalTo(2)).body("rejected", equalTo(3))
                .body("rejectedByReason.WRONG_TYPE", equalTo(1))
                .body("rejectedByReason.MISSING_LABEL", equalTo(1))
                .body("rejectedByReason.MALFORMED_CSV", equalTo(1));

        List<CanonicalRecord> records = read(Topics.RECORDS, CanonicalRecord.class, "upload-a.csv:");
        assertThat(records).extracting(CanonicalRecord::id).containsExactly("upload-a.csv:2", "upload-a.csv:5");
        assertThat(records.get(0).features()).containsEntry("length", 5.1).containsEntry("colour", "red");
        List<RejectedRecord> rejected = read(Topics.REJECTED, RejectedRecord.class, "upload-a.csv:");
        assertThat(rejected).extracting(RejectedRecord::reason)
                .containsExactly(ReasonCode.WRONG_TYPE, ReasonCode.MISSING_LABEL, ReasonCode.MALFORMED_CSV);
        assertThat(rejected.get(0).field()).isEqualTo("length");
        assertThat(rejected.get(0).original()).isEqualTo("abc,red,setosa");
        assertThat(rejected.get(2).source().line()).isEqualTo(6);
    }

    @Test
    void ndjsonUploadRejectsMalformedLinesAndKeepsTheRest() {
        String ndjson = "{\"length\": 1.5, \"colour\": \"red\", \"species\": \"setosa\"}\n{oops\n\n"
                + "[1]\n{\"length\": 2, \"colour\": \"red\", \"species\": \"dog\"}\n";
        given().contentType("application/x-ndjson").queryParam("source", "upload-b").body(ndjson.getBytes(StandardCharsets.UTF_8))
                .when().post("/pipelines/ingest-test/records")
                .then().statusCode(202)
                .body("accepted", equalTo(1))
                .body("rejectedByReason.MALFORMED_JSON", equalTo(1))
                .body("rejectedByReason.NOT_AN_OBJECT", equalTo(1))
                .body("rejectedByReason.UNKNOWN_CLASS", equalTo(1));
    }

    @Test
    void aLineOverTheLimitStopsTheUploadWith413NamingTheLine() {
        String ndjson = "{\"length\": 1, \"colour\": \"red\", \"species\": \"setosa\"}\n"
                + "{\"length\": 1, \"colour\": \"" + "x".repeat(2_000_000) + "\", \"species\": \"setosa\"}\n";
        given().contentType("application/x-ndjson").queryParam("source", "upload-long")
                .body(ndjson.getBytes(StandardCharsets.UTF_8))
                .when().post("/pipelines/ingest-test/records")
                .then().statusCode(413)
                .body("line", equalTo(2)).body("error", containsString("line 2"))
                .body("before.accepted", equalTo(1));
    }

    @Test
    void anUnterminatedQuoteInACsvUploadCostsOnlyItsLine() {
        String csv = "length,colour,species\n1,\"red,setosa\n" + "2,blue,setosa\n".repeat(100_000);
        given().contentType("text/csv").queryParam("source", "upload-open-quote")
                .body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/pipelines/ingest-test/records")
                .then().statusCode(202)
                .body("accepted", equalTo(100_000))
                .body("rejectedByReason.MALFORMED_CSV", equalTo(1))
                .body("lines.read", equalTo(100_001))
                .body("lines.inAccepted", equalTo(100_000))
                .body("lines.inDeadLetters", equalTo(1));
    }

    @Test
    void aCsvWithoutAUsableHeaderIs400() {
        given().contentType("text/csv").body(new byte[0]).when().post("/pipelines/ingest-test/records")
                .then().statusCode(400).body("line", equalTo(1)).body("error", containsString("header"));
        given().contentType("text/csv").body("a,a\n1,2\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/pipelines/ingest-test/records")
                .then().statusCode(400).body("error", containsString("repeated"));
    }

    @Test
    void theOpenApiDescriptionIsServed() {
        given().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/pipelines/{name}/records")).body(containsString("413"));
    }

    @Test
    void unknownPipelineAndContentTypeAreClearErrors() {
        given().contentType("text/csv").body("a\n1\n").when().post("/pipelines/nope/records")
                .then().statusCode(404).body("error", containsString("ingest-test"));
        given().contentType("application/xml").body("<a/>").when().post("/pipelines/ingest-test/records")
                .then().statusCode(415).body("error", containsString("text/csv"));
    }

    @Test
    void recordsFromTheIngestTopicAreValidatedAndRoutedAndOtherPipelinesLeftAlone() {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new KafkaSettings(bootstrap).producer("t"))) {
            producer.send(Messages.data(Topics.INGEST, "ingest-test", "topic-1",
                    "{\"length\": 3, \"colour\": \"red\", \"species\": \"virginica\"}".getBytes(StandardCharsets.UTF_8)));
            producer.send(Messages.data(Topics.INGEST, "ingest-test", "topic-2", new byte[] {(byte) 0xff, 0x00}));
            producer.send(Messages.data(Topics.INGEST, "other-pipeline", "topic-3", "{}".getBytes(StandardCharsets.UTF_8)));
            ProducerRecord<String, byte[]> noKey = new ProducerRecord<>(Topics.INGEST, null,
                    "{\"length\": \"Infinity\", \"colour\": \"red\", \"species\": \"setosa\"}".getBytes(StandardCharsets.UTF_8));
            noKey.headers().add(Headers.PIPELINE, Headers.utf8("ingest-test"));
            producer.send(noKey);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(read(Topics.RECORDS, CanonicalRecord.class, "topic-")).extracting(CanonicalRecord::id)
                    .containsExactly("topic-1");
            List<RejectedRecord> rejected = new ArrayList<>(read(Topics.REJECTED, RejectedRecord.class, "topic-"));
            rejected.addAll(read(Topics.REJECTED, RejectedRecord.class, Topics.INGEST + "-"));
            // The message of another pipeline is left to that pipeline's own ingest deployment.
            assertThat(rejected).extracting(RejectedRecord::reason).containsExactlyInAnyOrder(
                    ReasonCode.BAD_ENCODING, ReasonCode.NON_FINITE);
            assertThat(rejected).allSatisfy(r -> assertThat(r.source().topic()).isEqualTo(Topics.INGEST));
            RejectedRecord badBytes = rejected.stream().filter(r -> r.reason() == ReasonCode.BAD_ENCODING).findFirst()
                    .orElseThrow();
            assertThat(java.util.Base64.getDecoder().decode(badBytes.originalBase64())).containsExactly(0xff, 0x00);
        });
    }

    @Test
    void tenThousandHostileMessagesAreEachRoutedOnceAsTheParserAndValidatorDecideAndTheServiceStaysUp() {
        PipelineSpec spec = SpecLoader.load(java.nio.file.Path.of("src/test/resources/pipeline.yaml"));
        JsonRecordParser parser = new JsonRecordParser(IngestLimits.DEFAULTS);
        RecordValidator validator = new RecordValidator(spec);
        HostileInputs inputs = new HostileInputs(7, IngestLimits.DEFAULTS.maxRecordBytes() + 10);
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new KafkaSettings(bootstrap).producer("fuzz"))) {
            for (int i = 0; i < 10_000; i++) {
                HostileInputs.Input input = inputs.next(i);
                ReasonCode reason = IngestPathFuzzTest.outcome(parser, validator, input.bytes());
                expected.put("fuzz-" + i, reason == null ? "ACCEPTED" : reason.name());
                producer.send(Messages.data(Topics.INGEST, "ingest-test", "fuzz-" + i, input.bytes()));
            }
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            java.util.Map<String, String> routed = new java.util.HashMap<>();
            List<String> twice = new ArrayList<>();
            for (CanonicalRecord record : read(Topics.RECORDS, CanonicalRecord.class, "fuzz-")) {
                if (routed.put(record.id(), "ACCEPTED") != null) {
                    twice.add(record.id());
                }
            }
            for (RejectedRecord record : read(Topics.REJECTED, RejectedRecord.class, "fuzz-")) {
                if (routed.put(record.id(), record.reason().name()) != null) {
                    twice.add(record.id());
                }
            }
            assertThat(twice).as("routed more than once").isEmpty();
            assertThat(routed).isEqualTo(expected);
        });
        given().when().get("/q/health/live").then().statusCode(200);
    }

    private <T> List<T> read(String topic, Class<T> type, String idPrefix) {
        List<T> out = new ArrayList<>();
        new TopicReader(new KafkaSettings(bootstrap)).readAll(topic, record -> {
            if (record.key() != null && record.key().startsWith(idPrefix) && !Messages.isEndOfData(record)) {
                out.add(EventCodec.fromBytes(record.value(), type));
            }
        });
        return out;
    }
}
