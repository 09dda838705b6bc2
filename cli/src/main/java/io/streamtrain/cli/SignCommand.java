package io.streamtrain.cli;

import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.model.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain sign}: signs exported models so that {@code predict --verify-key} (and anyone holding the
 * public key) can tell they are the ones the pipeline promoted. Makes an Ed25519 key pair ({@code --new-keys DIR})
 * or signs a model with a private key or a shared HMAC secret.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Make an Ed25519 key pair for model artifacts, or sign an exported model.",
        footer = {"", "Examples:",
                "  ./streamtrain sign --new-keys keys/      # keys/model-signing.pem (secret), keys/model-signing.pub.pem",
                "  ./streamtrain sign --model shuttle.stmodel --key keys/model-signing.pem",
                "  ./streamtrain predict --model shuttle.stmodel --verify-key keys/model-signing.pub.pem --data x.csv",
                "", "A key file that is not an Ed25519 PEM key is a shared HMAC-SHA256 secret (16+ bytes) that both "
                        + "signs and verifies."})
public final class SignCommand implements Callable<Integer> {

    @Option(names = "--new-keys", paramLabel = "DIR", description = "Write a new Ed25519 key pair into DIR.")
    Path newKeys;

    @Option(names = "--model", description = "The exported model (.stmodel) to sign in place.")
    Path model;

    @Option(names = "--key", description = "The Ed25519 private key (PEM) or HMAC secret to sign with.")
    Path key;

    @Override
    public Integer call() {
        try {
            if (newKeys != null) {
                Files.createDirectories(newKeys);
                Path privateKey = newKeys.resolve("model-signing.pem");
                Path publicKey = newKeys.resolve("model-signing.pub.pem");
                ArtifactKeys.newKeyPair(privateKey, publicKey);
                System.err.println("wrote " + privateKey + " (keep it secret) and " + publicKey + " (to verify)");
                return ExitCodes.OK;
            }
            if (model == null || key == null) {
                throw new CliException(ExitCodes.USAGE, "give --new-keys DIR, or --model FILE and --key FILE");
            }
            ModelArtifact.sign(model, ArtifactKeys.signer(key));
            System.err.println("signed " + model);
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain sign: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            System.err.println("streamtrain sign: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
