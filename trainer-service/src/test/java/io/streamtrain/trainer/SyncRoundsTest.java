package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.SyncMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How rounds close, what they average and what the group's offsets and lineage become, from messages alone. */
class SyncRoundsTest {

    private static final String PIPELINE = "sync-test";

    private static SyncRounds group(int partitions, int epochs) {
        return new SyncRounds(partitions, epochs, 0, List.of(), 1, 0, 0, Map.of(), List.of(), new Lineage(0, null));
    }

    private static SyncMessage contribution(long round, String member, int epoch, long samples, List<String> batches,
                                            Map<Integer, Long> offsets, List<Integer> finished, float... values) {
        return SyncMessage.contribution(PIPELINE, round, member, epoch, samples, batches, offsets, finished, 0.5,
                values, null);
    }

    @Test
    void theOptimizerStateIsAveragedLikeTheParametersOnlyWhenEveryMemberThatTrainedSentIt() {
        SyncRounds rounds = group(2, 1);
        rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 0);
        rounds.accept(contribution(2, "b", 1, 0, List.of(), Map.of(), List.of(), 0f), 1);
        rounds.accept(contribution(2, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 2);
        rounds.accept(SyncMessage.contribution(PIPELINE, 3, "a", 1, 10, List.of("a1"), Map.of(0, 1L), List.of(), 0.5,
                new float[] {5f}, new float[] {1f, 10f}), 3);
        SyncRounds.Result averaged = rounds.accept(SyncMessage.contribution(PIPELINE, 3, "b", 1, 30, List.of("b1"),
                Map.of(1, 1L), List.of(), 0.5, new float[] {1f}, new float[] {5f, 2f}), 4);
        // (10 * 1 + 30 * 5) / 40 = 4 and (10 * 10 + 30 * 2) / 40 = 4, as the parameters (10 * 5 + 30 * 1) / 40 = 2.
        assertThat(averaged.parameters()).containsExactly(2f);
        assertThat(averaged.optimizerState()).containsExactly(4f, 4f);

        rounds.accept(SyncMessage.contribution(PIPELINE, 4, "a", 1, 10, List.of("a2"), Map.of(0, 2L), List.of(), 0.5,
                new float[] {5f}, new float[] {1f, 10f}), 5);
        SyncRounds.Result mixed = rounds.accept(contribution(4, "b", 1, 30, List.of("b2"), Map.of(1, 2L), List.of(),
                1f), 6);
        assertThat(mixed.parameters()).containsExactly(2f);
        assertThat(mixed.optimizerState()).as("b kept its state local: each member keeps its own").isNull();
    }

    @Test
    void aContributionAskingToStopCompletesTheRunWithItsRoundAndItsReasonForEveryMember() {
        SyncRounds rounds = group(2, 5);
        rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 0);
        rounds.accept(contribution(2, "b", 1, 10, List.of("b1"), Map.of(1, 1L), List.of(), 1f), 1);
        rounds.accept(contribution(2, "a", 1, 10, List.of("a1"), Map.of(0, 1L), List.of(), 1f), 2);
        // b asks to stop; the round still waits for a, whose work counts too.
        assertThat(rounds.accept(contribution(3, "b", 1, 10, List.of("b2"), Map.of(1, 2L), List.of(), 3f)
                .stoppingBecause("early stop: accuracy did not improve for 3 evaluations"), 3)).isNull();
        SyncRounds.Result last = rounds.accept(contribution(3, "a", 1, 10, List.of("a2"), Map.of(0, 2L), List.of(),
                5f), 4);
        assertThat(last.complete()).as("complete in epoch 1 of 5").isTrue();
        assertThat(last.epochEnded()).isFalse();
        assertThat(last.stopReason()).isEqualTo("early stop: accuracy did not improve for 3 evaluations");
        assertThat(last.parameters()).containsExactly(4f);
        assertThat(rounds.lineage().count()).isEqualTo(4);
        assertThat(rounds.offsets()).isEqualTo(Map.of(0, 2L, 1, 2L));
        assertThat(rounds.epoch()).as("the epoch does not move on").isEqualTo(1);
    }

    @Test
    void aRoundAveragesAtTheNewestStatisticsVersionGrowingTheOlderContributions() {
        SyncRounds rounds = new SyncRounds(2, 1, 0, List.of(), 1, 0, 0, Map.of(), List.of(), new Lineage(0, null),
                (vector, from, to, optimizerState) -> {
                    assertThat(from).isEqualTo(1);
                    assertThat(to).isEqualTo(2);
                    return java.util.Arrays.copyOf(vector, vector.length + 1);
                });
        rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f, 0f).withStatsVersion(1), 0);
        rounds.accept(contribution(2, "b", 1, 10, List.of("b1"), Map.of(1, 1L), List.of(), 3f, 4f, 5f)
                .withStatsVersion(2), 1);
        SyncRounds.Result grown = rounds.accept(contribution(2, "a", 1, 10, List.of("a1"), Map.of(0, 1L), List.of(),
                1f, 2f).withStatsVersion(1), 2);
        assertThat(grown.statsVersion()).isEqualTo(2);
        assertThat(grown.parameters()).containsExactly(2f, 3f, 2.5f);
    }

    @Test
    void theFirstRoundClosesAtOnceAndLaterRoundsWaitForEveryMemberOfThePreviousOne() {
        SyncRounds rounds = group(2, 1);
        SyncRounds.Result first = rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 1f), 0);
        assertThat(first.members()).containsExactly("a");
        // b joins round 2 before a: the round still waits for a.
        assertThat(rounds.accept(contribution(2, "b", 1, 0, List.of(), Map.of(), List.of(), 1f), 1)).isNull();
        SyncRounds.Result second = rounds.accept(contribution(2, "a", 1, 10, List.of("b1"), Map.of(0, 1L), List.of(),
                3f), 2);
        assertThat(second.members()).containsExactly("b", "a");
        assertThat(second.parameters()).containsExactly(3f);
        // Round 3 waits for both a and b.
        assertThat(rounds.accept(contribution(3, "a", 1, 10, List.of("b2"), Map.of(0, 2L), List.of(), 5f), 3))
                .isNull();
        SyncRounds.Result third = rounds.accept(contribution(3, "b", 1, 30, List.of("b3", "b4"), Map.of(1, 2L),
                List.of(), 1f), 4);
        // Weighted by samples: (10 * 5 + 30 * 1) / 40 = 2.
        assertThat(third.parameters()).containsExactly(2f);
        assertThat(third.writer()).isEqualTo("a");
        assertThat(third.steps()).isEqualTo(4);
        assertThat(third.closedAtOffset()).isEqualTo(5);
        assertThat(rounds.offsets()).isEqualTo(Map.of(0, 2L, 1, 2L));
        assertThat(rounds.lineage().unwrittenLines()).isEqualTo("1 b1\n1 b2\n1 b3\n1 b4\n");
    }

    @Test
    void aRoundClosedAfterTheTimeoutLeavesTheLateMemberOutAndItsWorkUncounted() {
        SyncRounds rounds = group(2, 1);
        rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 0);
        rounds.accept(contribution(2, "b", 1, 0, List.of(), Map.of(), List.of(), 0f), 1);
        rounds.accept(contribution(2, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 2);
        assertThat(rounds.accept(contribution(3, "a", 1, 10, List.of("a1"), Map.of(0, 1L), List.of(), 1f), 3))
                .isNull();
        SyncRounds.Result closed = rounds.accept(SyncMessage.close(PIPELINE, 3, "a"), 4);
        assertThat(closed.members()).containsExactly("a");
        // b's late contribution to round 3 counts nowhere: its batch is not in the lineage, its offset not taken.
        assertThat(rounds.accept(contribution(3, "b", 1, 10, List.of("b1"), Map.of(1, 1L), List.of(), 9f), 5))
                .isNull();
        assertThat(rounds.offsets()).isEqualTo(Map.of(0, 1L));
        assertThat(rounds.lineage().count()).isEqualTo(1);
        // A second CLOSE of the same round changes nothing; round 4 expects a only.
        assertThat(rounds.accept(SyncMessage.close(PIPELINE, 3, "b"), 6)).isNull();
        assertThat(rounds.accept(contribution(4, "a", 1, 0, List.of(), Map.of(), List.of(), 1f), 7)).isNotNull();
    }

    @Test
    void aMemberThatLeavesIsNotWaitedFor() {
        SyncRounds rounds = group(1, 1);
        rounds.accept(contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 0);
        rounds.accept(contribution(2, "b", 1, 0, List.of(), Map.of(), List.of(), 0f), 1);
        assertThat(rounds.accept(contribution(2, "a", 1, 0, List.of(), Map.of(), List.of(), 0f), 2).members())
                .containsExactly("b", "a");
        assertThat(rounds.accept(contribution(3, "a", 1, 5, List.of("x"), Map.of(0, 1L), List.of(), 1f), 3)).isNull();
        assertThat(rounds.accept(SyncMessage.leave(PIPELINE, "b"), 4).members()).containsExactly("a");
    }

    @Test
    void theEpochEndsWhenEveryPartitionFinishedAndTheSegmentAfterTheLastEpoch() {
        SyncRounds rounds = group(2, 2);
        SyncRounds.Result first = rounds.accept(contribution(1, "a", 1, 4, List.of("p0"), Map.of(0, 2L), List.of(0),
                1f), 0);
        assertThat(first.epochEnded()).isFalse();
        SyncRounds.Result second = rounds.accept(contribution(2, "a", 1, 4, List.of("p1"), Map.of(1, 2L), List.of(1),
                1f), 1);
        assertThat(second.epochEnded()).isTrue();
        assertThat(second.complete()).isFalse();
        assertThat(rounds.epoch()).isEqualTo(2);
        assertThat(rounds.offsets()).isEmpty();
        // A contribution still labelled with the old epoch is stale.
        assertThat(rounds.accept(contribution(3, "a", 1, 4, List.of("p0"), Map.of(0, 2L), List.of(0), 1f), 2))
                .isNull();
        SyncRounds.Result last = rounds.accept(contribution(3, "a", 2, 8, List.of("p0", "p1"), Map.of(0, 2L, 1, 2L),
                List.of(0, 1), 1f), 3);
        assertThat(last.segmentEnded()).isTrue();
        assertThat(last.complete()).as("only a stop completes a group's run").isFalse();
        assertThat(rounds.lineage().unwrittenLines()).isEqualTo("1 p0\n1 p1\n2 p0\n2 p1\n");
        // The next segment starts after the markers, at epoch 1; its epochs start there again.
        assertThat(rounds.segment()).isEqualTo(2);
        assertThat(rounds.epoch()).isEqualTo(1);
        assertThat(rounds.offsets()).isEqualTo(Map.of(0, 2L, 1, 2L));
        SyncRounds.Result next = rounds.accept(contribution(4, "a", 1, 4, List.of("q0"), Map.of(0, 3L, 1, 3L),
                List.of(0, 1), 1f), 4);
        assertThat(next.epochEnded()).isTrue();
        assertThat(rounds.offsets()).as("the second epoch of segment 2 starts at its start")
                .isEqualTo(Map.of(0, 2L, 1, 2L));
    }

    @Test
    void aGroupRestoredFromACheckpointReplaysLaterRoundsAsTheyClosedLive() {
        List<SyncMessage> topic = List.of(
                contribution(1, "a", 1, 0, List.of(), Map.of(), List.of(), 0f),
                contribution(2, "b", 1, 0, List.of(), Map.of(), List.of(), 0f),
                contribution(2, "a", 1, 10, List.of("a1"), Map.of(0, 1L), List.of(), 1f),
                // Round 3: a first, then b; live, the round waits for both.
                contribution(3, "a", 1, 10, List.of("a2"), Map.of(0, 2L), List.of(), 2f),
                contribution(3, "b", 1, 10, List.of("b1"), Map.of(1, 1L), List.of(), 4f));
        SyncRounds live = group(2, 1);
        SyncRounds.Result afterTwo = null;
        for (int offset = 0; offset < topic.size(); offset++) {
            SyncRounds.Result result = live.accept(topic.get(offset), offset);
            if (result != null && result.round() == 2) {
                afterTwo = result;
            }
        }
        // A checkpoint written after round 2 holds its members; the replay starts at its closing offset.
        SyncRounds restored = new SyncRounds(2, 1, 2, afterTwo.members(), 1, afterTwo.steps(), afterTwo.samples(),
                Map.of(0, 1L), List.of(), new Lineage(1, null));
        for (long offset = afterTwo.closedAtOffset(); offset < topic.size(); offset++) {
            restored.accept(topic.get((int) offset), offset);
        }
        assertThat(restored.last().members()).containsExactly("a", "b");
        assertThat(restored.last().parameters()).containsExactly(3f);
        assertThat(restored.offsets()).isEqualTo(live.offsets());
        assertThat(restored.steps()).isEqualTo(live.steps());
    }
}
