package io.streamtrain.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.streamtrain.support.security.BearerTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A Quarkus test profile with HTTP security on ({@code streamtrain.http.auth=true}), verifying bearer tokens with
 * a key pair made for the test run; {@link #token} signs tokens with its private key, {@link #foreignToken} with
 * another one.
 */
public class SecuredHttpProfile implements QuarkusTestProfile {

    private static final KeyPair KEYS = BearerTokens.newKeyPair();
    private static final KeyPair FOREIGN = BearerTokens.newKeyPair();
    private static final Path PUBLIC_KEY = writePublicKey();

    private static Path writePublicKey() {
        try {
            Path dir = Files.createTempDirectory("streamtrain-jwt");
            Path publicKey = dir.resolve("jwt-public.pem");
            BearerTokens.write(KEYS, dir.resolve("jwt-private.pem"), publicKey);
            return publicKey;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("streamtrain.http.auth", "true", "mp.jwt.verify.publickey.location", PUBLIC_KEY.toString());
    }

    /** A valid token with these roles. */
    public static String token(String... roles) {
        return BearerTokens.sign(KEYS.getPrivate(), BearerTokens.ISSUER, "test-user", Set.of(roles),
                Duration.ofMinutes(10));
    }

    /** A token that expired ten minutes ago (beyond any clock skew allowed). */
    public static String expiredToken(String... roles) {
        return BearerTokens.sign(KEYS.getPrivate(), BearerTokens.ISSUER, "test-user", Set.of(roles),
                Duration.ofMinutes(-10));
    }

    /** A token with these roles signed by a key the service does not know. */
    public static String foreignToken(String... roles) {
        return BearerTokens.sign(FOREIGN.getPrivate(), BearerTokens.ISSUER, "intruder", Set.of(roles),
                Duration.ofMinutes(10));
    }
}
