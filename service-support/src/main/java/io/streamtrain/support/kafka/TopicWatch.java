package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Keeps asking the broker, in the background, whether a service's topics exist, so that a health check can answer
 * at once. In: the settings, the required topics, how often and how long to ask. Out: the latest
 * {@link TopicPresence.Status}; a status older than three intervals and a timeout counts as down (the watch
 * itself is stuck).
 */
public final class TopicWatch implements AutoCloseable {

    private final KafkaSettings kafka;
    private final RequiredTopics required;
    private final Duration interval;
    private final Duration timeout;
    private final Admin admin;
    private final ScheduledExecutorService executor;
    private volatile TopicPresence.Status status = new TopicPresence.Status(false, false, List.of(),
            "the first check of the broker and its topics has not answered yet");
    private volatile long checkedAtNanos = System.nanoTime();

    public TopicWatch(KafkaSettings kafka, RequiredTopics required, Duration interval, Duration timeout) {
        this.kafka = kafka;
        this.required = required;
        this.interval = interval;
        this.timeout = timeout;
        this.admin = TopicPresence.admin(kafka, "streamtrain-topic-watch", timeout);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "streamtrain-topic-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks once now (so the status is known when the service opens), then every interval in the background. */
    public TopicWatch start() {
        refresh();
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void refresh() {
        try {
            status = TopicPresence.check(admin, kafka.bootstrapServers(), required, timeout);
        } catch (RuntimeException e) {
            // An escaped exception would end the schedule: report it instead.
            status = new TopicPresence.Status(false, false, List.of(), "the topic check failed: " + e);
        }
        checkedAtNanos = System.nanoTime();
    }

    /** The latest status, down when it is too old to trust. */
    public TopicPresence.Status status() {
        long age = System.nanoTime() - checkedAtNanos;
        if (age > interval.multipliedBy(3).plus(timeout).toNanos()) {
            return new TopicPresence.Status(false, false, List.of(), "no answer from the topic check for "
                    + TimeUnit.NANOSECONDS.toSeconds(age) + " s (last: " + status.reason() + ")");
        }
        return status;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
