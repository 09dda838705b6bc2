package io.streamtrain.cli.local;

import io.streamtrain.cli.CliException;
import io.streamtrain.cli.ExitCodes;
import io.streamtrain.cli.Home;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.RunStart;
import io.streamtrain.support.kafka.TopicAdmin;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps a pipeline running locally, as a deployment would. In: the work directory, the spec, a broker to use (or
 * none: it starts a local one), the number of trainers wanted ({@code desired.json}). Out: the broker (when local)
 * and the four services as processes, restarted when they die ({@link SupervisedProcess}), trainers added or
 * removed to match {@code desired.json}, {@code endpoints.json} kept current, and what happens in words to
 * {@code say}; everything stopped on {@link #requestStop()}.
 */
public final class Supervisor {

    /** The train batch topic's partitions when up creates it: up to that many trainers can share it. */
    public static final int TRAIN_PARTITIONS = 4;

    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration DISK_CHECK = Duration.ofSeconds(10);
    private static final Duration DISK_REPEAT = Duration.ofMinutes(1);
    private static final Duration REWRITE = Duration.ofSeconds(10);

    private final Home home;
    private final WorkDir workdir;
    private final Path spec;
    private final PipelineSpec pipeline;
    private final String kafka;
    private final Consumer<String> say;
    private final Map<String, SupervisedProcess> children = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private KafkaSettings settings;
    private Map<String, String> environment;
    private String runId;
    private final Map<Integer, Long> ingestStart = new java.util.concurrent.ConcurrentHashMap<>();
    private String lowDisk;
    private long diskCheckedAt;
    private long diskWarnedAt;
    /** The last write of endpoints.json failed (a full disk): said once, tried again at every change. */
    private boolean writeFailed;
    private long writtenAt;
    private Endpoints endpoints;
    private int trainers;
    /** A number of trainers asked for that the spec does not allow: not said again until it changes. */
    private int refused;

    /** {@code kafka}: bootstrap servers of a running broker, or null to start a local one in the work directory. */
    public Supervisor(Home home, WorkDir workdir, Path spec, PipelineSpec pipeline, String kafka,
                      Consumer<String> say) {
        this.home = home;
        this.workdir = workdir;
        this.spec = spec.toAbsolutePath();
        this.pipeline = pipeline;
        this.kafka = kafka;
        this.say = say;
    }

    /** Starts the broker (when local), creates the missing topics, starts the services; does not wait for them. */
    public void start() throws IOException, InterruptedException {
        runId = workdir.runId();
        new PidFiles(workdir).write("supervisor", ProcessHandle.current().pid());
        checkDisk(System.currentTimeMillis());
        String bootstrap = kafka;
        if (kafka == null) {
            say.accept("starting a local Kafka broker in " + workdir.root().resolve("kafka") + " ...");
            LocalBroker broker = LocalBroker.start(workdir.root(), Duration.ofSeconds(90));
            bootstrap = broker.bootstrapServers();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            adopt(new SupervisedProcess("kafka", port, broker.process(), () -> SupervisedProcess.listening(port),
                    this::diskFree, now()));
            settings = new KafkaSettings(bootstrap);
        } else {
            settings = KafkaSettings.fromEnvironment(bootstrap);
        }
        try {
            KafkaAccessCheck.check(settings, Duration.ofSeconds(15));
        } catch (KafkaAccessCheck.Refused e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        say.accept("Kafka at " + bootstrap);
        trainers = workdir.desiredTrainers(1);
        if (trainers < 1 || (trainers > 1 && pipeline.train().sync() == null)) {
            throw new CliException(ExitCodes.USAGE, trainers + " trainers in " + workdir.desired() + ": more than"
                    + " one needs train.sync in the spec");
        }
        // Created with room for a group: a group's partitions cannot grow while it trains (its members count them
        // at start, and a producer learns of new ones only minutes later), so scale stays within them.
        TopicAdmin.ensureTopics(settings, Math.max(trainers, TRAIN_PARTITIONS));
        if (trainers > 1) {
            TopicAdmin.ensureTrainPartitions(settings, trainers);
        }
        // A run reads the ingest topic from where it stood when the run began (kept across down and up).
        RunStart.commitIngestStart(settings, pipeline.pipeline(), runId, workdir.runStartsFromBeginning())
                .forEach((partition, offset) -> ingestStart.put(partition.partition(), offset));
        say.accept("run " + runId + " reads " + Topics.INGEST + " from " + ingestStart);
        environment = LocalServices.withRunId(ServiceEnvironment.of(settings, pipeline, workdir), runId);
        for (String name : LocalServices.namesWithTrainers(trainers)) {
            startService(name);
        }
        writeEndpoints();
    }

    /** Supervises until {@link #requestStop()}, calling {@code tick} after every round; then stops everything. */
    public void runUntilStopped(Runnable tick) throws InterruptedException {
        try {
            while (!stopping) {
                try {
                    step();
                    tick.run();
                } catch (RuntimeException e) {
                    // A broker that is down, a port taken: said, and tried again next round; never given up.
                    say.accept("!!! " + (e.getMessage() != null ? e.getMessage() : e.toString()) + "; trying again");
                }
                TimeUnit.MILLISECONDS.sleep(TICK.toMillis());
            }
        } finally {
            stopAll();
            stopped.countDown();
        }
    }

    /** Asks the loop to stop everything and return; for a shutdown hook (SIGTERM, Ctrl-C). */
    public void requestStop() {
        stopping = true;
    }

    /** Waits until everything this supervisor started has stopped. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What endpoints.json says now. */
    public Endpoints endpoints() {
        return endpoints;
    }

    private void step() throws InterruptedException {
        long now = now();
        boolean changed = false;
        for (SupervisedProcess child : List.copyOf(children.values())) {
            if (stopping) {
                return;
            }
            List<String> events = child.check(now);
            events.forEach(say);
            changed |= !events.isEmpty();
        }
        int desired = workdir.desiredTrainers(trainers);
        if (desired != trainers && desired != refused && !stopping) {
            changed |= scaleTrainersTo(desired);
        }
        changed |= checkDisk(now);
        if (changed || now - writtenAt >= REWRITE.toMillis()) {
            writeEndpoints();
        }
    }

    /** Starts or stops trainer processes so that {@code trainers} run; false when the spec does not allow it. */
    private boolean scaleTrainersTo(int wantedTrainers) {
        if (wantedTrainers < 1 || (wantedTrainers > 1 && pipeline.train().sync() == null)) {
            say.accept("ignoring " + wantedTrainers + " trainers in " + workdir.desired() + ": more than one needs "
                    + "train.sync in the spec");
            refused = wantedTrainers;
            return false;
        }
        say.accept("scaling from " + trainers + " to " + wantedTrainers + " trainers");
        List<String> wanted = LocalServices.namesWithTrainers(wantedTrainers).stream()
                .filter(n -> LocalServices.serviceOf(n).equals("trainer-service")).toList();
        List<String> running = children.keySet().stream()
                .filter(n -> LocalServices.serviceOf(n).equals("trainer-service")).toList();
        int partitions = TopicAdmin.trainPartitionCount(settings);
        if (wantedTrainers > partitions) {
            say.accept("ignoring " + wantedTrainers + " trainers in " + workdir.desired() + ": the train batch topic"
                    + " has " + partitions + " partitions");
            refused = wantedTrainers;
            return false;
        }
        List<SupervisedProcess> extra = new ArrayList<>();
        running.stream().filter(n -> !wanted.contains(n)).forEach(n -> extra.add(children.remove(n)));
        extra.forEach(SupervisedProcess::requestStop);
        extra.forEach(p -> {
            p.close();
            say.accept(p.name() + " stopped (scaled to " + wantedTrainers + " trainers)");
        });
        for (String name : wanted) {
            if (!running.contains(name)) {
                startService(name);
            }
        }
        trainers = wantedTrainers;
        refused = 0;
        return true;
    }

    private void startService(String name) {
        int port = FreePorts.next();
        try {
            ManagedProcess process = LocalServices.startProcess(home, name, port, spec, settings.bootstrapServers(),
                    workdir.root(), LocalServices.DEFAULT_JVM_OPTIONS, environment);
            adopt(new SupervisedProcess(name, port, process, () -> LocalServices.ready(http, port), this::diskFree,
                    now()));
            say.accept("started " + name + " (pid " + process.pid() + ", http://127.0.0.1:" + port + ", log "
                    + process.log() + ")");
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private void adopt(SupervisedProcess child) {
        children.put(child.name(), child);
    }

    private boolean checkDisk(long now) {
        if (now - diskCheckedAt < DISK_CHECK.toMillis()) {
            return false;
        }
        diskCheckedAt = now;
        String warning = FailureReason.lowDisk(workdir.root());
        boolean changed = !java.util.Objects.equals(warning, lowDisk);
        lowDisk = warning;
        if (warning != null && (changed || now - diskWarnedAt >= DISK_REPEAT.toMillis())) {
            say.accept("!!! " + warning);
            diskWarnedAt = now;
        }
        return changed;
    }

    private void writeEndpoints() {
        endpoints = Endpoints.of(pipeline.pipeline(), spec, settings.bootstrapServers(), kafka == null, runId,
                children.values(), lowDisk, trainers, new java.util.TreeMap<>(ingestStart));
        boolean failedBefore = writeFailed;
        try {
            endpoints.write(workdir);
            writeFailed = false;
        } catch (IOException e) {
            writeFailed = true;
            if (!failedBefore) {
                say.accept("!!! cannot write " + workdir.endpoints() + ": " + e.getMessage());
            }
        }
        writtenAt = now();
    }

    private void stopAll() {
        List<SupervisedProcess> services = new ArrayList<>(children.values());
        java.util.Collections.reverse(services);
        SupervisedProcess broker = children.get("kafka");
        services.remove(broker);
        if (!children.isEmpty()) {
            say.accept("stopping " + String.join(", ", services.stream().map(SupervisedProcess::name).toList())
                    + (broker != null ? " and the local broker" : "") + " ...");
        }
        services.forEach(SupervisedProcess::requestStop);
        services.forEach(SupervisedProcess::close);
        if (broker != null) {
            broker.close();
        }
        try {
            Files.deleteIfExists(workdir.endpoints());
            Path pid = workdir.pids().resolve("supervisor.pid");
            if (Files.isRegularFile(pid) && Files.readString(pid).strip().equals(
                    Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(pid);
            }
        } catch (IOException e) {
            say.accept("cannot remove " + workdir.endpoints() + ": " + e.getMessage());
        }
        say.accept("stopped");
    }

    private long diskFree() {
        try {
            return Files.getFileStore(workdir.root()).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
