package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.cli.run.DatasetPublisher;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher writes one message per record, keyed by file and line, and ends with an end-of-data marker; a line
 * that is not a record goes as its text with the reason in a header, and the lines it read are counted.
 */
class DatasetPublisherTest {

    @TempDir
    Path dir;

    @Test
    void csvAndNdjsonFilesArePublishedWithStableIdsAndAMarker() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        Path csv = Files.writeString(dir.resolve("pub.csv"), "x,y\n1,a\n\"2,5\",b\n3\n\"open,c\n\"multi\nline\",d\n");
        Path ndjson = Files.writeString(dir.resolve("pub.ndjson"), "{\"x\": 1, \"y\": \"a\"}\n\n{\"x\": 2}\n");

        DatasetPublisher csvPublisher = new DatasetPublisher(kafka, "publisher-csv");
        assertThat(csvPublisher.publish(csv)).isEqualTo(5);
        assertThat(csvPublisher.lines().lines()).as("data lines read").isEqualTo(6);
        assertThat(csvPublisher.lines().linesOf("pub.csv:6")).isEqualTo(2);
        assertThat(new DatasetPublisher(kafka, "publisher-ndjson").publish(ndjson)).isEqualTo(2);

        List<String> csvMessages = new ArrayList<>();
        List<String> ndjsonMessages = new ArrayList<>();
        List<EndOfData> markers = new ArrayList<>();
        new TopicReader(kafka).readAll(Topics.INGEST, record -> {
            String pipeline = Messages.pipelineOf(record);
            if (Messages.isEndOfData(record)) {
                markers.add(EventCodec.fromBytes(record.value(), EndOfData.class));
            } else if ("publisher-csv".equals(pipeline)) {
                var malformed = record.headers().lastHeader(Headers.MALFORMED);
                csvMessages.add(record.key() + " " + new String(record.value(), StandardCharsets.UTF_8)
                        + (malformed == null ? "" : " [" + Headers.string(malformed.value()) + "]"));
            } else if ("publisher-ndjson".equals(pipeline)) {
                ndjsonMessages.add(record.key() + " " + new String(record.value(), StandardCharsets.UTF_8));
            }
        });
        assertThat(csvMessages).containsExactly("pub.csv:2 {\"x\":\"1\",\"y\":\"a\"}",
                "pub.csv:3 {\"x\":\"2,5\",\"y\":\"b\"}", "pub.csv:4 3 [line 4 has 1 fields; the header has 2]",
                "pub.csv:5 \"open,c [unterminated quote opened at line 5, column 1]",
                "pub.csv:6 {\"x\":\"multi\\nline\",\"y\":\"d\"}");
        assertThat(ndjsonMessages).containsExactly("pub.ndjson:1 {\"x\": 1, \"y\": \"a\"}", "pub.ndjson:3 {\"x\": 2}");
        assertThat(markers).extracting(EndOfData::pipeline).contains("publisher-csv", "publisher-ndjson");
        assertThat(markers).filteredOn(m -> m.pipeline().equals("publisher-csv")).extracting(EndOfData::count)
                .containsExactly(5L);
    }
}
