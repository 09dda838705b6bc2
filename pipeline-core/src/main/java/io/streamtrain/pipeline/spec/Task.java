package io.streamtrain.pipeline.spec;

/** What the network predicts: a class (softmax cross-entropy) or a number (mean squared error). */
public enum Task {
    CLASSIFICATION,
    REGRESSION;

    public String key() {
        return name().toLowerCase();
    }
}
