package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.testing.EmbeddedKafka;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group coordinator on its own, without the training loop: two members driven in turns from one thread on a
 * real broker (the test hands each batch back as if stepped; parameters stay as initialized, which is all the
 * protocol needs). Each member reads the partitions it is given, every batch enters the group's lineage exactly
 * once per epoch, a stop asked by one member ends the run for both with its reason, written by one of them, and a
 * class learned while the group trains grows both members' networks.
 */
class GroupCoordinatorTest {

    private static EmbeddedKafka broker;
    private static KafkaSettings kafka;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path checkpointDir;

    private final List<Member> members = new ArrayList<>();
    /** The statistics published, by version. */
    private final List<NormalizationStats> published = new ArrayList<>();

    /** One member, its run and what it reported. */
    private final class Member implements TrainingCoordinator.Checkpoints {
        final String name;
        final TrainingRun run = new TrainingRun();
        final GroupCoordinator coordinator;
        final CheckpointPublisher publisher;
        final List<TrainingCoordinator.Occasion> occasions = new ArrayList<>();
        final List<String> stepped = new ArrayList<>();

        final PipelineSpec spec;

        Member(PipelineSpec spec, String name) throws Exception {
            this.name = name;
            this.spec = spec;
            publisher = new CheckpointPublisher(spec, PipelineRun.none(spec.pipeline()), kafka,
                    new TrainerMetrics(new SimpleMeterRegistry(), spec),
                    checkpointDir.toString(), Optional.empty());
            coordinator = new GroupCoordinator(spec, kafka, new GroupStart(spec, kafka, publisher, new TrainerState(),
                    1), name, 1024 * 1024, 0);
            assertThat(coordinator.start(run, this)).isTrue();
        }

        @Override
        public void at(TrainingCoordinator.Occasion occasion) {
            occasions.add(occasion);
        }

        boolean complete() {
            return occasions.stream().anyMatch(o -> o.kind() == TrainingCoordinator.Occasion.Kind.FINAL);
        }

        /**
         * One turn: takes what comes within 20 ms and hands a batch straight back as stepped; a batch of newer
         * statistics first grows the network, as the training loop does.
         */
        void turn() throws Exception {
            if (complete()) {
                return;
            }
            DirectBatch batch = coordinator.next(Duration.ofMillis(20));
            if (batch != null && batch.statsVersion() > run.stats.version()) {
                StepRunner.grow(run, published.get(batch.statsVersion() - 1), spec, 1);
            }
            if (batch != null) {
                stepped.add(batch.batchId());
                coordinator.stepped(batch, true, 0.5f);
            }
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.startPrivate();
        kafka = new KafkaSettings(broker.bootstrapServers());
        TopicAdmin.ensureTopics(kafka, 2);
        producer = new KafkaProducer<>(kafka.producer("group-coordinator-test"));
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.close();
    }

    @AfterEach
    void closeMembers() {
        for (Member member : members) {
            member.coordinator.close();
            member.publisher.close();
            member.run.close();
        }
    }

    @Test
    void twoMembersShareThePartitionsAndEveryBatchEntersTheLineageOncePerEpoch() throws Exception {
        String pipeline = "coordinator-epochs";
        PipelineSpec spec = spec(pipeline, 2);
        joinBoth(spec);
        List<Batch> batches = publishBatches(pipeline, 24);
        for (int partition = 0; partition < 2; partition++) {
            producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, partition,
                    new EndOfData(SchemaVersion.CURRENT, pipeline, "train-batches", 0, 0)));
        }
        producer.flush();
        turnsUntil(() -> members.stream().allMatch(Member::complete));

        List<String> expected = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (Batch batch : batches) {
                expected.add(epoch + " " + batch.batchId());
            }
        }
        Lineage lineage = members.get(0).coordinator.lineage();
        assertThat(lineage.count()).isEqualTo(expected.size());
        assertThat(lineage.unwrittenLines().lines().toList()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(members.get(1).coordinator.lineage().sha256()).isEqualTo(lineage.sha256());
        assertThat(members).allSatisfy(m -> assertThat(m.stepped).as(m.name + " trained").isNotEmpty());
        for (Member member : members) {
            List<TrainingCoordinator.Occasion> ends = member.occasions.stream()
                    .filter(o -> o.kind() != TrainingCoordinator.Occasion.Kind.STEP).toList();
            assertThat(ends).extracting(TrainingCoordinator.Occasion::kind).containsExactly(
                    TrainingCoordinator.Occasion.Kind.EPOCH_END, TrainingCoordinator.Occasion.Kind.FINAL);
            assertThat(ends.get(0).epoch()).as("labelled with the epoch that ended").isEqualTo(1);
            assertThat(ends.get(1).stopReason()).isEqualTo("completed 2 epochs with a group of 2 trainer(s)");
        }
        assertThat(members.stream().filter(m -> m.occasions.get(m.occasions.size() - 1).writer())).hasSize(1);
    }

    @Test
    void aStopAskedByOneMemberEndsTheRunForBothWithItsReasonWithinOneRound() throws Exception {
        String pipeline = "coordinator-stop";
        PipelineSpec spec = spec(pipeline, 1000);
        joinBoth(spec);
        publishBatches(pipeline, 40);
        producer.flush();
        turnsUntil(() -> members.get(0).coordinator.lineage().count() >= 8);
        members.get(1).coordinator.stop("early stop: accuracy did not improve for 3 evaluations");
        turnsUntil(() -> members.stream().allMatch(Member::complete));

        List<TrainingCoordinator.Occasion> finals = new ArrayList<>();
        for (Member member : members) {
            TrainingCoordinator.Occasion last = member.occasions.get(member.occasions.size() - 1);
            assertThat(last.kind()).isEqualTo(TrainingCoordinator.Occasion.Kind.FINAL);
            assertThat(last.stopReason()).isEqualTo("early stop: accuracy did not improve for 3 evaluations");
            finals.add(last);
        }
        assertThat(finals).filteredOn(TrainingCoordinator.Occasion::writer).hasSize(1);
        // Both members end at the same round: the same lineage, at least the 8 batches before the stop.
        assertThat(members.get(0).coordinator.lineage().count()).isGreaterThanOrEqualTo(8);
        assertThat(members.get(1).coordinator.lineage().sha256())
                .isEqualTo(members.get(0).coordinator.lineage().sha256());
    }

    /**
     * A class learned after the warm-up reaches one member only (its partition): that member grows its network and
     * contributes at the newer statistics version, the round grows the other's contribution, and the other grows
     * when it adopts the round. Both end with the grown network and every batch once in the lineage.
     */
    @Test
    void aClassLearnedWhileTheGroupTrainsGrowsEveryMember() throws Exception {
        String pipeline = "coordinator-growth";
        PipelineSpec spec = spec(pipeline, 1);
        joinBoth(spec);
        List<Batch> before = publishBatches(pipeline, 12);
        publishStats(pipeline, List.of("a", "b", "c"));
        List<Batch> after = new ArrayList<>();
        for (Batch batch : SumSignBatches.batches(pipeline, "grown", 6, 16, 9)) {
            int[] classes = batch.classes().clone();
            classes[0] = 2;
            after.add(new Batch(pipeline, batch.batchId(), 2, batch.rows(), batch.cols(), batch.features(), classes,
                    null));
        }
        for (Batch batch : after) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.BATCHES_TRAIN, 1, batch.batchId(),
                    BatchCodec.encode(batch));
            record.headers().add(Headers.PIPELINE, Headers.utf8(pipeline));
            producer.send(record);
        }
        for (int partition = 0; partition < 2; partition++) {
            producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, partition,
                    new EndOfData(SchemaVersion.CURRENT, pipeline, "train-batches", 0, 0)));
        }
        producer.flush();
        turnsUntil(() -> members.stream().allMatch(Member::complete));

        for (Member member : members) {
            assertThat(member.run.stats.version()).as(member.name).isEqualTo(2);
            assertThat(member.run.session.parameterVector()).as(member.name)
                    .hasSameSizeAs(members.get(0).run.session.parameterVector());
        }
        Lineage lineage = members.get(0).coordinator.lineage();
        assertThat(lineage.count()).isEqualTo(before.size() + after.size());
        assertThat(new java.util.HashSet<>(lineage.unwrittenLines().lines().toList())).hasSize(18);
    }

    /** Starts members a and b and turns them until each reads a partition of its own. */
    private void joinBoth(PipelineSpec spec) throws Exception {
        publishStats(spec.pipeline());
        members.add(new Member(spec, "a"));
        members.add(new Member(spec, "b"));
        turnsUntil(() -> members.stream().allMatch(m -> m.coordinator.reading().size() == 1));
    }

    private void turnsUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    for (Member member : members) {
                        member.turn();
                    }
                    return condition.call();
                });
    }

    private static PipelineSpec spec(String pipeline, int epochs) {
        return SpecLoader.parse("""
                pipeline: %s
                data: {label: y, task: classification, classes: [a, b]}
                batch: {size: 16}
                model: {hidden: [8]}
                train: {epochs: %d, checkpointEvery: 1000, sync: {everySteps: 3, timeoutSeconds: 5}}
                """.formatted(pipeline, epochs));
    }

    /** The first two classes from the warm-up, the others learned in {@code version}. */
    private static List<Integer> learnedIn(int classes, int version) {
        List<Integer> versions = new ArrayList<>(List.of(1, 1));
        while (versions.size() < classes) {
            versions.add(version);
        }
        return versions;
    }

    private static List<Batch> publishBatches(String pipeline, int count) {
        List<Batch> batches = SumSignBatches.batches(pipeline, "train", count, 16, 4);
        for (int i = 0; i < batches.size(); i++) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.BATCHES_TRAIN, i % 2,
                    batches.get(i).batchId(), BatchCodec.encode(batches.get(i)));
            record.headers().add(Headers.PIPELINE, Headers.utf8(pipeline));
            producer.send(record);
        }
        return batches;
    }

    private void publishStats(String pipeline) {
        publishStats(pipeline, List.of("a", "b"));
    }

    /** The next statistics version of the pipeline, with these classes. */
    private void publishStats(String pipeline, List<String> classes) {
        published.removeIf(s -> !s.pipeline().equals(pipeline));
        NormalizationStats stats = new NormalizationStats(SchemaVersion.CURRENT, pipeline, published.size() + 1, 100,
                List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                        new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
                List.of(), new NormalizationStats.LabelInfo("classification", classes, 0, 0, null,
                        classes.size() == 2 ? null : learnedIn(classes.size(), published.size() + 1)));
        published.add(stats);
        producer.send(Messages.data(Topics.STATS, pipeline, pipeline, EventCodec.toBytes(stats)));
        producer.flush();
    }
}
