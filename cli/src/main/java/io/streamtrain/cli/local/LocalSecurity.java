package io.streamtrain.cli.local;

import io.streamtrain.cli.CliException;
import io.streamtrain.cli.ExitCodes;
import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.support.security.BearerTokens;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway credentials for a secured local run: a certificate authority made for this run, a broker
 * certificate it signed (for 127.0.0.1 and localhost), a client certificate it signed (for mutual TLS), a
 * truststore holding the authority, random SCRAM-SHA-512 passwords for the broker itself and for the pipeline's
 * clients, an RSA key pair for the services' HTTP bearer tokens and an Ed25519 key pair that signs checkpoints. Made with the JDK's {@code keytool} under
 * {@code <workdir>/security} (readable by the owner only); nothing outside this run trusts them.
 */
public final class LocalSecurity {

    /** The SASL mechanism of the local broker's client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The SCRAM user of the pipeline's services and of the CLI. */
    public static final String CLIENT_USER = "streamtrain";
    static final String BROKER_USER = "broker";
    private static final String STORE_TYPE = "PKCS12";
    private static final String HOST_NAMES = "SAN=ip:127.0.0.1,dns:localhost";

    private final Path dir;
    private final String storePassword;
    private final String brokerPassword;
    private final String clientPassword;

    private LocalSecurity(Path dir, String storePassword, String brokerPassword, String clientPassword) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.brokerPassword = brokerPassword;
        this.clientPassword = clientPassword;
    }

    /** Makes the authority, the certificates, the stores and the passwords under {@code <workdir>/security}. */
    public static LocalSecurity create(Path workdir) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workdir.resolve("security"));
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the files keep its default permissions.
        }
        LocalSecurity security = new LocalSecurity(dir, secret(), secret(), secret());
        security.makeStores();
        return security;
    }

    private static String secret() {
        return new BigInteger(130, new SecureRandom()).toString(32);
    }

    /** A random secret of 26 characters (130 bits), e.g. a key for hashed private fields. */
    public static String randomSecret() {
        return secret();
    }

    private void makeStores() throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=StreamTrain local CA", "-keyalg", "RSA", "-keysize",
                "2048", "-validity", "30", "-ext", "bc:c", "-keystore", file("ca.p12"));
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-file", file("ca.pem"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore",
                file("truststore.p12"));
        signedKeyPair("broker", "CN=localhost", HOST_NAMES);
        signedKeyPair("client", "CN=" + CLIENT_USER, null);
        BearerTokens.write(BearerTokens.newKeyPair(), dir.resolve("jwt-private.pem"), dir.resolve("jwt-public.pem"));
        ArtifactKeys.newKeyPair(dir.resolve("checkpoint-signing.pem"), dir.resolve("checkpoint-signing.pub.pem"));
    }

    /** The private key that signs HTTP bearer tokens ({@code ./streamtrain token --key ...}). */
    public Path tokenKey() {
        return dir.resolve("jwt-private.pem");
    }

    /**
     * The environment that turns the services' security on with this run's keys: HTTP bearer tokens verified with
     * its token key, checkpoints signed by the trainers and verified by the evaluator.
     */
    public Map<String, String> serviceEnvironment() {
        return Map.of("STREAMTRAIN_HTTP_AUTH", "true", "MP_JWT_VERIFY_PUBLICKEY_LOCATION", file("jwt-public.pem"),
                "STREAMTRAIN_CHECKPOINT_SIGNING_KEY", file("checkpoint-signing.pem"),
                "STREAMTRAIN_CHECKPOINT_VERIFY_KEY", file("checkpoint-signing.pub.pem"));
    }

    /** A bearer token with these roles, signed with this run's key. */
    public String token(String... roles) throws IOException {
        return BearerTokens.sign(BearerTokens.readPrivateKey(tokenKey()), BearerTokens.ISSUER, "streamtrain-local",
                java.util.Set.of(roles), java.time.Duration.ofHours(1));
    }

    /** A key pair in {@code <name>.p12} whose certificate the authority signed, with the authority beside it. */
    private void signedKeyPair(String name, String subject, String extension) throws IOException, InterruptedException {
        String store = file(name + ".p12");
        List<String> generate = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-dname", subject, "-keyalg",
                "RSA", "-keysize", "2048", "-validity", "30", "-keystore", store));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"),
                "-validity", "30", "-infile", file(name + ".csr"), "-outfile", file(name + ".pem")));
        if (extension != null) {
            generate.addAll(List.of("-ext", extension));
            sign.addAll(List.of("-ext", extension));
        }
        keytool(generate.toArray(String[]::new));
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", file(name + ".csr"));
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", file(name + ".pem"), "-keystore", store);
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", STORE_TYPE, "-storepass", storePassword));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new CliException(ExitCodes.FAILED, "keytool " + arguments[0] + " failed while making the local"
                    + " broker's certificates: " + output.strip());
        }
    }

    /** The SCRAM credentials the broker's storage is formatted with ({@code kafka-storage format --add-scram}). */
    List<String> scramCredentials() {
        return List.of(MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]",
                MECHANISM + "=[name=" + CLIENT_USER + ",password=" + clientPassword + "]");
    }

    /** The broker's TLS and SASL settings (server.properties lines) for its SASL_SSL and SSL listeners. */
    List<String> brokerProperties() {
        return List.of(
                "sasl.enabled.mechanisms=" + MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
                "listener.name.sasl_ssl." + MECHANISM.toLowerCase() + ".sasl.jaas.config=" + jaas(BROKER_USER,
                        brokerPassword),
                "ssl.keystore.location=" + file("broker.p12"),
                "ssl.keystore.password=" + storePassword,
                "ssl.keystore.type=" + STORE_TYPE,
                "ssl.truststore.location=" + file("truststore.p12"),
                "ssl.truststore.password=" + storePassword,
                "ssl.truststore.type=" + STORE_TYPE,
                // The SSL listener is mutual TLS: a client without a certificate the authority signed gets nothing.
                "listener.name.ssl.ssl.client.auth=required");
    }

    /** Client settings for the SASL_SSL listener as user {@code streamtrain}. */
    public Map<String, String> scramClient() {
        return scramClient(CLIENT_USER, clientPassword);
    }

    /** Client settings for the SASL_SSL listener with any user and password (a wrong one is refused). */
    public Map<String, String> scramClient(String user, String password) {
        Map<String, String> settings = trustingClient("SASL_SSL");
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", jaas(user, password));
        return settings;
    }

    /** Client settings for the SSL listener, presenting the client certificate (mutual TLS). */
    public Map<String, String> certificateClient() {
        Map<String, String> settings = trustingClient("SSL");
        settings.put("ssl.keystore.location", file("client.p12"));
        settings.put("ssl.keystore.password", storePassword);
        settings.put("ssl.keystore.type", STORE_TYPE);
        return settings;
    }

    /** Settings that trust the local authority and present no credentials of their own. */
    public Map<String, String> trustingClient(String protocol) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", protocol);
        settings.put("ssl.truststore.location", file("truststore.p12"));
        settings.put("ssl.truststore.password", storePassword);
        settings.put("ssl.truststore.type", STORE_TYPE);
        return settings;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
