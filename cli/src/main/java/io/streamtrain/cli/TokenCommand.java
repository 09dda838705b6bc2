package io.streamtrain.cli;

import io.streamtrain.support.security.BearerTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain token}: bearer tokens for the services' HTTP endpoints when HTTP security is on. Makes an RSA
 * key pair ({@code --new-keys DIR}: the services verify with the public key) or signs a token with the private
 * key for the roles asked (printed on standard output, nothing else).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Make a key pair for HTTP bearer tokens, or sign a token with roles ingest, promote, predict.",
        footer = {"", "Examples:",
                "  ./streamtrain token --new-keys keys/          # keys/jwt-private.pem, keys/jwt-public.pem",
                "  ./streamtrain token --key keys/jwt-private.pem --roles ingest --valid PT8H",
                "  curl -H \"Authorization: Bearer $(./streamtrain token --key keys/jwt-private.pem --roles predict)\""
                        + " ...",
                "", "The services verify tokens with MP_JWT_VERIFY_PUBLICKEY_LOCATION=keys/jwt-public.pem and"
                        + " STREAMTRAIN_HTTP_AUTH=true."})
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--new-keys", paramLabel = "DIR", description = "Write a new key pair into DIR.")
    Path newKeys;

    @Option(names = "--key", paramLabel = "FILE", description = "The private key (PKCS#8 PEM) to sign with.")
    Path key;

    @Option(names = "--roles", split = ",", description = "Roles of the token: ingest, promote, predict.")
    List<String> roles;

    @Option(names = "--subject", defaultValue = "streamtrain-cli", description = "Who the token names (default "
            + "${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--valid", defaultValue = "PT1H", description = "How long it is valid (ISO-8601, default "
            + "${DEFAULT-VALUE}).")
    Duration valid;

    @Option(names = "--issuer", defaultValue = BearerTokens.ISSUER, description = "The iss claim; the services "
            + "expect mp.jwt.verify.issuer (default ${DEFAULT-VALUE}).")
    String issuer;

    @Override
    public Integer call() {
        try {
            if (newKeys != null) {
                Files.createDirectories(newKeys);
                Path privateKey = newKeys.resolve("jwt-private.pem");
                Path publicKey = newKeys.resolve("jwt-public.pem");
                BearerTokens.write(BearerTokens.newKeyPair(), privateKey, publicKey);
                System.err.println("wrote " + privateKey + " (keep it secret) and " + publicKey + " (give it to the"
                        + " services as MP_JWT_VERIFY_PUBLICKEY_LOCATION)");
                return ExitCodes.OK;
            }
            if (key == null || roles == null || roles.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "give --new-keys DIR, or --key FILE and --roles");
            }
            Set<String> asked = new LinkedHashSet<>(roles);
            for (String role : asked) {
                if (!BearerTokens.ROLES.contains(role)) {
                    throw new CliException(ExitCodes.USAGE, "unknown role '" + role + "'; the roles are "
                            + BearerTokens.ROLES);
                }
            }
            if (valid.isNegative() || valid.isZero()) {
                throw new CliException(ExitCodes.USAGE, "--valid must be positive");
            }
            System.out.println(BearerTokens.sign(BearerTokens.readPrivateKey(key), issuer, subject, asked, valid));
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain token: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            System.err.println("streamtrain token: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
