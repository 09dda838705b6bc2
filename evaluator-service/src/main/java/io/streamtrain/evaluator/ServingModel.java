package io.streamtrain.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.ShutdownEvent;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.model.InferenceModel;
import io.streamtrain.model.Predictor;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The champion as it answers prediction requests. In: the champion's model event (at the first request, from the
 * registry; then on every promotion or override). Out: predictions from the current champion. A new champion is
 * loaded beside the old one and swapped in atomically; the old one is closed only when the requests that were
 * using it have finished, so a switch neither needs a restart nor fails a request in flight. One request at a time
 * uses a model (the network runs on one intra-op thread); {@link #predictWithoutWaiting} lets an I/O thread answer
 * at once when the model is free and hand the request to a worker thread otherwise.
 */
@ApplicationScoped
public class ServingModel {

    private static final Logger LOG = Logger.getLogger(ServingModel.class);

    private final PipelineSpec spec;
    private final EvaluationHistory history;
    private final CheckpointLoader checkpoints;
    private final AtomicReference<Served> current = new AtomicReference<>();
    private volatile boolean initialized;

    public ServingModel(PipelineSpec spec, EvaluationHistory history, CheckpointLoader checkpoints) {
        this.spec = spec;
        this.history = history;
        this.checkpoints = checkpoints;
    }

    /** One loaded champion and the requests using it; closed once retired and no longer in use. */
    private static final class Served {
        final ModelEvent model;
        final InferenceModel network;
        final Predictor predictor;
        final AtomicInteger users = new AtomicInteger(1);
        final ReentrantLock inUse = new ReentrantLock();

        Served(ModelEvent model, InferenceModel network, Predictor predictor) {
            this.model = model;
            this.network = network;
            this.predictor = predictor;
        }

        boolean acquire() {
            while (true) {
                int n = users.get();
                if (n == 0) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                network.close();
            }
        }
    }

    /** The predictions of the current champion and its checkpoint id; empty when there is no champion yet. */
    public record Answer(String checkpointId, List<Predictor.Prediction> predictions) {
    }

    /** Thrown by {@link #predictWithoutWaiting} when answering would mean waiting. */
    public static final class Busy extends RuntimeException {
        private static final Busy INSTANCE = new Busy();

        private Busy() {
            super("the model is answering another request", null, false, false);
        }
    }

    /** Predicts with the current champion, waiting while it answers other requests. */
    public Optional<Answer> predict(List<JsonNode> records) {
        initialize();
        return predict(records, true);
    }

    /**
     * Predicts with the current champion on the calling thread if that needs no waiting: the champion is loaded and
     * no other request is using it. Otherwise throws {@link Busy}, and the caller should use {@link #predict}.
     */
    public Optional<Answer> predictWithoutWaiting(List<JsonNode> records) {
        if (!initialized) {
            throw Busy.INSTANCE;
        }
        return predict(records, false);
    }

    private Optional<Answer> predict(List<JsonNode> records, boolean wait) {
        while (true) {
            Served served = current.get();
            if (served == null) {
                return Optional.empty();
            }
            if (!served.acquire()) {
                continue;
            }
            try {
                if (wait) {
                    served.inUse.lock();
                } else if (!served.inUse.tryLock()) {
                    throw Busy.INSTANCE;
                }
                try {
                    return Optional.of(new Answer(served.model.checkpointId(), served.predictor.predict(records)));
                } finally {
                    served.inUse.unlock();
                }
            } finally {
                served.release();
            }
        }
    }

    /** Serves {@code model} from now on. */
    void switchTo(ModelEvent model) {
        try {
            InferenceModel network = checkpoints.load(model.path(), model.sha256());
            Served previous = current.getAndSet(new Served(model, network, new Predictor(spec, network)));
            if (previous != null) {
                previous.release();
            }
            initialized = true;
            LOG.infof("serving predictions of '%s' from %s", spec.pipeline(), model.checkpointId());
        } catch (Exception e) {
            LOG.errorf("cannot serve champion %s: %s", model.checkpointId(), e.getMessage());
        }
    }

    private void initialize() {
        if (!initialized) {
            synchronized (this) {
                if (!initialized) {
                    history.champion().ifPresent(this::switchTo);
                    initialized = true;
                }
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        Served served = current.getAndSet(null);
        if (served != null) {
            served.release();
        }
    }
}
