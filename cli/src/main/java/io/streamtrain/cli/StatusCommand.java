package io.streamtrain.cli;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.ingest.RecentBadRecords;
import io.streamtrain.pipeline.spec.BadRecordBudget;
import io.streamtrain.support.kafka.ConsumerLag;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain status}: what runs in a deployment, from its topics and consumer groups only. In: the broker.
 * Out, per pipeline: each stage's consumer group (members, lag: messages not yet consumed on its input topic), each
 * trainer's latest progress (how long ago, epoch, step, loss, rate, lag), the dead letters among its last 10,000
 * records against the bad-record budget ({@code --max-bad-records}), the champion and the latest verdict; as a
 * table or, with {@code --json}, as JSON.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what runs: each stage's consumers and lag, the trainers' progress, the champion.",
        footer = {"", "Examples:",
                "  ./streamtrain status --kafka localhost:9092",
                "  ./streamtrain status --pipeline shuttle --json | jq '.pipelines[0].champion'",
                "  ./streamtrain status --workdir streamtrain-work/shuttle   # a pipeline kept running by up",
                "", "Members are the consumers in a stage's group (preprocess-service and a trainer without",
                "train.sync assign their partitions themselves and have none); a trainer runs while its last",
                "progress event is under 30 s old. Lag counts every pipeline's messages on a shared topic; '-'",
                "marks a group that never committed (a trainer without train.sync: see its own lag).",
                "", "Exit codes: 0 shown, 1 no pipeline found, 2 bad usage or Kafka refused the login."})
public final class StatusCommand implements Callable<Integer> {

    /** A trainer whose last progress event is older than this is taken as stopped. */
    static final Duration TRAINER_ALIVE = Duration.ofSeconds(30);
    private static final int RECENT_EVENTS = 2_000;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--pipeline", description = "Only this pipeline (default: every pipeline found).")
    String pipeline;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Option(names = "--workdir", description = "The work directory of a pipeline kept running by up: its broker "
            + "(unless --kafka is given), and its processes with their addresses, restarts and problems.")
    java.nio.file.Path workdir;

    /** A trainer's latest progress event and its age. */
    public record Trainer(String trainer, double secondsAgo, boolean running, int epoch, long step, double loss,
                          double samplesPerSecond, long lag) {
    }

    /** The status of one pipeline. */
    public record PipelineStatus(String pipeline, List<ConsumerLag.Stage> stages, List<Trainer> trainers, ModelEvent champion,
                                 EvaluationEvent lastEvaluation, RecentBad recentBad) {
    }

    /** Dead letters among the pipeline's last records (at most 10,000) against the bad-record budget. */
    public record RecentBad(long records, long bad, double share, String budget, boolean overBudget) {
    }

    /** One record's outcome as its topic tells it, for the running budget. */
    private record Outcome(long at, String id, boolean bad) {
    }

    @Option(names = "--max-bad-records", defaultValue = "10%", description = "The bad-record budget the last 10,000"
            + " records are checked against: a count such as 500 or a share such as 2%% (default ${DEFAULT-VALUE}).")
    String maxBadRecords;

    @Override
    public Integer call() {
        try {
            io.streamtrain.cli.local.Endpoints local = null;
            if (workdir != null) {
                local = io.streamtrain.cli.local.Endpoints.read(new io.streamtrain.cli.local.WorkDir(workdir));
                if (local == null) {
                    throw new CliException(ExitCodes.FAILED, "nothing runs in " + workdir + " (no endpoints.json)");
                }
                kafka.kafka = kafka.kafka != null ? kafka.kafka : local.bootstrapServers();
                if (!json) {
                    local.describe().forEach(System.out::println);
                }
            }
            KafkaSettings settings = kafka.settings();
            BadRecordBudget budget;
            try {
                budget = BadRecordBudget.parse(maxBadRecords);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--max-bad-records: " + e.getMessage());
            }
            Map<String, String> runs = local == null ? Map.of() : Map.of(local.pipeline(), local.runId());
            List<PipelineStatus> statuses = status(settings, pipeline, budget, runs);
            if (json) {
                Map<String, Object> shown = new LinkedHashMap<>(Map.of("pipelines", statuses));
                if (local != null) {
                    shown.put("local", local);
                }
                System.out.println(EventCodec.toJson(shown));
            } else {
                statuses.forEach(s -> System.out.print(table(s)));
                if (statuses.isEmpty()) {
                    System.out.println("no pipeline found on " + settings.bootstrapServers());
                }
            }
            return statuses.isEmpty() && local == null ? ExitCodes.FAILED : ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain status: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            System.err.println("streamtrain status: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    static List<PipelineStatus> status(KafkaSettings settings, String only) throws Exception {
        return status(settings, only, BadRecordBudget.DEFAULT, Map.of());
    }

    /** {@code runs}: the run of a pipeline when it is known (kept running by up), whose groups its stages are. */
    static List<PipelineStatus> status(KafkaSettings settings, String only, BadRecordBudget budget,
                                       Map<String, String> runs) throws Exception {
        Map<String, List<Outcome>> outcomes = new HashMap<>();
        Map<String, ModelEvent> champions = new HashMap<>();
        Map<String, EvaluationEvent> evaluations = new HashMap<>();
        Map<String, Map<String, ProgressEvent>> progress = new HashMap<>();
        TreeSet<String> pipelines = new TreeSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.consumer("streamtrain-cli-status",
                null))) {
            readRecent(consumer, Topics.MODELS, Long.MAX_VALUE, record -> {
                ModelEvent model = EventCodec.fromBytes(record.value(), ModelEvent.class);
                champions.put(model.pipeline(), model);
            });
            readRecent(consumer, Topics.EVALUATIONS, RECENT_EVENTS, record -> {
                EvaluationEvent evaluation = EventCodec.fromBytes(record.value(), EvaluationEvent.class);
                evaluations.put(evaluation.pipeline(), evaluation);
            });
            readRecent(consumer, Topics.PROGRESS, RECENT_EVENTS, record -> {
                ProgressEvent event = EventCodec.fromBytes(record.value(), ProgressEvent.class);
                progress.computeIfAbsent(event.pipeline(), p -> new TreeMap<>())
                        .put(event.trainer() == null ? "trainer" : event.trainer(), event);
            });
            readRecent(consumer, Topics.RECORDS, RecentBadRecords.DEFAULT_SIZE, record -> outcomes
                    .computeIfAbsent(Messages.pipelineOf(record), p -> new ArrayList<>())
                    .add(new Outcome(record.timestamp(), record.key(), false)));
            readRecent(consumer, Topics.REJECTED, RecentBadRecords.DEFAULT_SIZE, record -> {
                RejectedRecord dead = EventCodec.fromBytes(record.value(), RejectedRecord.class);
                outcomes.computeIfAbsent(dead.pipeline(), p -> new ArrayList<>())
                        .add(new Outcome(record.timestamp(), dead.id(), true));
            });
        }
        pipelines.addAll(champions.keySet());
        pipelines.addAll(evaluations.keySet());
        pipelines.addAll(progress.keySet());
        outcomes.keySet().stream().filter(java.util.Objects::nonNull).forEach(pipelines::add);
        if (only != null) {
            pipelines.retainAll(List.of(only));
        }
        List<PipelineStatus> statuses = new ArrayList<>();
        try (Admin admin = Admin.create(settings.admin("streamtrain-cli-status"))) {
            for (String name : pipelines) {
                // Under up, the stages' groups are those of its run.
                List<ConsumerLag.Stage> stages = ConsumerLag.ofPipeline(admin, new PipelineRun(name,
                        runs.get(name)));
                List<Trainer> trainers = new ArrayList<>();
                long now = System.currentTimeMillis();
                progress.getOrDefault(name, Map.of()).forEach((trainer, event) -> {
                    double ago = Math.max(0, now - event.createdAt()) / 1000.0;
                    trainers.add(new Trainer(trainer, ago, ago < TRAINER_ALIVE.toSeconds(), event.epoch(),
                            event.step(), event.loss(), event.samplesPerSecond(), event.lag()));
                });
                statuses.add(new PipelineStatus(name, stages, trainers, champions.get(name), evaluations.get(name),
                        recentBad(outcomes.getOrDefault(name, List.of()), budget)));
            }
        }
        return statuses;
    }

    /** The running budget from the last records' outcomes, in the order the broker stored them. */
    private static RecentBad recentBad(List<Outcome> outcomes, BadRecordBudget budget) {
        RecentBadRecords recent = new RecentBadRecords();
        outcomes.stream().sorted(java.util.Comparator.comparingLong(Outcome::at)).forEach(o -> {
            if (o.bad()) {
                recent.rejected(o.id());
            } else {
                recent.accepted(o.id());
            }
        });
        return new RecentBad(recent.records(), recent.bad(), recent.share(), budget.describe(), recent.over(budget));
    }

    /** Reads the last {@code count} messages of each partition of a topic (all of them for MAX_VALUE). */
    private static void readRecent(KafkaConsumer<String, byte[]> consumer, String topic, long count,
                                   Consumer<ConsumerRecord<String, byte[]>> handler) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        for (TopicPartition partition : partitions) {
            consumer.seek(partition, Math.max(starts.get(partition), ends.get(partition) - Math.min(count,
                    ends.get(partition))));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() != null && !Messages.isEndOfData(record)) {
                    handler.accept(record);
                }
            }
        }
    }

    static String table(PipelineStatus status) {
        StringBuilder out = new StringBuilder();
        out.append("pipeline ").append(status.pipeline()).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "  %-20s %8s %12s  %s%n", "stage", "members", "lag",
                "consumer group / input topic"));
        for (ConsumerLag.Stage stage : status.stages()) {
            out.append(String.format(Locale.ROOT, "  %-20s %8d %12s  %s / %s%n", stage.service(), stage.members(),
                    stage.lag() == null ? "-" : String.format(Locale.ROOT, "%,d", stage.lag()), stage.group(),
                    stage.topic()));
        }
        for (Trainer trainer : status.trainers()) {
            out.append(String.format(Locale.ROOT, "  trainer %-24s %s, last progress %.0f s ago: epoch %d, step %,d,"
                    + " loss %.4f, %,.0f samples/s, lag %,d%n", trainer.trainer(),
                    trainer.running() ? "running" : "stopped", trainer.secondsAgo(), trainer.epoch(), trainer.step(),
                    trainer.loss(), trainer.samplesPerSecond(), trainer.lag()));
        }
        RecentBad recent = status.recentBad();
        if (recent != null && recent.records() > 0) {
            out.append(String.format(Locale.ROOT, "  bad records: %,d of the last %,d (%.1f%%), %s the budget of %s%n",
                    recent.bad(), recent.records(), 100 * recent.share(), recent.overBudget() ? "OVER" : "within",
                    recent.budget()));
        }
        ModelEvent champion = status.champion();
        out.append(champion == null ? "  champion: none yet" : String.format(Locale.ROOT,
                "  champion: %s (epoch %d, step %,d, by %s) %s", champion.checkpointId(), champion.epoch(),
                champion.step(), champion.promotedBy(), metrics(champion.metrics()))).append(System.lineSeparator());
        if (status.lastEvaluation() != null) {
            out.append("  last evaluation: ").append(WatchCommand.line(status.lastEvaluation()).substring(9))
                    .append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String metrics(Map<String, Double> metrics) {
        Map<String, String> shown = new LinkedHashMap<>();
        new TreeMap<>(metrics == null ? Map.of() : metrics).forEach((k, v) -> shown.put(k,
                String.format(Locale.ROOT, "%.4f", v)));
        return shown.toString();
    }
}
