package io.streamtrain.cli.local;

import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.PrivacyMode;
import io.streamtrain.support.kafka.KafkaSecurity;
import io.streamtrain.support.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment variables the services of a kept-running pipeline get on top of the supervisor's own. In: the
 * Kafka settings, the spec, the work directory. Out: the Kafka security settings as {@code KAFKA_*} (out of the
 * command line, which other users can read) and, when the spec hashes private fields and no key is set, a key made
 * once for the work directory ({@code ingest-private.key}), so pseudonyms stay the same across restarts and down/up.
 */
final class ServiceEnvironment {

    private ServiceEnvironment() {
    }

    static Map<String, String> of(KafkaSettings settings, PipelineSpec pipeline, WorkDir workdir) throws IOException {
        Map<String, String> environment = new TreeMap<>(KafkaSecurity.asEnvironment(settings.security()));
        if (pipeline.data().privateFields().containsValue(PrivacyMode.HASH)
                && System.getenv("STREAMTRAIN_INGEST_PRIVATE_KEY") == null) {
            environment.put("STREAMTRAIN_INGEST_PRIVATE_KEY", privateKey(workdir.root().resolve("ingest-private.key")));
        }
        return environment;
    }

    private static String privateKey(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String key = LocalSecurity.randomSecret();
        Files.writeString(file, key);
        return key;
    }
}
