package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamtrain token}: a key pair, then a signed token with the roles asked; bad roles are usage errors. */
class TokenCommandTest {

    @TempDir
    Path keys;

    @Test
    void makesKeysThenSignsATokenWithTheRolesAsked() throws Exception {
        assertThat(StreamTrainCli.run("token", "--new-keys", keys.toString())).isZero();
        assertThat(keys.resolve("jwt-private.pem")).content().startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(keys.resolve("jwt-public.pem")).content().startsWith("-----BEGIN PUBLIC KEY-----");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = StreamTrainCli.run("token", "--key", keys.resolve("jwt-private.pem").toString(), "--roles",
                    "ingest,predict", "--valid", "PT2H");
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).isZero();
        String[] parts = printed.toString(StandardCharsets.UTF_8).strip().split("\\.");
        assertThat(parts).hasSize(3);
        var claims = EventCodec.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("streamtrain");
        assertThat(claims.path("groups")).extracting(Object::toString).asString().contains("ingest", "predict");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(7200);
    }

    @Test
    void anUnknownRoleOrAMissingKeyIsAUsageError() {
        assertThat(StreamTrainCli.run("token", "--key", keys.resolve("missing.pem").toString(), "--roles", "ingest"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(StreamTrainCli.run("token", "--new-keys", keys.toString())).isZero();
        assertThat(StreamTrainCli.run("token", "--key", keys.resolve("jwt-private.pem").toString(), "--roles",
                "admin")).isEqualTo(ExitCodes.USAGE);
    }
}
