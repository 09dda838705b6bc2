package io.streamtrain.ingest;

import io.quarkus.runtime.StartupEvent;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Loads the pipeline spec at start-up, so an invalid spec stops the service at once with the key named. */
@ApplicationScoped
public class SpecCheck {

    private static final Logger LOG = Logger.getLogger(SpecCheck.class);

    void onStart(@Observes StartupEvent event, PipelineSpec spec) {
        LOG.infof("ingest-service runs pipeline '%s' (spec %s)", spec.pipeline(), spec.hash().substring(0, 12));
    }
}
