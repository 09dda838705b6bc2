package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each packaged service refuses to start on an invalid spec, and says which key is wrong. */
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
}
