package io.streamtrain.pipeline.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;

/**
 * Keys as PEM text, the one way the project writes and reads them (the model-signing keys and the bearer-token
 * keys alike). In: DER bytes and a type ({@code PRIVATE KEY} for PKCS#8, {@code PUBLIC KEY} for X.509), or PEM
 * text. Out: PEM text, the DER bytes inside it, or a key pair written to two files, the private one readable by its
 * owner only where the file system allows.
 */
public final class PemFiles {

    private PemFiles() {
    }

    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The DER bytes of PEM text of the given type; IllegalArgumentException when it is not Base64 inside. */
    public static byte[] decode(String text, String type) {
        return Base64.getDecoder().decode(text.replaceAll("-----(BEGIN|END) " + type + "-----", "")
                .replaceAll("\\s", ""));
    }

    public static void writeKeyPair(KeyPair keys, Path privateKeyFile, Path publicKeyFile) throws IOException {
        Files.writeString(privateKeyFile, encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(privateKeyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system.
        }
        Files.writeString(publicKeyFile, encode("PUBLIC KEY", keys.getPublic().getEncoded()));
    }
}
