package io.streamtrain.evaluator.dashboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The pipeline's running bad-record budget as Prometheus gauges at {@code /q/metrics}, tagged with the pipeline.
 * In: the dashboard's state, built from the records and dead-letter topics. Out:
 * {@code streamtrain_pipeline_recent_records} (the last records looked at, at most 10,000),
 * {@code _recent_bad_records} (the dead letters among them), {@code _recent_bad_share}, and
 * {@code streamtrain_pipeline_bad_records_over_budget} (1 while that share is over {@code data.maxBadRecords}; the
 * pipeline keeps running, an alert can fire on it).
 */
@Startup
@ApplicationScoped
public class PipelineMetrics {

    public PipelineMetrics(MeterRegistry registry, PipelineSpec spec, DashboardFeed feed) {
        Tags tags = Tags.of("pipeline", spec.pipeline());
        DashboardState state = feed.state();
        Gauge.builder("streamtrain.pipeline.recent.records", state, s -> s.recentBad().records()).tags(tags)
                .description("the last records looked at for the bad-record budget (at most 10,000)")
                .register(registry);
        Gauge.builder("streamtrain.pipeline.recent.bad.records", state, s -> s.recentBad().bad()).tags(tags)
                .description("dead letters among the last records").register(registry);
        Gauge.builder("streamtrain.pipeline.recent.bad.share", state, s -> s.recentBad().share()).tags(tags)
                .description("the share of dead letters among the last records").register(registry);
        Gauge.builder("streamtrain.pipeline.bad.records.over.budget", state, s -> s.recentBad().overBudget() ? 1 : 0)
                .tags(tags).description("1 while the dead letters among the last records exceed data.maxBadRecords")
                .register(registry);
    }
}
