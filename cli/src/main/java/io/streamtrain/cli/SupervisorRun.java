package io.streamtrain.cli;

import io.streamtrain.cli.local.Supervisor;
import java.time.Duration;

/**
 * Runs a {@link Supervisor} in this JVM until SIGTERM or Ctrl-C, then lets it stop what it started before the JVM
 * exits. In: the supervisor, a step to run after each supervision round (the live status of {@code up}). Out: the
 * exit code, when the supervisor fails to start (a signal ends the JVM instead).
 */
final class SupervisorRun {

    /** How long a signal waits for the services and the broker to stop. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private SupervisorRun() {
    }

    static void run(Supervisor supervisor, Runnable tick) throws Exception {
        Thread hook = new Thread(() -> {
            supervisor.requestStop();
            try {
                supervisor.awaitStopped(STOP_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streamtrain-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            supervisor.start();
        } catch (Exception | Error e) {
            supervisor.requestStop();
            supervisor.runUntilStopped(() -> {
            });
            throw e;
        }
        supervisor.runUntilStopped(tick);
    }
}
