package io.streamtrain.cli.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free TCP ports on the loopback interface for the local broker and services. In: nothing. Out: a port that
 * was free a moment ago and that this process has not handed out before.
 *
 * <p>The ports come from {@value #FIRST}..{@value #LAST}, below the operating systems' ephemeral ranges (Linux
 * 32768-60999, IANA 49152-65535): a port the kernel picked with {@code bind(0)} is one it also gives to outgoing
 * connections, so in the seconds until a starting JVM binds it, one of the many Kafka client connections on the
 * machine could take it and the service would fail to start.
 */
public final class FreePorts {

    static final int FIRST = 20_000;
    static final int LAST = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        int span = LAST - FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FIRST + (start + i) % span;
            if (!HANDED_OUT.contains(port) && free(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port on the loopback interface in " + FIRST + ".." + LAST);
    }

    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
