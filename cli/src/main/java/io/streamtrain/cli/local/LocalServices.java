package io.streamtrain.cli.local;

import io.streamtrain.cli.CliException;
import io.streamtrain.cli.ExitCodes;
import io.streamtrain.cli.Home;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four services as separate local processes, each started from its packaged Quarkus app with the pipeline
 * spec and the broker address, ready when its health endpoint says so. Closing stops them all. A run id reaches
 * every service as the environment variable {@link #RUN_ID_ENV} ({@link #withRunId}).
 */
public final class LocalServices implements AutoCloseable {

    /** The services in flow order. */
    public static final List<String> NAMES = List.of("ingest-service", "preprocess-service", "trainer-service",
            "evaluator-service");

    private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    /** The environment variable that gives a service its run id ({@code streamtrain.run-id}). */
    public static final String RUN_ID_ENV = "STREAMTRAIN_RUN_ID";

    /** {@code environment} with the run id every service of the run gets (null: no run id, as before runs). */
    public static Map<String, String> withRunId(Map<String, String> environment, String runId) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        if (runId != null) {
            env.put(RUN_ID_ENV, runId);
        }
        return env;
    }

    /** The JVM options of each service unless told otherwise. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx768m", "-XX:+UseSerialGC");

    public static LocalServices start(Home home, Path spec, String bootstrapServers, Path workdir, Duration timeout)
            throws IOException, InterruptedException {
        return start(home, NAMES, spec, bootstrapServers, workdir, timeout, DEFAULT_JVM_OPTIONS);
    }

    /**
     * The service a process name runs: {@code trainer-service-2} is a second trainer-service process (a group of
     * trainers), any other name is a service of {@link #NAMES}.
     */
    public static String serviceOf(String name) {
        return name.replaceFirst("-\\d+$", "");
    }

    /** The process names of the four services with {@code trainers} trainer-service processes. */
    public static List<String> namesWithTrainers(int trainers) {
        List<String> names = new ArrayList<>();
        for (String name : NAMES) {
            names.add(name);
            for (int i = 2; name.equals("trainer-service") && i <= trainers; i++) {
                names.add(name + "-" + i);
            }
        }
        return names;
    }

    /**
     * Starts the named services (of {@link #NAMES}, or further instances named as in {@link #serviceOf}) with the
     * given JVM options.
     */
    public static LocalServices start(Home home, List<String> names, Path spec, String bootstrapServers, Path workdir,
                                      Duration timeout, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(home, names, spec, bootstrapServers, workdir, timeout, jvmOptions, Map.of());
    }

    /**
     * The same, with further environment variables for every service (e.g. the Kafka security settings as
     * {@code KAFKA_*}, which stay out of the command line that other users of the machine can read).
     */
    public static LocalServices start(Home home, List<String> names, Path spec, String bootstrapServers, Path workdir,
                                      Duration timeout, List<String> jvmOptions, Map<String, String> environment)
            throws IOException, InterruptedException {
        for (String name : names) {
            if (!Files.isRegularFile(home.serviceJar(serviceOf(name)))) {
                throw new CliException(ExitCodes.USAGE, name + " is not built (" + home.serviceJar(serviceOf(name))
                        + " is missing); run: mvn -DskipTests package");
            }
        }
        LocalServices services = new LocalServices();
        try {
            for (String name : names) {
                int port = FreePorts.next();
                services.processes.put(name, startProcess(home, name, port, spec, bootstrapServers, workdir,
                        jvmOptions, environment));
                services.ports.put(name, port);
            }
            services.awaitReady(timeout);
            return services;
        } catch (IOException | InterruptedException | RuntimeException e) {
            services.close();
            throw e;
        }
    }

    /**
     * Starts one service process (a name as in {@link #serviceOf}) listening on {@code port}, with the work
     * directory's checkpoints; it does not wait for it to be ready ({@link #ready}). Its restarts keep the port.
     */
    public static ManagedProcess startProcess(Home home, String name, int port, Path spec, String bootstrapServers,
                                              Path workdir, List<String> jvmOptions, Map<String, String> environment)
            throws IOException {
        if (!Files.isRegularFile(home.serviceJar(serviceOf(name)))) {
            throw new CliException(ExitCodes.USAGE, name + " is not built (" + home.serviceJar(serviceOf(name))
                    + " is missing); run: mvn -DskipTests package");
        }
        Path checkpoints = Files.createDirectories(workdir.resolve("checkpoints"));
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(List.of(
                "-Dstreamtrain.spec=" + spec.toAbsolutePath(),
                "-Dkafka.bootstrap.servers=" + bootstrapServers,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dstreamtrain.checkpoint-dir=" + checkpoints.toAbsolutePath(),
                "-Dstreamtrain.instance-id=local-" + name,
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-jar", home.serviceJar(serviceOf(name)).toString()));
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("OMP_NUM_THREADS", "1");
        env.put("MALLOC_ARENA_MAX", "2");
        return ManagedProcess.start(name, ManagedProcess.java(args), env, workdir);
    }

    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public List<ManagedProcess> processes() {
        return List.copyOf(processes.values());
    }

    /** How often a service may die and be restarted before the run is given up. */
    public static final int MAX_RESTARTS = 5;

    private final Map<String, Integer> restarts = new LinkedHashMap<>();

    /**
     * Restarts every service that has died, as Kubernetes would, and returns what it did in words; fails with the
     * service's last log lines once one has died more than {@link #MAX_RESTARTS} times.
     */
    public List<String> restartDead() throws IOException {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, ManagedProcess> entry : processes.entrySet()) {
            ManagedProcess process = entry.getValue();
            if (process.alive()) {
                continue;
            }
            int count = restarts.merge(entry.getKey(), 1, Integer::sum);
            if (count > MAX_RESTARTS) {
                checkAlive();
            }
            entry.setValue(process.restart());
            done.add(entry.getKey() + " exited with code " + process.exitCode() + "; restarted (restart " + count + ")");
        }
        return done;
    }

    /** Restarts per service so far. */
    public Map<String, Integer> restarts() {
        Map<String, Integer> all = new LinkedHashMap<>();
        processes.keySet().forEach(name -> all.put(name, restarts.getOrDefault(name, 0)));
        return all;
    }

    /** Fails with the service's last log lines when one of them has exited. */
    public void checkAlive() {
        for (ManagedProcess process : processes.values()) {
            if (!process.alive()) {
                throw new CliException(ExitCodes.FAILED, process.name() + " exited with code " + process.exitCode()
                        + "; the end of its log (" + process.log() + "):" + System.lineSeparator()
                        + process.logTail(25));
            }
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, ManagedProcess> entry : processes.entrySet()) {
            while (!ready(http, ports.get(entry.getKey()))) {
                checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.FAILED, entry.getKey() + " did not become ready within "
                            + timeout.toSeconds() + " s; see " + entry.getValue().log());
                }
                Thread.sleep(250);
            }
        }
    }

    /** True when the service on {@code port} answers its readiness check with 200. */
    public static boolean ready(HttpClient http, int port) throws InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        List<ManagedProcess> reversed = new ArrayList<>(processes.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(ManagedProcess::requestStop);
        reversed.forEach(ManagedProcess::close);
    }
}
