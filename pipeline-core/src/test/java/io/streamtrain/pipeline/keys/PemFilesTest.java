package io.streamtrain.pipeline.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void aKeyPairWrittenAsPemReadsBackToTheSameBytesAndThePrivateKeyIsTheOwnersOnly() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateKey = dir.resolve("key.pem");
        Path publicKey = dir.resolve("key.pub.pem");
        PemFiles.writeKeyPair(keys, privateKey, publicKey);

        String privateText = Files.readString(privateKey);
        assertThat(privateText).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(PemFiles.decode(privateText, "PRIVATE KEY")).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(PemFiles.decode(Files.readString(publicKey), "PUBLIC KEY"))
                .isEqualTo(keys.getPublic().getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
        assertThatThrownBy(() -> PemFiles.decode("-----BEGIN PUBLIC KEY-----\nnot base64!\n", "PUBLIC KEY"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
