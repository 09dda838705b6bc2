package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamtrain sign} and {@code predict --verify-key}: keys, usage errors and a model that is not signed. */
class SignCommandTest {

    @TempDir
    Path dir;

    @Test
    void makesKeysAndRefusesWhatItCannotUse() {
        assertThat(StreamTrainCli.run("sign", "--new-keys", dir.toString())).isZero();
        assertThat(dir.resolve("model-signing.pem")).content().startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(dir.resolve("model-signing.pub.pem")).content().startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(StreamTrainCli.run("sign", "--model", dir.resolve("missing.stmodel").toString(), "--key",
                dir.resolve("model-signing.pem").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(StreamTrainCli.run("sign")).isEqualTo(ExitCodes.USAGE);
    }
}
