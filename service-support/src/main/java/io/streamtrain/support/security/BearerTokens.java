package io.streamtrain.support.security;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.pipeline.keys.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bearer tokens for the services' HTTP endpoints: JWTs signed with RS256 whose {@code groups} claim holds the
 * caller's roles ({@link #INGEST}, {@link #PROMOTE}, {@link #PREDICT}), as the services verify them (SmallRye JWT
 * with {@code mp.jwt.verify.publickey.location} and {@code mp.jwt.verify.issuer}). In: an RSA private key (PKCS#8
 * PEM). Out: signed tokens, and new key pairs as PEM files. Any issuer of RS256 JWTs (an OIDC provider) can take
 * its place; this is what the CLI and the tests use.
 */
public final class BearerTokens {

    /** May upload records to ingest-service. */
    public static final String INGEST = "ingest";
    /** May override the gate and name the champion. */
    public static final String PROMOTE = "promote";
    /** May ask the champion for predictions. */
    public static final String PREDICT = "predict";
    /** Every role there is. */
    public static final Set<String> ROLES = Set.of(INGEST, PROMOTE, PREDICT);
    /** The issuer the services expect unless configured otherwise. */
    public static final String ISSUER = "streamtrain";

    private BearerTokens() {
    }

    /** A new 2048-bit RSA key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key pair", e);
        }
    }

    /** Writes the private key (PKCS#8, owner-readable only where the file system allows) and the public key. */
    public static void write(KeyPair keys, Path privateKeyFile, Path publicKeyFile) throws IOException {
        PemFiles.writeKeyPair(keys, privateKeyFile, publicKeyFile);
    }

    /** Reads an RSA private key from a PKCS#8 PEM file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(PemFiles.decode(
                    Files.readString(file), "PRIVATE KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an RSA private key in PKCS#8 PEM (BEGIN PRIVATE KEY)", e);
        }
    }

    /** A token for {@code subject} with {@code roles}, valid for {@code validity} from now. */
    public static String sign(PrivateKey key, String issuer, String subject, Set<String> roles, Duration validity) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("groups", List.copyOf(roles));
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(validity).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        String content = base64Url(EventCodec.toBytes(Map.of("alg", "RS256", "typ", "JWT"))) + "."
                + base64Url(EventCodec.toBytes(claims));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(content.getBytes(StandardCharsets.US_ASCII));
            return content + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
