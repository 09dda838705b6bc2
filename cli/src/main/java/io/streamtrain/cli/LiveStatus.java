package io.streamtrain.cli;

import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.run.PipelineMonitor;
import io.streamtrain.cli.run.ProgressLine;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The live status of a foreground {@code up}. In: the pipeline's topics (through {@link PipelineMonitor}, from the
 * moment {@code up} started) and the supervisor's endpoints. Out: a line every few seconds (redrawn in place on a
 * terminal): records accepted and rejected, batches, training step, the champion, processes ready and restarts;
 * each evaluation on a line of its own; the dashboard address once everything is ready.
 */
final class LiveStatus implements AutoCloseable {

    private final PipelineSpec pipeline;
    private final Supplier<Endpoints> endpoints;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private PipelineMonitor monitor;
    private long nextLine;
    private boolean announced;
    private String champion = "none yet";
    private String phase = "?";
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).build();

    LiveStatus(PipelineSpec pipeline, Supplier<Endpoints> endpoints, PrintStream out) {
        this.pipeline = pipeline;
        this.endpoints = endpoints;
        this.out = out;
    }

    /** Prints a supervisor event on a line of its own. */
    void event(String line) {
        clear();
        out.println(line);
    }

    /** One round: reads what arrived, prints the evaluations, and the status line when it is due. */
    void tick() {
        Endpoints now = endpoints.get();
        if (now == null) {
            return;
        }
        if (monitor == null) {
            monitor = new PipelineMonitor(now.localBroker() ? new KafkaSettings(now.bootstrapServers())
                    : KafkaSettings.fromEnvironment(now.bootstrapServers()), pipeline.pipeline());
            monitor.start();
        }
        if (now.allReady() && !announced) {
            announced = true;
            event("ready: ingest " + now.ingestUrl() + ", dashboard " + now.dashboardUrl() + ", Kafka "
                    + now.bootstrapServers() + " (Ctrl-C stops everything)");
        }
        monitor.poll(Duration.ofMillis(50), this::evaluated);
        if (System.nanoTime() >= nextLine) {
            phase = trainerPhase(now.services().get("trainer-service"));
            String line = line(now);
            if (terminal) {
                out.print("\r\033[K" + line);
                out.flush();
            } else {
                out.println(line);
            }
            nextLine = System.nanoTime() + Duration.ofSeconds(terminal ? 1 : 10).toNanos();
        }
    }

    private String line(Endpoints now) {
        int restarts = now.restarts().values().stream().mapToInt(Integer::intValue).sum();
        return ProgressLine.render(monitor, pipeline.train().epochs(), pipeline.batch().size(),
                (System.nanoTime() - started) / 1e9)
                + " | trainer " + phase
                + String.format(Locale.ROOT, " | champion %s | ready %d/%d, restarts %d", champion, now.ready().size(),
                now.restarts().size(), restarts)
                + (now.warnings().isEmpty() ? "" : " | " + String.join("; ", now.warnings()));
    }

    /** The trainer's phase from its readiness check (training, waiting for data, complete, failed, ...). */
    private String trainerPhase(String url) {
        if (url == null) {
            return "?";
        }
        try {
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            for (var check : io.streamtrain.contracts.EventCodec.mapper().readTree(body).path("checks")) {
                if (check.path("name").asText().equals("training-loop")) {
                    return check.path("data").path("phase").asText("?").replace('_', ' ');
                }
            }
            return "?";
        } catch (java.io.IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private void evaluated(EvaluationEvent e) {
        if (e.verdict() == Verdict.PROMOTED) {
            champion = e.checkpointId() + (e.value() == null ? "" : String.format(Locale.ROOT, " %s %.4f",
                    e.metric(), e.value()));
        }
        event("  evaluation " + WatchCommand.line(e));
    }

    private void clear() {
        if (terminal) {
            out.print("\r\033[K");
        }
    }

    @Override
    public void close() {
        clear();
        if (monitor != null) {
            monitor.close();
        }
    }
}
