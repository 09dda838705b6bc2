package io.streamtrain.cli.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code <workdir>/endpoints.json}: where a pipeline kept running by {@code up} can be reached, for any client.
 * In: what the supervisor runs (addresses, readiness, restarts, problems). Out: the file, rewritten atomically
 * whenever that changes, and read back by {@code up}, {@code scale}, {@code status} and scripts.
 *
 * @param services  every service process by name, with its HTTP address
 * @param ready     the processes that answered their readiness check last time
 * @param restarts  restarts per process since {@code up} ({@code kafka} is the local broker)
 * @param problems  the latest reason a process died, taken from the end of its log (e.g. a full disk)
 * @param warnings  what may stop the pipeline soon (a nearly full disk)
 * @param ingestStart where the run began reading the ingest topic, per partition (its end offsets when the run
 *                    started, or 0 with {@code --from-beginning})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Endpoints(String pipeline, String spec, String bootstrapServers, boolean localBroker, String ingestUrl,
                        String evaluatorUrl, String dashboardUrl, String runId, Map<String, String> services,
                        List<String> ready, boolean allReady, int trainers, Map<String, Integer> restarts,
                        Map<String, String> problems, List<String> warnings, long supervisorPid, long updatedAt,
                        Map<Integer, Long> ingestStart) {

    /** What the supervisor's processes say now; {@code kafka} is the local broker. */
    static Endpoints of(String pipeline, Path spec, String bootstrapServers, boolean localBroker, String runId,
                        java.util.Collection<SupervisedProcess> processes, String lowDisk, int trainers,
                        Map<Integer, Long> ingestStart) {
        Map<String, String> services = new java.util.LinkedHashMap<>();
        Map<String, Integer> restarts = new java.util.LinkedHashMap<>();
        Map<String, String> problems = new java.util.LinkedHashMap<>();
        List<String> ready = new java.util.ArrayList<>();
        for (SupervisedProcess process : processes) {
            if (!process.name().equals("kafka")) {
                services.put(process.name(), "http://127.0.0.1:" + process.port());
            }
            restarts.put(process.name(), process.restarts());
            if (process.problem() != null) {
                problems.put(process.name(), process.problem());
            }
            if (process.ready()) {
                ready.add(process.name());
            }
        }
        List<String> warnings = new java.util.ArrayList<>();
        if (lowDisk != null) {
            warnings.add(lowDisk);
        }
        // A full disk is a warning while a process it stopped is not back; the problem stays as its last exit.
        problems.entrySet().stream().filter(p -> !ready.contains(p.getKey()) && FailureReason.diskFull(p.getValue()))
                .map(p -> p.getKey() + ": " + p.getValue()).findFirst().ifPresent(warnings::add);
        String evaluator = services.get("evaluator-service");
        return new Endpoints(pipeline, spec.toString(), bootstrapServers, localBroker, services.get("ingest-service"),
                evaluator, evaluator + "/dashboard", runId, services, ready, ready.size() == processes.size(),
                trainers, restarts, problems, warnings, ProcessHandle.current().pid(), System.currentTimeMillis(),
                ingestStart);
    }

    public void write(WorkDir workdir) throws IOException {
        WorkDir.writeAtomically(workdir.endpoints(),
                EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this) + System.lineSeparator());
    }

    /** The file's content, or null when there is none (or it cannot be read). */
    public static Endpoints read(WorkDir workdir) {
        Path file = workdir.endpoints();
        try {
            return Files.isRegularFile(file) ? EventCodec.mapper().readValue(file.toFile(), Endpoints.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The processes in words: each with its address, readiness, restarts and the latest reason it died. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("pipeline '" + pipeline + "' (run " + runId + ", supervisor pid " + supervisorPid + ") on Kafka "
                + bootstrapServers + (localBroker ? " (local)" : ""));
        restarts.forEach((name, count) -> lines.add(String.format(java.util.Locale.ROOT, "  %-20s %-26s %-9s"
                + " restarts %d%s", name, services.getOrDefault(name, bootstrapServers), ready.contains(name)
                ? "ready" : "NOT READY", count, problems.containsKey(name) ? ", last exit: " + problems.get(name)
                : "")));
        lines.add("  dashboard            " + dashboardUrl);
        warnings.forEach(w -> lines.add("  !!! " + w));
        return lines;
    }

    /** The trainer processes, in name order (trainer-service, trainer-service-2, ...). */
    public List<String> trainerNames() {
        return services.keySet().stream().filter(n -> LocalServices.serviceOf(n).equals("trainer-service")).toList();
    }
}
