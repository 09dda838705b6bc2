package io.streamtrain.model;

import io.streamtrain.pipeline.keys.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that sign and verify model artifacts. In: a key file: an Ed25519 private key (PKCS#8 PEM, {@code BEGIN
 * PRIVATE KEY}) signs and its public key ({@code BEGIN PUBLIC KEY}) verifies; any other file is a shared HMAC
 * secret (its bytes, trimmed; at least 16) that both signs and verifies. Out: a {@link Signer} or {@link Verifier}
 * of a content digest, and new Ed25519 key pairs as PEM files.
 */
public final class ArtifactKeys {

    /** The shortest HMAC secret accepted. */
    public static final int MIN_SECRET_BYTES = 16;

    private ArtifactKeys() {
    }

    /** Signs a digest; {@code algorithm} names how. */
    public interface Signer {
        String algorithm();

        byte[] sign(byte[] digest);
    }

    /** Checks a signature of a digest made with {@code algorithm}. */
    public interface Verifier {
        boolean verify(String algorithm, byte[] digest, byte[] signature);
    }

    public static Signer signer(Path keyFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.ISO_8859_1);
        if (text.contains("BEGIN PRIVATE KEY")) {
            PrivateKey key = decode(keyFile, text, "PRIVATE KEY", true);
            return new Signer() {
                public String algorithm() {
                    return "Ed25519";
                }

                public byte[] sign(byte[] digest) {
                    try {
                        Signature signature = Signature.getInstance("Ed25519");
                        signature.initSign(key);
                        signature.update(digest);
                        return signature.sign();
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("cannot sign with Ed25519", e);
                    }
                }
            };
        }
        byte[] secret = secret(keyFile);
        return new Signer() {
            public String algorithm() {
                return "HmacSHA256";
            }

            public byte[] sign(byte[] digest) {
                return hmac(secret, digest);
            }
        };
    }

    public static Verifier verifier(Path keyFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.ISO_8859_1);
        if (text.contains("BEGIN PRIVATE KEY")) {
            throw new IOException(keyFile + " is a private key; verify with its public key (BEGIN PUBLIC KEY)");
        }
        if (text.contains("BEGIN PUBLIC KEY")) {
            PublicKey key = decode(keyFile, text, "PUBLIC KEY", false);
            return (algorithm, digest, signature) -> {
                if (!algorithm.equals("Ed25519")) {
                    return false;
                }
                try {
                    Signature check = Signature.getInstance("Ed25519");
                    check.initVerify(key);
                    check.update(digest);
                    return check.verify(signature);
                } catch (GeneralSecurityException e) {
                    return false;
                }
            };
        }
        byte[] secret = secret(keyFile);
        return (algorithm, digest, signature) -> algorithm.equals("HmacSHA256")
                && MessageDigest.isEqual(hmac(secret, digest), signature);
    }

    /** A new Ed25519 key pair, written as PEM: the private key owner-readable only where the file system allows. */
    public static void newKeyPair(Path privateKeyFile, Path publicKeyFile) throws IOException {
        try {
            PemFiles.writeKeyPair(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), privateKeyFile,
                    publicKeyFile);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <K> K decode(Path file, String text, String type, boolean privateKey) throws IOException {
        try {
            byte[] der = PemFiles.decode(text, type);
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            return (K) (privateKey ? factory.generatePrivate(new PKCS8EncodedKeySpec(der))
                    : factory.generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an Ed25519 " + type.toLowerCase() + " in PEM", e);
        }
    }

    private static byte[] secret(Path file) throws IOException {
        byte[] secret = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IOException(file + " holds " + secret.length + " bytes; an HMAC secret needs at least "
                    + MIN_SECRET_BYTES + " (or give an Ed25519 key in PEM)");
        }
        return secret;
    }

    private static byte[] hmac(byte[] secret, byte[] digest) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
