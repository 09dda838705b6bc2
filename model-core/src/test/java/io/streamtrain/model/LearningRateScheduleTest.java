package io.streamtrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.ScheduleKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmUpRisesLinearlyThenTheRateIsFixed() {
        var schedule = new LearningRateSchedule(0.1, new PipelineSpec.Schedule(ScheduleKind.FIXED, 10, 0, 1, 0));
        assertThat(schedule.at(1)).isCloseTo(0.01, within(1e-12));
        assertThat(schedule.at(5)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.at(10)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.at(10_000)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void stepDecayMultipliesByGammaEveryDecaySteps() {
        var schedule = new LearningRateSchedule(0.1, new PipelineSpec.Schedule(ScheduleKind.STEP, 0, 100, 0.5, 0));
        assertThat(schedule.at(99)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.at(100)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.at(250)).isCloseTo(0.025, within(1e-12));
    }

    @Test
    void cosineFallsToTheMinimumAndStaysThere() {
        var schedule = new LearningRateSchedule(0.1,
                new PipelineSpec.Schedule(ScheduleKind.COSINE, 10, 100, 1, 0.001));
        assertThat(schedule.at(10)).isCloseTo(0.1, within(1e-12));
        assertThat(schedule.at(60)).isCloseTo(0.0505, within(1e-12));
        assertThat(schedule.at(110)).isCloseTo(0.001, within(1e-12));
        assertThat(schedule.at(5_000)).isCloseTo(0.001, within(1e-12));
        assertThat(schedule.getNewValue(0)).isEqualTo(schedule.getNewValue(1));
    }

    @Test
    void balancedClassWeightsFollowTheWarmUpCounts() {
        var stats = new NormalizationStats(1, "p", 1, 0, List.of(), List.of(),
                new NormalizationStats.LabelInfo("classification", List.of("a", "b", "c"), 0, 0,
                        List.of(300L, 100L, 0L)));
        assertThat(ClassWeights.resolve(new PipelineSpec.ClassWeights(true, Map.of()), stats))
                .containsExactly(400f / 900, 400f / 300, 1f);
        assertThat(ClassWeights.resolve(new PipelineSpec.ClassWeights(false, Map.of("b", 3.0)), stats))
                .containsExactly(1f, 3f, 1f);
        assertThat(ClassWeights.resolve(PipelineSpec.ClassWeights.NONE, stats)).isNull();
    }
}
