package io.streamtrain.trainer;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the training loop is doing, for the readiness check. In: the loop's transitions. Out: the current phase
 * and, when training stopped on an error, why.
 */
@ApplicationScoped
public class TrainerState {

    /** The phases of the training loop. */
    public enum Phase {
        /** Loading the engine, assigning partitions, restoring the newest checkpoint. */
        STARTING(false),
        /**
         * Engine loaded, partitions assigned, no batch yet, or a segment complete (trained alone): idle by design
         * until data arrives.
         */
        WAITING_FOR_DATA(true),
        TRAINING(true),
        /**
         * A group's run is complete (all epochs, early stop, or a non-finite step with {@code onNonFinite: stop}).
         */
        COMPLETE(true),
        /** Training stopped on an error and will not go on without intervention (or a restart). */
        FAILED(false);

        private final boolean ready;

        Phase(boolean ready) {
            this.ready = ready;
        }

        public boolean ready() {
            return ready;
        }
    }

    private volatile Phase phase = Phase.STARTING;
    private volatile String detail = "loading the engine";

    void set(Phase phase, String detail) {
        this.phase = phase;
        this.detail = detail;
    }

    public Phase phase() {
        return phase;
    }

    public String detail() {
        return detail;
    }
}
