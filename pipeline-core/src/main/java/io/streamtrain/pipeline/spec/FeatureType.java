package io.streamtrain.pipeline.spec;

/** How a feature is encoded: numeric values are z-scored, categorical ones one-hot encoded. */
public enum FeatureType {
    NUMERIC,
    CATEGORICAL
}
