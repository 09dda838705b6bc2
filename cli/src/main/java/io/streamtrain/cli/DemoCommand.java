package io.streamtrain.cli;

import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalSecurity;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.run.BadRecordCheck;
import io.streamtrain.cli.run.ChampionSample;
import io.streamtrain.cli.run.DatasetPublisher;
import io.streamtrain.cli.run.HttpUploader;
import io.streamtrain.cli.run.PipelineMonitor;
import io.streamtrain.cli.run.ProgressLine;
import io.streamtrain.cli.run.ReportBuilder;
import io.streamtrain.cli.run.RunPlots;
import io.streamtrain.cli.run.RunReport;
import io.streamtrain.cli.run.SummaryPrinter;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.model.ModelArtifact;
import io.streamtrain.pipeline.spec.BadRecordBudget;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.PrivacyMode;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSecurity;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.RunStart;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.security.BearerTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain demo}: runs a whole pipeline locally. Starts a Kafka broker (unless one is given), the four
 * services as separate processes, publishes the data file to the ingest topic, shows progress, waits for the
 * evaluation of the final checkpoint, prints a summary, writes the report, and stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline locally on a data file and report the result.",
        footer = {"", "Examples:",
                "  ./streamtrain demo                                   # the bundled dataset",
                "  ./streamtrain demo --spec my.yaml --data my.csv --report report.json",
                "  ./streamtrain demo --kafka localhost:9092            # use a running broker",
                "  ./streamtrain demo --secure                          # TLS and SCRAM, throwaway certificates",
                "  ./streamtrain demo --spec private.yaml --upload      # over HTTP: raw records never enter Kafka",
                "  ./streamtrain demo --spec synced.yaml --trainers 2   # two trainers, one model"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--spec", description = "Pipeline spec (YAML). Default: the bundled demo's.")
    Path spec;

    @Option(names = "--data", description = "Data file: CSV with a header, or NDJSON. Default: the bundled demo's.")
    Path data;

    @Option(names = "--workdir", description = "Directory for the broker's data, logs, pids and checkpoints. "
            + "Default: streamtrain-work/<pipeline>-<time>.")
    Path workdir;

    @Option(names = "--kafka", description = "Bootstrap servers of a running broker (HOST:PORT). Default: "
            + "$KAFKA_BOOTSTRAP_SERVERS, else a local broker is started. Its security settings come from "
            + "$KAFKA_SECURITY_PROTOCOL, $KAFKA_SASL_* and $KAFKA_SSL_*.")
    String kafka;

    @Option(names = "--secure", description = "Secure the local run: the broker takes SASL_SSL with SCRAM-SHA-512 "
            + "on TLS only (certificates and passwords made for this run under <workdir>/security), every service and "
            + "the CLI connect with it, and the HTTP write and predict endpoints need bearer tokens.")
    boolean secure;

    @Option(names = "--report", description = "Write the run report (JSON) to this file.")
    Path report;

    @Option(names = "--timeout", defaultValue = "PT20M", description = "Give up after this long (ISO-8601, "
            + "default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--train-partitions", description = "Partitions of the train batch topic when it is created "
            + "(default: as many as --trainers).")
    Integer trainPartitions;

    @Option(names = "--sign-key", description = "Sign the exported champion with this Ed25519 private key (PEM) or "
            + "HMAC secret (see ./streamtrain sign).")
    Path signKey;

    @Option(names = "--upload", description = "Upload the data over HTTP to ingest-service instead of publishing it "
            + "to the ingest topic: the raw records never enter Kafka (for data.private fields).")
    boolean upload;

    @Option(names = "--trainers", defaultValue = "1", description = "trainer-service processes (default "
            + "${DEFAULT-VALUE}); more than one needs train.sync in the spec: they average their parameters.")
    int trainers;

    @Option(names = "--max-bad-records", description = "Fail (exit 1, with counts by reason and examples) when more"
            + " records than this are dead-lettered: a count such as 500 or a share such as 2%%. Default: the spec's"
            + " data.maxBadRecords (10%%).")
    String maxBadRecords;

    private final PrintStream out = System.out;
    private boolean lowDiskShown;
    private ArtifactKeys.Signer signer;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (CliException e) {
            System.err.println("streamtrain demo: " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("streamtrain demo: interrupted");
            return ExitCodes.FAILED;
        } catch (Exception e) {
            System.err.println("streamtrain demo: " + e);
            return ExitCodes.FAILED;
        }
    }

    private int run() throws Exception {
        long started = System.nanoTime();
        Home home = Home.locate();
        Path specFile = spec != null ? spec : home.datasets().resolve("shuttle/pipeline.yaml");
        Path dataFile = data != null ? data : home.datasets().resolve("shuttle/shuttle.csv");
        PipelineSpec pipeline;
        try {
            pipeline = SpecLoader.load(specFile);
        } catch (SpecException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        BadRecordBudget budget = pipeline.data().maxBadRecords();
        if (maxBadRecords != null) {
            try {
                budget = BadRecordBudget.parse(maxBadRecords);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--max-bad-records: " + e.getMessage());
            }
        }
        if (trainers < 1) {
            throw new CliException(ExitCodes.USAGE, "--trainers must be at least 1");
        }
        if (trainers > 1 && pipeline.train().sync() == null) {
            throw new CliException(ExitCodes.USAGE, "--trainers " + trainers + " needs train.sync in the spec (e.g."
                    + " 'sync: {everySteps: 20}' under train:), so that the trainers average their parameters");
        }
        if (signKey != null) {
            try {
                signer = ArtifactKeys.signer(signKey);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "--sign-key: " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(dataFile) || !Files.isReadable(dataFile)) {
            throw new CliException(ExitCodes.USAGE, "cannot read the data file " + dataFile);
        }
        Path work = workdir != null ? workdir : Path.of("streamtrain-work", pipeline.pipeline() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        work = Files.createDirectories(work).toAbsolutePath();
        String bootstrap = kafka != null ? kafka : System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        boolean localBroker = bootstrap == null || bootstrap.isBlank();
        if (secure && !localBroker) {
            throw new CliException(ExitCodes.USAGE, "--secure secures the local broker; a running broker's security"
                    + " settings come from KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_*");
        }
        out.printf("StreamTrain demo: pipeline '%s', data %s, work directory %s%n", pipeline.pipeline(), dataFile, work);

        LocalBroker broker = null;
        LocalServices services = null;
        Thread cleanup = null;
        try {
            KafkaSettings settings;
            Map<String, String> serviceEnvironment;
            LocalSecurity security = secure ? LocalSecurity.create(work) : null;
            if (localBroker) {
                out.println("starting a local Kafka broker" + (secure ? " (TLS and SCRAM-SHA-512)" : "") + " ...");
                broker = LocalBroker.start(work, Duration.ofSeconds(90), security);
                bootstrap = broker.bootstrapServers();
                settings = security == null ? new KafkaSettings(bootstrap)
                        : new KafkaSettings(bootstrap, security.scramClient());
            } else {
                settings = KafkaSettings.fromEnvironment(bootstrap);
            }
            // The services inherit this process's environment; its Kafka security settings (also those given as
            // system properties, and the local broker's credentials) come on top, and with --secure HTTP security.
            serviceEnvironment = new java.util.TreeMap<>(KafkaSecurity.asEnvironment(settings.security()));
            if (pipeline.data().privateFields().containsValue(PrivacyMode.HASH)
                    && System.getenv("STREAMTRAIN_INGEST_PRIVATE_KEY") == null) {
                serviceEnvironment.put("STREAMTRAIN_INGEST_PRIVATE_KEY", LocalSecurity.randomSecret());
                out.println("data.private hashes fields: with a key made for this run (set"
                        + " STREAMTRAIN_INGEST_PRIVATE_KEY to keep pseudonyms the same across runs)");
            }
            if (security != null) {
                serviceEnvironment.putAll(security.serviceEnvironment());
                out.println("HTTP uploads, predictions and overrides need bearer tokens: ./streamtrain token --key "
                        + security.tokenKey() + " --roles ingest,predict,promote");
            }
            out.println("Kafka at " + bootstrap + " (" + KafkaSecurity.describe(settings.security()) + ")");
            try {
                KafkaAccessCheck.check(settings, Duration.ofSeconds(15));
            } catch (KafkaAccessCheck.Refused e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            TopicAdmin.ensureTopics(settings, trainPartitions != null ? trainPartitions : trainers);
            if (trainers > 1) {
                int partitions = TopicAdmin.ensureTrainPartitions(settings, trainers);
                out.printf("%d trainers share the %d partitions of %s%n", trainers, partitions, Topics.BATCHES_TRAIN);
            }
            // A fresh run: its services ignore what earlier runs of the pipeline left on the broker, and its ingest
            // starts at the ingest topic's end as of now, before this demo publishes its file.
            String runId = PipelineRun.newRunId();
            RunStart.commitIngestStart(settings, pipeline.pipeline(), runId, false);
            out.println("run " + runId);
            List<String> names = LocalServices.namesWithTrainers(trainers);
            out.println("starting " + String.join(", ", names) + " ...");
            services = LocalServices.start(home, names, specFile, bootstrap, work, Duration.ofSeconds(180),
                    LocalServices.DEFAULT_JVM_OPTIONS, LocalServices.withRunId(serviceEnvironment, runId));
            LocalBroker brokerRef = broker;
            LocalServices servicesRef = services;
            cleanup = new Thread(() -> stopAll(servicesRef, brokerRef));
            Runtime.getRuntime().addShutdownHook(cleanup);
            services.processes().forEach(p -> out.printf("  %-20s pid %d, log %s%n", p.name(), p.pid(), p.log()));
            out.println("dashboard: http://127.0.0.1:" + services.ports().get("evaluator-service") + "/dashboard");
            double startup = seconds(started);

            try (PipelineMonitor monitor = new PipelineMonitor(settings, pipeline.pipeline())) {
                monitor.start();
                long publishStart = System.nanoTime();
                long published;
                if (upload) {
                    URI ingest = URI.create("http://127.0.0.1:" + services.ports().get("ingest-service"));
                    published = HttpUploader.upload(ingest, pipeline.pipeline(), dataFile,
                            security == null ? null : security.token(BearerTokens.INGEST));
                } else {
                    DatasetPublisher publisher = new DatasetPublisher(settings, pipeline.pipeline())
                            .maxLinesPerRecord(pipeline.data().csvMaxLinesPerRecord());
                    monitor.countLines(publisher.lines());
                    published = publisher.publish(dataFile);
                }
                double publish = seconds(publishStart);
                out.printf("%s %d records %s in %.1f s%n", upload ? "uploaded" : "published", published,
                        upload ? "to ingest-service over HTTP" : "to the ingest topic", publish);
                failOverBudget(BadRecordCheck.afterIngest(budget, published, monitor, Duration.ofMinutes(2),
                        this::printEvaluation));
                waitForFinalEvaluation(monitor, services, broker, work, pipeline, publishStart, budget, published);
                CheckpointEvent champion = ReportBuilder.championCheckpoint(monitor);
                Path artifact = exportChampion(champion, specFile, work);
                RunReport result = ReportBuilder.build(pipeline.pipeline(), specFile.toString(), dataFile.toString(),
                        bootstrap, work.toString(), published, monitor, services.restarts(),
                        new RunReport.Timings(startup, publish, seconds(publishStart)), seconds(started),
                        artifact == null ? null : artifact.toString(),
                        ChampionSample.predictedVsActual(settings, pipeline, champion));
                SummaryPrinter.print(result, out);
                // The run's own report and plots stay in its work directory; --report writes a copy (with plots).
                java.util.Set<Path> reports = new java.util.LinkedHashSet<>(List.of(work.resolve("report.json")));
                if (report != null) {
                    reports.add(report.toAbsolutePath().normalize());
                }
                for (Path file : reports) {
                    Path parent = file.toAbsolutePath().getParent();
                    Files.createDirectories(parent);
                    Files.write(file, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
                    List<Path> plots = RunPlots.write(result, ReportCommand.plotsDir(file));
                    out.println("report written to " + file + ", plots to " + ReportCommand.plotsDir(file) + " ("
                            + plots.stream().map(p -> p.getFileName().toString()).toList() + ")");
                }
                // Preprocessing dead-letters records too (unknown classes, duplicates): the budget counts them all.
                failOverBudget(BadRecordCheck.check(budget, published, monitor));
            }
            return ExitCodes.OK;
        } finally {
            stopAll(services, broker);
            if (cleanup != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // Already shutting down.
                }
            }
        }
    }

    private static void failOverBudget(String overBudget) {
        if (overBudget != null) {
            throw new CliException(ExitCodes.FAILED, overBudget);
        }
    }

    /** Exports the champion as {@code <workdir>/models/<pipeline>-<checkpoint>.stmodel}; null when there is none. */
    private Path exportChampion(CheckpointEvent champion, Path specFile, Path work) throws IOException {
        if (champion == null) {
            return null;
        }
        Path target = work.resolve("models").resolve(champion.pipeline() + "-" + champion.checkpointId()
                + ".stmodel");
        ModelArtifact.export(Path.of(champion.path()), champion.sha256(), Files.readAllBytes(specFile), target,
                signer);
        out.println("champion exported to " + target + " (./streamtrain predict --model " + target
                + " --data FILE)");
        return target;
    }

    /**
     * Waits for the evaluation of the final checkpoint; fails as soon as the records dead-lettered since ingest saw
     * every record (preprocessing's too: unknown classes, duplicates) exceed the budget, which they then always will.
     */
    private void waitForFinalEvaluation(PipelineMonitor monitor, LocalServices services, LocalBroker broker,
                                        Path work, PipelineSpec pipeline, long since, BadRecordBudget budget,
                                        long published) throws java.io.IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // On a terminal the progress line redraws in place; in a log it is a plain line every few seconds and at
        // each new epoch.
        boolean terminal = System.console() != null;
        long every = Duration.ofMillis(terminal ? 500 : 5_000).toNanos();
        long nextLine = 0;
        int epochShown = 0;
        while (!monitor.finished()) {
            List<String> restarted = new java.util.ArrayList<>(services.restartDead());
            String brokerRestart = broker == null ? null : broker.restartIfDead(work);
            if (brokerRestart != null) {
                restarted.add(brokerRestart);
            }
            String lowDisk = lowDiskShown ? null : io.streamtrain.cli.local.FailureReason.lowDisk(work);
            if (lowDisk != null) {
                lowDiskShown = true;
                restarted.add("!!! " + lowDisk);
            }
            if (!restarted.isEmpty()) {
                clearLine(terminal);
                restarted.forEach(line -> out.println("  " + line));
            }
            if (System.nanoTime() > deadline) {
                clearLine(terminal);
                throw new CliException(ExitCodes.FAILED, "no evaluation of a final checkpoint within " + timeout
                        + "; the service logs are in the work directory");
            }
            monitor.poll(Duration.ofMillis(200), e -> {
                clearLine(terminal);
                printEvaluation(e);
            });
            if (monitor.ingested() >= published) {
                String overBudget = BadRecordCheck.check(budget, published, monitor);
                if (overBudget != null) {
                    clearLine(terminal);
                    failOverBudget(overBudget);
                }
            }
            int epoch = monitor.progress() == null ? 0 : monitor.progress().epoch();
            if (System.nanoTime() > nextLine || epoch != epochShown) {
                epochShown = epoch;
                String line = ProgressLine.render(monitor, pipeline.train().epochs(), pipeline.batch().size(),
                        seconds(since));
                if (terminal) {
                    out.print("\r\033[K" + line);
                    out.flush();
                } else {
                    out.println(line);
                }
                nextLine = System.nanoTime() + every;
            }
        }
        clearLine(terminal);
    }

    private void clearLine(boolean terminal) {
        if (terminal) {
            out.print("\r\033[K");
        }
    }

    private void printEvaluation(EvaluationEvent e) {
        String metric = e.value() == null ? "-" : String.format("%s %.4f", e.metric(), e.value());
        out.printf("  evaluation %s (epoch %d, step %d, %d rows): %s -> %s: %s%n", e.checkpointId(), e.epoch(),
                e.step(), e.validationRows(), metric, e.verdict(), e.reason());
    }

    private static void stopAll(LocalServices services, LocalBroker broker) {
        if (services != null) {
            services.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
