package io.streamtrain.support.cdi;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Stops a service at start when HTTP security is on ({@code streamtrain.http.auth=true}) but no key to verify
 * bearer tokens is configured: otherwise every protected request would fail with a server error instead of the
 * service refusing to run misconfigured.
 */
@ApplicationScoped
public class HttpAuthOnStart {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, Config config) {
        boolean on = config.getOptionalValue("streamtrain.http.auth", Boolean.class).orElse(false);
        Optional<String> location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        Optional<String> key = config.getOptionalValue("mp.jwt.verify.publickey", String.class);
        if (on && location.isEmpty() && key.isEmpty()) {
            throw new IllegalStateException("streamtrain.http.auth is on but no key verifies bearer tokens: set "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM public key file or a JWKS URL) or MP_JWT_VERIFY_PUBLICKEY");
        }
    }
}
