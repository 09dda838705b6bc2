package io.streamtrain.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How many uploads a client may start: a token bucket per client that holds {@code max-uploads-per-minute} uploads
 * and refills at that rate, so a burst up to the limit passes and a steady flood is held to it. In: the client's
 * key (the authenticated user, else the remote address) at each upload. Out: 0 when it may go on, else the
 * seconds until it may. The 10,000 most recent clients are remembered. 0 in the configuration turns it off.
 */
@ApplicationScoped
public class UploadRateLimiter {

    private static final int CLIENTS = 10_000;

    private final double perMinute;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > CLIENTS;
        }
    };

    public UploadRateLimiter(@ConfigProperty(name = "streamtrain.ingest.max-uploads-per-minute") int perMinute) {
        this.perMinute = perMinute;
    }

    /** Takes one upload from the client's bucket; returns 0, or the whole seconds to wait when it is empty. */
    public synchronized long take(String client, long nowNanos) {
        if (perMinute <= 0) {
            return 0;
        }
        double perNano = perMinute / 60e9;
        double[] bucket = buckets.computeIfAbsent(client, c -> new double[] {perMinute, nowNanos});
        bucket[0] = Math.min(perMinute, bucket[0] + (nowNanos - bucket[1]) * perNano);
        bucket[1] = nowNanos;
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - bucket[0]) / perNano / 1e9);
    }
}
