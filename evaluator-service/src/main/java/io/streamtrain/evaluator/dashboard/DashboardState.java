package io.streamtrain.evaluator.dashboard;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.pipeline.ingest.RecentBadRecords;
import io.streamtrain.pipeline.spec.BadRecordBudget;
import io.streamtrain.support.kafka.ConsumerLag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows of one pipeline, built from its events in topic order (so a restart that reads the
 * topics again ends at the same state). In: records accepted, dead letters, progress events, evaluations, champions
 * (each with the time the broker stored it) and the latest consumer lag per stage. Out: a {@link Snapshot}: counts
 * and their curves over time, each trainer's loss over steps and rate over time, every metric over steps with
 * the promotions marked, the latest verdicts, the champion with its confusion matrix or residuals, and the running
 * bad-record budget (dead letters among the last 10,000 records against {@code data.maxBadRecords}). Curves keep
 * at most {@value #MAX_POINTS} points, thinned evenly. Thread-safe.
 */
public final class DashboardState {

    static final int MAX_POINTS = 1_000;
    static final int LATEST_VERDICTS = 10;

    private final String pipeline;
    private final BadRecordBudget budget;
    private final RecentBadRecords recent = new RecentBadRecords();
    private long accepted;
    private long rejected;
    private long rejectedByPreprocess;
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final Curve records = new Curve();
    private final Map<String, Curve> trainerLoss = new TreeMap<>();
    private final Map<String, Curve> trainerRate = new TreeMap<>();
    private final Map<String, ProgressEvent> trainerLast = new TreeMap<>();
    private final Map<String, Curve> metrics = new TreeMap<>();
    private final Deque<RecentVerdict> latest = new ArrayDeque<>();
    private final Map<String, EvaluationEvent> promotions = new LinkedHashMap<>();
    private long evaluations;
    private ModelEvent champion;
    private List<ConsumerLag.Stage> lag = List.of();
    private long lastChange;

    public DashboardState(String pipeline, BadRecordBudget budget) {
        this.pipeline = pipeline;
        this.budget = budget;
    }

    public DashboardState(String pipeline) {
        this(pipeline, BadRecordBudget.DEFAULT);
    }

    /** Points of a curve: {x, y...}; beyond the cap every other point is dropped (the last one is kept). */
    static final class Curve {
        private final List<double[]> points = new ArrayList<>();

        void add(double... point) {
            points.add(point);
            if (points.size() > MAX_POINTS) {
                for (int i = points.size() - 2; i > 0; i -= 2) {
                    points.remove(i);
                }
            }
        }

        /** Replaces the last point when it has the same x (several events in one second). */
        void set(double... point) {
            if (!points.isEmpty() && points.get(points.size() - 1)[0] == point[0]) {
                points.set(points.size() - 1, point);
            } else {
                add(point);
            }
        }

        List<double[]> points() {
            return List.copyOf(points);
        }
    }

    /** One verdict as the dashboard lists it. */
    public record RecentVerdict(String checkpointId, int epoch, long step, String verdict, String metric, Double value,
                          String reason, long evaluatedAt) {
    }

    /** A trainer's latest progress and its curves: loss over steps, samples per second over time (ms). */
    public record Trainer(ProgressEvent last, List<double[]> loss, List<double[]> samplesPerSecond) {
    }

    /** The champion with the pictures of its promotion: confusion matrix (classification) or residuals. */
    public record Champion(ModelEvent model, List<String> classes, long[][] confusionMatrix,
                           io.streamtrain.contracts.ResidualSummary residuals) {
    }

    /**
     * Everything the page draws: records in (accepted by ingest plus dead letters), accepted (that reached a
     * batch) and rejected, with their curve {time ms, in, accepted, rejected}; dead letters by reason; lag per
     * stage; trainers; for each metric its curve {step, value, 1 when promoted}; the latest verdicts (newest first);
     * the champion.
     */
    public record Snapshot(String pipeline, long updatedAt, long recordsIn, long accepted, long rejected,
                           Map<String, Long> rejectedByReason, List<double[]> records, List<ConsumerLag.Stage> lag,
                           Map<String, Trainer> trainers, long evaluations, Map<String, List<double[]>> metrics,
                           List<RecentVerdict> latestVerdicts, Champion champion, RecentBad recentBad) {
    }

    /** Dead letters among the last records (at most 10,000), their share, the budget and whether it is exceeded. */
    public record RecentBad(long records, long bad, double share, String budget, boolean overBudget) {
    }

    /** A record with this id reached the records topic. */
    public synchronized void accepted(String id, long at) {
        accepted++;
        if (id != null) {
            recent.accepted(id);
        }
        recordsChanged(at);
    }

    public synchronized void accepted(long at) {
        accepted(null, at);
    }

    /** The running budget now (also read by the metrics). */
    public RecentBad recentBad() {
        return new RecentBad(recent.records(), recent.bad(), recent.share(), budget.describe(), recent.over(budget));
    }

    public synchronized void rejected(RejectedRecord dead, long at) {
        rejected++;
        if (dead.id() != null) {
            recent.rejected(dead.id());
        }
        if ("preprocess".equals(dead.stage())) {
            rejectedByPreprocess++;
        }
        rejectedByReason.merge(dead.reason().name(), 1L, Long::sum);
        recordsChanged(at);
    }

    private void recordsChanged(long at) {
        long second = at / 1000 * 1000;
        records.set(second, recordsIn(), accepted - rejectedByPreprocess, rejected);
        lastChange = Math.max(lastChange, at);
    }

    private long recordsIn() {
        return accepted + rejected - rejectedByPreprocess;
    }

    public synchronized void progress(ProgressEvent event) {
        String trainer = event.trainer() == null ? "trainer" : event.trainer();
        trainerLast.put(trainer, event);
        if (Double.isFinite(event.loss())) {
            trainerLoss.computeIfAbsent(trainer, t -> new Curve()).add(event.step(), event.loss());
        }
        trainerRate.computeIfAbsent(trainer, t -> new Curve()).add(event.createdAt(), event.samplesPerSecond());
        lastChange = Math.max(lastChange, event.createdAt());
    }

    public synchronized void evaluation(EvaluationEvent event) {
        evaluations++;
        boolean promoted = event.verdict() == io.streamtrain.contracts.Verdict.PROMOTED;
        if (event.metrics() != null) {
            event.metrics().forEach((name, value) -> {
                if (value != null && Double.isFinite(value)) {
                    metrics.computeIfAbsent(name, m -> new Curve()).add(event.step(), value, promoted ? 1 : 0);
                }
            });
        }
        latest.addFirst(new RecentVerdict(event.checkpointId(), event.epoch(), event.step(), event.verdict().name(),
                event.metric(), event.value(), event.reason(), event.evaluatedAt()));
        while (latest.size() > LATEST_VERDICTS) {
            latest.removeLast();
        }
        if (promoted) {
            promotions.put(event.checkpointId(), event);
        }
        lastChange = Math.max(lastChange, event.evaluatedAt());
    }

    public synchronized void champion(ModelEvent model) {
        champion = model;
        lastChange = Math.max(lastChange, model.promotedAt());
    }

    public synchronized void lag(List<ConsumerLag.Stage> stages) {
        lag = List.copyOf(stages);
    }

    public synchronized Snapshot snapshot() {
        Map<String, Trainer> trainers = new TreeMap<>();
        trainerLast.forEach((name, last) -> trainers.put(name, new Trainer(last,
                trainerLoss.containsKey(name) ? trainerLoss.get(name).points() : List.of(),
                trainerRate.get(name).points())));
        Map<String, List<double[]>> curves = new TreeMap<>();
        metrics.forEach((name, curve) -> curves.put(name, curve.points()));
        Champion best = null;
        if (champion != null) {
            EvaluationEvent promotion = promotions.get(champion.checkpointId());
            best = new Champion(champion, promotion == null ? null : promotion.classes(),
                    promotion == null ? null : promotion.confusionMatrix(),
                    promotion == null ? null : promotion.residuals());
        }
        return new Snapshot(pipeline, lastChange, recordsIn(), accepted - rejectedByPreprocess, rejected,
                new TreeMap<>(rejectedByReason), records.points(), lag, trainers, evaluations, curves,
                List.copyOf(latest), best, recentBad());
    }
}
