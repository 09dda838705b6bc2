package io.streamtrain.support.kafka;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The thread a service's consumer loop runs on. The loop keeps polling while {@link #running()}; {@link #stop()}
 * turns that false, wakes up the given consumers (a blocked poll then throws {@code WakeupException}) and waits for
 * the loop to end.
 */
public final class PollingThread {

    private final List<KafkaConsumer<?, ?>> consumers;
    private final Thread thread;
    private volatile boolean running = true;

    private PollingThread(String name, Consumer<PollingThread> loop, List<KafkaConsumer<?, ?>> consumers) {
        this.consumers = consumers;
        this.thread = new Thread(() -> loop.accept(this), name);
    }

    /** Starts {@code loop} on a new thread; it receives this object to ask {@link #running()}. */
    public static PollingThread start(String name, Consumer<PollingThread> loop, KafkaConsumer<?, ?>... consumers) {
        PollingThread polling = new PollingThread(name, loop, List.of(consumers));
        polling.thread.start();
        return polling;
    }

    public boolean running() {
        return running;
    }

    /** Ends the loop and waits up to 10 s for it. */
    public void stop() throws InterruptedException {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        thread.join(10_000);
    }
}
