package io.streamtrain.model;

import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine with a fixed thread count and offline mode. One intra-op and one inter-op thread by
 * default: on small machines more threads made throughput collapse unpredictably, and a fixed count is what
 * makes training with a fixed seed bit-identical across runs. Must run before the engine is first used.
 */
public final class Engines {

    private Engines() {
    }

    public static synchronized Engine pytorch(int threads) {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        return Engine.getEngine("PyTorch");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
