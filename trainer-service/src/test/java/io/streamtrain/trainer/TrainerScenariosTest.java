package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.LineageFiles;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One suite of training scenarios, run against a trainer alone and against a group of one (the same loop with a
 * {@link GroupCoordinator}), on a real broker with two train partitions: non-finite batches under each policy,
 * time-based checkpoints on a slow stream, the lag of a backlog, early stopping, and a restart from a checkpoint.
 * (Two trainers cannot train in one JVM: {@code GroupTrainingTest} runs the group of two, as processes.)
 */
class TrainerScenariosTest {

    /** How the trainers of a scenario train. */
    enum Mode {
        ALONE(""), GROUP_OF_ONE("\n  sync: {everySteps: 4, timeoutSeconds: 5}");

        final String syncSection;

        Mode(String syncSection) {
            this.syncSection = syncSection;
        }
    }

    private static EmbeddedKafka broker;
    private static KafkaSettings kafka;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path checkpointDir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.startPrivate();
        kafka = new KafkaSettings(broker.bootstrapServers());
        TopicAdmin.ensureTopics(kafka, 2);
        producer = new KafkaProducer<>(kafka.producer("scenarios"));
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void nonFiniteBatchesAreSkippedAndCountedUnderSkip(Mode mode) throws Exception {
        String pipeline = "skip-" + mode.name().toLowerCase();
        List<Batch> batches = publishStatsAndBatches(pipeline, 10);
        publish(poisoned(pipeline), 0);
        endOfData(pipeline);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 2\n  onNonFinite: skip")) {
            CheckpointEvent last = awaitFinal(pipeline);
            assertThat(last.stopReason()).contains("completed 2 epochs");
            assertThat(last.lineageCount()).isEqualTo(2L * batches.size());
            assertThat(trainer.counter("streamtrain.trainer.skipped.steps")).as("once per epoch").isEqualTo(2);
            assertThat(lineage(last)).doesNotContain("1 train-poisoned", "2 train-poisoned");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aNonFiniteStepUnderStopEndsTheRunWithTheLastFiniteParametersAndSaysWhy(Mode mode) throws Exception {
        String pipeline = "stop-" + mode.name().toLowerCase();
        List<Batch> batches = publishStatsAndBatches(pipeline, 6);
        publish(poisoned(pipeline), 0);
        SumSignBatches.batches(pipeline, "later", 4, 16, 5).forEach(batch -> publish(batch, 0));
        producer.flush();
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 5\n  onNonFinite: stop")) {
            CheckpointEvent last = awaitFinal(pipeline);
            assertThat(last.stopReason()).startsWith("non-finite step, batch train-poisoned after step 6")
                    .endsWith("(train.onNonFinite: stop)");
            assertThat(last.lineageCount()).isEqualTo(batches.size());
            assertThat(last.step()).isEqualTo(6);
            await().atMost(Duration.ofSeconds(30)).until(() -> trainer.phase() == ended(mode));
            if (mode == Mode.ALONE) {
                // The rest of the stopped segment is not trained; the next segment is, for its epochs.
                endOfData(pipeline);
                List<Batch> next = SumSignBatches.batches(pipeline, "next", 3, 16, 7);
                next.forEach(batch -> publish(batch, 1));
                endOfData(pipeline);
                CheckpointEvent segment2 = awaitFinals(pipeline, 2).get(1);
                assertThat(segment2.stopReason()).isEqualTo("completed 5 epochs of segment 2");
                assertThat(segment2.lineageCount()).isEqualTo(6 + 5 * 3);
                assertThat(lineage(segment2)).noneMatch(line -> line.contains("later"));
            }
        }
    }

    /**
     * A trainer trains each segment (the data up to an end-of-data marker) for its epochs, closes it with a final
     * checkpoint and waits for the next; restarted after that, it goes on with the next segment.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachSegmentIsTrainedForItsEpochsAndTrainingGoesOnAfterARestart(Mode mode) throws Exception {
        String pipeline = "segments-" + mode.name().toLowerCase();
        List<String> expected = new ArrayList<>();
        List<Batch> first = publishStatsAndBatches(pipeline, 6);
        endOfData(pipeline);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 2")) {
            CheckpointEvent one = awaitFinals(pipeline, 1).get(0);
            expected.addAll(twoEpochs(first));
            assertThat(lineage(one)).containsExactlyElementsOf(expected);
            await().atMost(Duration.ofSeconds(30)).until(() -> trainer.phase() == TrainerState.Phase.WAITING_FOR_DATA);
            List<Batch> second = SumSignBatches.batches(pipeline, "second", 4, 16, 21);
            second.forEach(batch -> publish(batch, 1));
            endOfData(pipeline);
            CheckpointEvent two = awaitFinals(pipeline, 2).get(1);
            expected.addAll(twoEpochs(second));
            assertThat(two.stopReason()).startsWith("completed 2 epochs of segment 2");
            assertThat(lineage(two)).containsExactlyElementsOf(expected);
        }
        List<Batch> third = SumSignBatches.batches(pipeline, "third", 3, 16, 22);
        third.forEach(batch -> publish(batch, 0));
        endOfData(pipeline);
        try (TrainerHarness restarted = trainer(pipeline, mode, "epochs: 2")) {
            CheckpointEvent three = awaitFinals(pipeline, 3).get(2);
            expected.addAll(twoEpochs(third));
            assertThat(lineage(three)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * A second trainer of a pipeline whose trainer trains alone refuses to start, naming train.sync: alone it would
     * train the same batches and write the same checkpoint ids; as a group member it would not be averaged with it.
     * The same trainer restarted under its own instance id is not refused.
     */
    @Test
    void aSecondTrainerOfAPipelineWithoutSyncRefusesToStart() throws Exception {
        String pipeline = "sole";
        publishStatsAndBatches(pipeline, 2);
        try (TrainerHarness first = trainer(pipeline, Mode.ALONE, "epochs: 1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.phase() == TrainerState.Phase.TRAINING);
            assertThatThrownBy(() -> new TrainerHarness(spec(pipeline, Mode.ALONE, "epochs: 1"), kafka, checkpointDir,
                    "another-trainer")).isInstanceOf(SoleTrainerClaim.Refused.class)
                    .hasMessageContaining("another trainer of pipeline 'sole' is running (trainer-sole at")
                    .hasMessageContaining("need train.sync in the spec");
            assertThatThrownBy(() -> new TrainerHarness(spec(pipeline, Mode.GROUP_OF_ONE, "epochs: 1"), kafka,
                    checkpointDir, "a-group-member")).isInstanceOf(SoleTrainerClaim.Refused.class)
                    .hasMessageContaining("it trains alone, without train.sync");
        }
        try (TrainerHarness restarted = trainer(pipeline, Mode.ALONE, "epochs: 1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> restarted.phase() == TrainerState.Phase.TRAINING);
        }
    }

    private static List<String> twoEpochs(List<Batch> batches) {
        List<String> lines = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (Batch batch : batches) {
                lines.add(epoch + " " + batch.batchId());
            }
        }
        return lines;
    }

    /** How a stopped run ends: a trainer alone waits for the next segment, a group is complete. */
    private static TrainerState.Phase ended(Mode mode) {
        return mode == Mode.ALONE ? TrainerState.Phase.WAITING_FOR_DATA : TrainerState.Phase.COMPLETE;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSlowStreamIsCheckpointedByTimeAndNotOnlyByStepCount(Mode mode) throws Exception {
        String pipeline = "slow-" + mode.name().toLowerCase();
        publishStatsAndBatches(pipeline, 3);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 1\n  checkpointEverySeconds: 1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints(pipeline).stream()
                    .anyMatch(c -> c.step() == 3));
            SumSignBatches.batches(pipeline, "later", 2, 16, 6).forEach(batch -> publish(batch, 0));
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints(pipeline).stream()
                    .anyMatch(c -> c.step() == 5));
            assertThat(checkpoints(pipeline)).noneMatch(CheckpointEvent::finalCheckpoint);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theLagOfABacklogIsReportedAndFallsAsItIsTrained(Mode mode) throws Exception {
        String pipeline = "lag-" + mode.name().toLowerCase();
        int backlog = 1_500;
        publishStatsAndBatches(pipeline, backlog);
        endOfData(pipeline);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 1\n  checkpointEvery: 500")) {
            awaitFinal(pipeline);
            List<Long> lags = new TopicReader(kafka).events(Topics.PROGRESS, pipeline, ProgressEvent.class).stream()
                    .map(ProgressEvent::lag).toList();
            System.out.printf("scenario lag (%s): progress events reported lags %s%n", mode, lags);
            // Other scenarios' pipelines share the topic: their batches are part of what waits to be read.
            assertThat(lags).isNotEmpty().allSatisfy(lag -> assertThat(lag).isNotNegative());
            assertThat(lags.get(0)).as("a backlog waits when training starts").isGreaterThan(backlog / 2);
            assertThat(lags.get(lags.size() - 1)).isLessThan(lags.get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void earlyStoppingEndsTheRunWithAFinalCheckpointThatSaysWhy(Mode mode) throws Exception {
        String pipeline = "patience-" + mode.name().toLowerCase();
        publishStatsAndBatches(pipeline, 30);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 1000\n  patience: 2")) {
            String evaluated = evaluateWithoutImprovement(pipeline);
            CheckpointEvent last = awaitFinal(pipeline);
            assertThat(last.stopReason()).isEqualTo("early stop: accuracy did not improve for 2 evaluations (best"
                    + " 0.500000 at " + evaluated + ")");
            await().atMost(Duration.ofSeconds(30)).until(() -> trainer.phase() == ended(mode));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRestartedTrainerContinuesFromItsNewestCheckpointAndTrainsEachBatchOnce(Mode mode) throws Exception {
        String pipeline = "restart-" + mode.name().toLowerCase();
        List<Batch> first = publishStatsAndBatches(pipeline, 10);
        try (TrainerHarness trainer = trainer(pipeline, mode, "epochs: 1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints(pipeline).stream()
                    .anyMatch(c -> c.step() == 10));
        }
        List<Batch> second = SumSignBatches.batches(pipeline, "later", 10, 16, 8);
        second.forEach(batch -> publish(batch, 0));
        endOfData(pipeline);
        try (TrainerHarness restarted = trainer(pipeline, mode, "epochs: 1")) {
            CheckpointEvent last = awaitFinal(pipeline);
            List<String> expected = new ArrayList<>();
            first.forEach(batch -> expected.add("1 " + batch.batchId()));
            second.forEach(batch -> expected.add("1 " + batch.batchId()));
            assertThat(lineage(last)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Exact resume across a growth: a class learned after the warm-up grows the network at its first batch; a
     * trainer stopped after that checkpoint and restarted ends with the same parameters, bit for bit, as one that
     * was never stopped, and its final checkpoint holds the grown statistics.
     */
    @Test
    void aTrainerRestartedAfterAGrowthEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        String straight = "growth-straight";
        String stopped = "growth-stopped";
        for (String pipeline : List.of(straight, stopped)) {
            publishStatsAndBatches(pipeline, 6);
            publishGrownStats(pipeline);
            grownBatches(pipeline, 0, 6).forEach(batch -> publish(batch, 0));
            producer.flush();
        }
        try (TrainerHarness trainer = trainer(straight, Mode.ALONE, "epochs: 1")) {
            grownBatches(straight, 6, 4).forEach(batch -> publish(batch, 0));
            endOfData(straight);
            awaitFinal(straight);
        }
        try (TrainerHarness trainer = trainer(stopped, Mode.ALONE, "epochs: 1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints(stopped).stream()
                    .anyMatch(c -> c.step() == 10));
        }
        grownBatches(stopped, 6, 4).forEach(batch -> publish(batch, 0));
        endOfData(stopped);
        try (TrainerHarness restarted = trainer(stopped, Mode.ALONE, "epochs: 1")) {
            CheckpointEvent resumed = awaitFinal(stopped);
            CheckpointEvent uninterrupted = awaitFinal(straight);
            assertThat(resumed.statsVersion()).isEqualTo(2);
            assertThat(resumed.lineageCount()).isEqualTo(16);
            assertThat(resumed.sha256()).as("parameters").isEqualTo(uninterrupted.sha256());
        }
    }

    /** Statistics version 2: class c learned after the warm-up. */
    private static void publishGrownStats(String pipeline) {
        NormalizationStats stats = new NormalizationStats(2, pipeline, 2, 100,
                List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                        new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
                List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b", "c"), 0, 0,
                        List.of(50L, 50L, 0L), List.of(1, 1, 2)));
        producer.send(Messages.data(Topics.STATS, pipeline, pipeline, EventCodec.toBytes(stats)));
    }

    /** Batches of version 2 whose first row is of class c. */
    private static List<Batch> grownBatches(String pipeline, int from, int count) {
        List<Batch> grown = new ArrayList<>();
        List<Batch> plain = SumSignBatches.batches(pipeline, "grown", from + count, 16, 12);
        for (Batch batch : plain.subList(from, from + count)) {
            int[] classes = batch.classes().clone();
            classes[0] = 2;
            grown.add(new Batch(pipeline, batch.batchId(), 2, batch.rows(), batch.cols(), batch.features(), classes,
                    null));
        }
        return grown;
    }

    /** Waits for a checkpoint and publishes three evaluations of it: 0.5, then twice 0.4; returns its id. */
    private static String evaluateWithoutImprovement(String pipeline) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !checkpoints(pipeline).isEmpty());
        String id = checkpoints(pipeline).get(0).checkpointId();
        for (double value : new double[] {0.5, 0.4, 0.4}) {
            EvaluationEvent evaluation = new EvaluationEvent(SchemaVersion.CURRENT, pipeline, id, 1, 5, false, 10,
                    Map.of(), List.of(), null, Verdict.REJECTED, "accuracy", value, null, "test",
                    System.currentTimeMillis());
            producer.send(Messages.data(Topics.EVALUATIONS, pipeline, pipeline, EventCodec.toBytes(evaluation)));
        }
        producer.flush();
        return id;
    }

    private TrainerHarness trainer(String pipeline, Mode mode, String trainKeys) throws Exception {
        return new TrainerHarness(spec(pipeline, mode, trainKeys), kafka, checkpointDir, pipeline);
    }

    private static io.streamtrain.pipeline.spec.PipelineSpec spec(String pipeline, Mode mode, String trainKeys) {
        String spec = """
                pipeline: %s
                data:
                  label: y
                  task: classification
                  classes: [a, b]
                batch: {size: 16}
                model: {hidden: [8]}
                train:
                  learningRate: 0.01
                  checkpointEvery: 5
                  %s%s
                """.formatted(pipeline, trainKeys, mode.syncSection);
        return SpecLoader.parse(spec);
    }

    private static List<Batch> publishStatsAndBatches(String pipeline, int count) {
        publishStats(pipeline);
        List<Batch> batches = SumSignBatches.batches(pipeline, "train", count, 16, 4);
        batches.forEach(batch -> publish(batch, 0));
        producer.flush();
        return batches;
    }

    private static void publishStats(String pipeline) {
        NormalizationStats stats = new NormalizationStats(SchemaVersion.CURRENT, pipeline, 1, 100,
                List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                        new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
                List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                        List.of(50L, 50L)));
        producer.send(Messages.data(Topics.STATS, pipeline, pipeline, EventCodec.toBytes(stats)));
    }

    /** A batch on one partition of the train topic. */
    private static void publish(Batch batch, int partition) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.BATCHES_TRAIN, partition,
                batch.batchId(), BatchCodec.encode(batch));
        record.headers().add(Headers.PIPELINE, Headers.utf8(batch.pipeline()));
        producer.send(record);
    }

    private static void endOfData(String pipeline) {
        for (int partition = 0; partition < 2; partition++) {
            producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, partition,
                    new EndOfData(SchemaVersion.CURRENT, pipeline, "train-batches", 0, 0)));
        }
        producer.flush();
    }

    private static Batch poisoned(String pipeline) {
        float[] x = new float[32];
        x[3] = Float.NaN;
        return new Batch(pipeline, "train-poisoned", 1, 16, 2, x, new int[16], null);
    }

    private static List<CheckpointEvent> checkpoints(String pipeline) {
        return new TopicReader(kafka).events(Topics.CHECKPOINTS, pipeline, CheckpointEvent.class);
    }

    private static CheckpointEvent awaitFinal(String pipeline) {
        await().atMost(Duration.ofSeconds(90)).until(() -> checkpoints(pipeline).stream()
                .anyMatch(CheckpointEvent::finalCheckpoint));
        return checkpoints(pipeline).stream().filter(CheckpointEvent::finalCheckpoint).findFirst().orElseThrow();
    }

    /** The first {@code count} final checkpoints, once there are that many. */
    private static List<CheckpointEvent> awaitFinals(String pipeline, int count) {
        await().atMost(Duration.ofSeconds(90)).until(() -> checkpoints(pipeline).stream()
                .filter(CheckpointEvent::finalCheckpoint).count() >= count);
        return checkpoints(pipeline).stream().filter(CheckpointEvent::finalCheckpoint).limit(count).toList();
    }

    private static List<String> lineage(CheckpointEvent checkpoint) throws Exception {
        return LineageFiles.readLines(Path.of(checkpoint.path()));
    }
}
