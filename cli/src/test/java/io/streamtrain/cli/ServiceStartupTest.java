package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.contracts.Topics;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each packaged service refuses to start on an invalid spec, and says which key is wrong; and on a broker without
 * its topics, naming them and the command that creates them (services never create topics).
 */
class ServiceStartupTest {

    @TempDir
    Path dir;

    @Test
    void everyServiceStopsAtStartOnAnInvalidSpecNamingTheKey() throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.yaml"),
                "pipeline: p\ndata: {label: y, task: classification}\nmodel: {hidden: [8, 0]}\n");
        Home home = Home.locate();
        for (String service : LocalServices.NAMES) {
            ManagedProcess process = ManagedProcess.start(service, ManagedProcess.java(List.of(
                    "-Dstreamtrain.spec=" + spec, "-Dkafka.bootstrap.servers=127.0.0.1:1", "-Dquarkus.http.port=0",
                    "-jar", home.serviceJar(service).toString())), Map.of(), dir);
            try {
                assertThat(process.waitFor(60)).as(service + " exit code").isNotZero();
                assertThat(Files.readString(process.log())).as(service + " log").contains("model.hidden[1]");
            } finally {
                process.close();
            }
        }
    }

    @Test
    void everyServiceStopsAtStartWithoutItsTopicsNamingThemAndTheTopicsCommand() throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"),
                "pipeline: p\ndata: {label: y, task: classification}\nmodel: {hidden: [8]}\n");
        Map<String, String> needs = Map.of("ingest-service", Topics.INGEST, "preprocess-service", Topics.RECORDS,
                "trainer-service", Topics.BATCHES_TRAIN, "evaluator-service", Topics.CHECKPOINTS);
        Home home = Home.locate();
        try (EmbeddedKafka broker = EmbeddedKafka.startPrivate()) {
            String kafka = broker.bootstrapServers();
            List<ManagedProcess> processes = new ArrayList<>();
            try {
                for (String service : LocalServices.NAMES) {
                    processes.add(ManagedProcess.start(service, ManagedProcess.java(List.of(
                            "-Dstreamtrain.spec=" + spec, "-Dkafka.bootstrap.servers=" + kafka,
                            "-Dstreamtrain.startup.kafka-wait=PT1S", "-Dquarkus.http.port=0",
                            "-Dstreamtrain.checkpoint-dir=" + dir.resolve("checkpoints"), "-Dai.djl.offline=true",
                            "-jar", home.serviceJar(service).toString())), Map.of(), dir));
                }
                for (ManagedProcess process : processes) {
                    assertThat(process.waitFor(90)).as(process.name() + " exit code").isNotZero();
                    assertThat(Files.readString(process.log())).as(process.name() + " log")
                            .contains("missing Kafka topics on " + kafka, needs.get(process.name()),
                                    "./streamtrain topics --kafka " + kafka);
                }
            } finally {
                processes.forEach(ManagedProcess::close);
            }
        }
    }
}
